-- The LSH bands of the articles about to be written (computed by the clean step).
CREATE TEMP TABLE new_bands ON COMMIT DROP AS
SELECT b.copy_id, w.article_key, b.band, b.bucket FROM stage_bands b JOIN to_write w USING (copy_id);
ANALYZE new_bands;
