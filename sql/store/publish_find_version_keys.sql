-- The articles whose history this batch can change: those whose text it delivers for the first time
-- or differently than in its last run, and those it delivered before but no longer does (read
-- before record_deliveries forgets them). An unchanged rerun has none, and costs nothing here.
CREATE TEMP TABLE version_keys ON COMMIT DROP AS
SELECT b.article_key FROM batch_articles b
LEFT JOIN article_deliveries d ON d.article_key = b.article_key AND d.batch_id = %(batch)s
WHERE d.text_hash IS DISTINCT FROM b.text_hash
UNION
SELECT d.article_key FROM article_deliveries d
WHERE d.batch_id = %(batch)s AND NOT EXISTS (SELECT 1 FROM batch_articles b WHERE b.article_key = d.article_key);
ANALYZE version_keys;
