-- Articles this batch delivered before but no longer does (a file removed, then the batch rerun),
-- and no other batch delivers either.
DELETE FROM articles a WHERE a.batch_id = %(batch)s
AND NOT EXISTS (SELECT 1 FROM batch_articles b WHERE b.article_key = a.article_key)
AND NOT EXISTS (SELECT 1 FROM handed_over h WHERE h.article_id = a.article_id);
