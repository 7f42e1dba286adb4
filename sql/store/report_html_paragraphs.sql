-- The kept paragraphs of the given articles with their input positions (source_position, NULL for rows
-- loaded before migration 0015), in clean-body order.
SELECT article_id, position, source_position, text
FROM paragraphs
WHERE article_id = ANY(CAST(:ids AS bigint[]))
ORDER BY article_id, position;
