-- name: high_removal_ratio
-- Articles whose removal ratio is unusually high: over 2 standard deviations above their source's
-- mean, or over 0.8 (quarantined ones included; see the status column and `quarantine list`).
WITH stats AS (
    SELECT source, avg(removal_ratio) AS mean, stddev_pop(removal_ratio) AS sd
    FROM article_removal_ratio
    GROUP BY source
)
SELECT r.article_id, r.source, r.source_file, r.title, r.removal_ratio, round(s.mean, 3) AS source_mean, r.status
FROM article_removal_ratio r JOIN stats s ON s.source IS NOT DISTINCT FROM r.source
WHERE r.removal_ratio > s.mean + 2 * s.sd OR r.removal_ratio > 0.8
ORDER BY r.removal_ratio DESC
LIMIT 50;
