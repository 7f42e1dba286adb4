-- The captions kept for the given articles, in article order.
SELECT article_id, position, text, credit
FROM captions
WHERE article_id = ANY(CAST(:ids AS bigint[]))
ORDER BY article_id, position;
