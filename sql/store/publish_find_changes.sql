-- Rows to write: new keys; keys last delivered by an earlier batch (a later batch wins, so
-- backfills in any order end the same); keys of this batch whose content changed.
CREATE TEMP TABLE to_write ON COMMIT DROP AS
SELECT b.*, a.cluster_id AS old_cluster
FROM batch_articles b LEFT JOIN articles a USING (article_key)
WHERE a.article_id IS NULL OR a.batch_id < %(batch)s
   OR (a.batch_id = %(batch)s AND a.content_hash <> b.content_hash);
ANALYZE to_write;
