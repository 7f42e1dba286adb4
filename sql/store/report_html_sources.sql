-- Per source of a batch's articles: articles, quarantined articles and the removed / input characters
-- (their ratio is the source's removal ratio); the :limit sources with the most articles, and how many
-- sources there are in all.
SELECT coalesce(source, '') AS source, count(*) AS articles,
       count(*) FILTER (WHERE status = 'quarantined') AS quarantined,
       sum(removed_chars) AS removed_chars, sum(input_chars) AS input_chars,
       count(*) OVER () AS sources
FROM articles
WHERE batch_id = :b
GROUP BY 1
ORDER BY articles DESC, source
LIMIT :limit;
