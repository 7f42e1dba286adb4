-- Rows to write: new keys; keys owned by an earlier batch (the highest batch id that delivers an
-- article owns it, so backfills in any order end the same); keys of this batch whose content
-- changed, or that were cleaned with other rules, settings or model data (a reprocess: migration
-- 0022; the row then records what cleaned it now, even when its content is the same). old_owner: the batch that owned the row before (its ledger counts change).
CREATE TEMP TABLE to_write ON COMMIT DROP AS
SELECT b.*, a.cluster_id AS old_cluster, a.batch_id AS old_owner
FROM batch_articles b LEFT JOIN articles a USING (article_key)
WHERE a.article_id IS NULL OR a.batch_id < %(batch)s
   OR (a.batch_id = %(batch)s AND a.content_hash <> b.content_hash)
   OR (a.batch_id = %(batch)s AND a.cleaner_digest IS DISTINCT FROM b.cleaner_digest);
ANALYZE to_write;
