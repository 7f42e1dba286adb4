-- The retired articles' LSH bands (recomputed from their stored signatures, deleted by key) and
-- signatures. The band rows go through an analyzed temporary table: computed inside the DELETE
-- their count was estimated at 1, and the planner probed the whole retired list once per band row
-- of the corpus (a takeover of 10,000 articles ran for over 8 minutes instead of ~2 s).
CREATE TEMP TABLE retired_bands ON COMMIT DROP AS
SELECT g.band, newsclean_band_bucket(s.minhash, g.band) AS bucket, s.article_id
FROM article_signatures s JOIN retired r USING (article_id)
CROSS JOIN generate_series(0, %(bands)s - 1) AS g(band);
ANALYZE retired_bands;
DELETE FROM lsh_bands b USING retired_bands o
WHERE b.band = o.band AND b.bucket = o.bucket AND b.article_id = o.article_id;
DELETE FROM article_signatures WHERE article_id IN (SELECT article_id FROM retired);
