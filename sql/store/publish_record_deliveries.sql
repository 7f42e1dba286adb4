-- The batch's deliveries (article_deliveries): the keys it delivers now replace those it delivered
-- before. An article it owned but no longer delivers goes to the highest other batch that still
-- delivers it (handed_over) instead of being deleted: it stays while any batch delivers it.
CREATE TEMP TABLE handed_over ON COMMIT DROP AS
SELECT a.article_id, d.batch_id AS new_owner, d.source_file, d.source_line
FROM articles a
CROSS JOIN LATERAL (
    SELECT d.batch_id, d.source_file, d.source_line FROM article_deliveries d
    WHERE d.article_key = a.article_key AND d.batch_id <> %(batch)s
    ORDER BY d.batch_id DESC LIMIT 1) d
WHERE a.batch_id = %(batch)s AND NOT EXISTS (SELECT 1 FROM batch_articles b WHERE b.article_key = a.article_key);
ANALYZE handed_over;
DELETE FROM article_deliveries d WHERE d.batch_id = %(batch)s
AND NOT EXISTS (SELECT 1 FROM batch_articles b WHERE b.article_key = d.article_key);
-- Unchanged deliveries are not rewritten.
INSERT INTO article_deliveries AS d (article_key, batch_id, content_hash, source_file, source_line, text_hash)
SELECT article_key, %(batch)s, content_hash, source_file, source_line, text_hash FROM batch_articles ORDER BY article_key
ON CONFLICT (article_key, batch_id) DO UPDATE SET content_hash = EXCLUDED.content_hash,
    source_file = EXCLUDED.source_file, source_line = EXCLUDED.source_line, text_hash = EXCLUDED.text_hash
WHERE (d.content_hash, d.source_file, d.source_line, d.text_hash)
    IS DISTINCT FROM (EXCLUDED.content_hash, EXCLUDED.source_file, EXCLUDED.source_line, EXCLUDED.text_hash);
