-- The retired articles' LSH bands (recomputed from their stored signatures, deleted by key) and
-- signatures.
DELETE FROM lsh_bands b USING (
    SELECT g.band, newsclean_band_bucket(s.minhash, g.band) AS bucket, s.article_id
    FROM article_signatures s JOIN retired r USING (article_id)
    CROSS JOIN generate_series(0, %(bands)s - 1) AS g(band)) o
WHERE b.band = o.band AND b.bucket = o.bucket AND b.article_id = o.article_id;
DELETE FROM article_signatures WHERE article_id IN (SELECT article_id FROM retired);
