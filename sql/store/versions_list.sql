-- An article's versions, oldest first: its earlier texts (article_versions, by batch id), then the
-- article row itself (the latest text, owned by the highest batch that delivers it).
SELECT v.batch_id, v.loaded_at, v.title, v.subtitle, v.body, false AS latest
FROM articles a JOIN article_versions v USING (article_key)
WHERE a.article_id = :id
UNION ALL
SELECT a.batch_id, a.loaded_at, a.title, a.subtitle, a.body, true
FROM articles a WHERE a.article_id = :id
ORDER BY latest, batch_id;
