-- name: articles_per_source_per_day
-- Articles per source per publication day, newest first.
SELECT source, day, articles
FROM articles_per_source_day
ORDER BY day DESC NULLS LAST, articles DESC, source;
