-- The given articles' earlier versions (article_versions), oldest first: the report page shows
-- each with its word diff to the next one.
SELECT a.article_id, v.batch_id, v.loaded_at, v.title, v.subtitle, v.body, false AS latest
FROM article_versions v JOIN articles a USING (article_key)
WHERE a.article_id = ANY(CAST(:ids AS bigint[]))
ORDER BY a.article_id, v.batch_id;
