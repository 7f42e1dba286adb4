-- name: articles_by_cleaner
-- How many articles each cleaning digest (rules, settings, model data) and package version cleaned,
-- the latest digest first; `newsclean reprocess --stale` re-cleans those of every other digest.
-- What a digest covered: cleaning_configs.parts.
SELECT a.cleaner_version, left(a.cleaner_digest, 12) AS digest, count(*) AS articles, min(a.batch_id) AS first_batch,
       max(a.batch_id) AS last_batch, c.first_used
FROM articles a LEFT JOIN cleaning_configs c ON c.digest = a.cleaner_digest
GROUP BY a.cleaner_version, a.cleaner_digest, c.first_used
ORDER BY c.first_used DESC NULLS LAST;
