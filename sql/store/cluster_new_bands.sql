-- The LSH bands of the articles about to be written (their buckets were computed while staging).
CREATE TEMP TABLE new_bands ON COMMIT DROP AS
SELECT s.copy_id, w.article_key, (b.band - 1)::smallint AS band, b.bucket
FROM stage_signatures s JOIN to_write w USING (copy_id)
CROSS JOIN unnest(s.buckets) WITH ORDINALITY AS b(bucket, band);
ANALYZE new_bands;
