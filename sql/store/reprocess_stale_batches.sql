-- `newsclean reprocess --stale`: the batches owning an article cleaned with another digest than
-- the current one (or before digests were recorded, migration 0022).
SELECT DISTINCT batch_id FROM articles WHERE cleaner_digest IS DISTINCT FROM :digest ORDER BY batch_id;
