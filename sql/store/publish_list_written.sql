-- The written articles' ids, for their children.
CREATE TEMP TABLE written ON COMMIT DROP AS
SELECT w.copy_id, w.article_key, a.article_id FROM to_write w JOIN articles a USING (article_key);
ANALYZE written;
