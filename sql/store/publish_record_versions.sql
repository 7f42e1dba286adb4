-- Each touched article's history (version_keys), recomputed from its deliveries in batch id order:
-- a version begins at each delivery whose text differs from the one before; all versions but the
-- latest (the article row, owned by the highest batch) are kept in article_versions. The texts come
-- from what is stored (earlier versions, the article row before this batch rewrites it) and this
-- batch's copy.
CREATE TEMP TABLE version_texts ON COMMIT DROP AS
SELECT DISTINCT ON (article_key, text_hash) article_key, text_hash, title, subtitle, body, content_hash, loaded_at
FROM (
    SELECT v.article_key, v.text_hash, v.title, v.subtitle, v.body, v.content_hash, v.loaded_at, 1 AS preference
    FROM article_versions v JOIN version_keys USING (article_key)
    UNION ALL
    SELECT a.article_key, a.text_hash, a.title, a.subtitle, a.body, a.content_hash, a.loaded_at, 2
    FROM articles a JOIN version_keys USING (article_key) WHERE a.text_hash IS NOT NULL
    UNION ALL
    SELECT b.article_key, b.text_hash, s.title, s.subtitle, s.body, b.content_hash, now(), 3
    FROM batch_articles b JOIN version_keys USING (article_key) JOIN stage_articles s USING (copy_id)
) t
ORDER BY article_key, text_hash, preference;
CREATE TEMP TABLE version_starts ON COMMIT DROP AS
SELECT article_key, batch_id, text_hash FROM (
    SELECT article_key, batch_id, text_hash,
           lag(text_hash) OVER (PARTITION BY article_key ORDER BY batch_id) AS previous
    FROM article_deliveries JOIN version_keys USING (article_key) WHERE text_hash IS NOT NULL
) d
WHERE previous IS DISTINCT FROM text_hash;
-- The latest version is the article row: the last start is not kept.
DELETE FROM version_starts s USING (
    SELECT article_key, max(batch_id) AS batch_id FROM version_starts GROUP BY article_key
) l WHERE s.article_key = l.article_key AND s.batch_id = l.batch_id;
DELETE FROM article_versions v USING version_keys k
WHERE v.article_key = k.article_key
AND NOT EXISTS (SELECT 1 FROM version_starts s
                WHERE s.article_key = v.article_key AND s.batch_id = v.batch_id AND s.text_hash = v.text_hash);
INSERT INTO article_versions (article_key, batch_id, title, subtitle, body, text_hash, content_hash, loaded_at)
SELECT s.article_key, s.batch_id, t.title, t.subtitle, t.body, s.text_hash, t.content_hash, t.loaded_at
FROM version_starts s JOIN version_texts t USING (article_key, text_hash)
ORDER BY s.article_key, s.batch_id
ON CONFLICT (article_key, batch_id) DO NOTHING;
