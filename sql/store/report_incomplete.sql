-- Issue 23: per source, a batch's articles and how many a paywall or a teaser cut (complete = false);
-- sources with none are left out.
SELECT source, count(*) AS articles, count(*) FILTER (WHERE NOT complete) AS incomplete
FROM articles WHERE batch_id = :b
GROUP BY source HAVING count(*) FILTER (WHERE NOT complete) > 0
ORDER BY 3 DESC, 1 NULLS LAST;
