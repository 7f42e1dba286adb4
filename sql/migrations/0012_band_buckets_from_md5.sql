-- LSH bucket of a band: the first 8 bytes of the MD5 of the band's 16 signature bytes, as a
-- signed bigint. It used to be BLAKE2b, which only Python could compute; with MD5 the server
-- computes the bands of a stored signature itself, so a publish deletes the bands of the
-- articles it rewrites without fetching their signatures. pipeline.corpus.band_buckets is the
-- same function (tests compare them). The stored bands are recomputed here.
CREATE FUNCTION newsclean_band_bucket(minhash bytea, band integer) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT ('x' || left(md5(substring(minhash FROM band * 16 + 1 FOR 16)), 16))::bit(64)::bigint $$;

COMMENT ON FUNCTION newsclean_band_bucket(bytea, integer) IS 'LSH bucket of band 0-31 of a 128 x uint32 MinHash signature: first 8 bytes of MD5 of its 16 bytes, signed.';

TRUNCATE lsh_bands;
INSERT INTO lsh_bands (band, bucket, article_id)
SELECT g.band, newsclean_band_bucket(s.minhash, g.band), s.article_id
FROM article_signatures s CROSS JOIN generate_series(0, 31) AS g(band)
ORDER BY 1, 2, 3;
COMMENT ON COLUMN lsh_bands.bucket IS 'newsclean_band_bucket(minhash, band): 64-bit hash of the band''s 4 MinHash values.';
