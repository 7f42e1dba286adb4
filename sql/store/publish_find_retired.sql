-- Stored articles about to be rewritten, and those this batch delivered before but no longer
-- does and no other batch delivers (the others change hands): their children, signatures, bands
-- and removal statistics go before the new ones come.
CREATE TEMP TABLE retired ON COMMIT DROP AS
SELECT a.article_id, a.source, a.removed_chars::float8 / nullif(a.input_chars, 0) AS ratio
FROM articles a JOIN to_write w USING (article_key)
UNION ALL
SELECT a.article_id, a.source, a.removed_chars::float8 / nullif(a.input_chars, 0)
FROM articles a
WHERE a.batch_id = %(batch)s AND NOT EXISTS (SELECT 1 FROM batch_articles b WHERE b.article_key = a.article_key)
AND NOT EXISTS (SELECT 1 FROM handed_over h WHERE h.article_id = a.article_id);
ANALYZE retired;
