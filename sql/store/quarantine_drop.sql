-- A person drops a quarantined article: it is deleted with its children, signature, LSH bands
-- and removal statistics, its input is recorded as rejected, and reruns keep it out while its
-- content is unchanged. Returns the article's batch, or nothing when it is not in quarantine.
CREATE TEMP TABLE dropping ON COMMIT DROP AS
SELECT article_id, article_key, content_hash, batch_id, source, source_file, source_line,
       removed_chars::float8 / nullif(input_chars, 0) AS ratio
FROM articles WHERE article_id = :id AND status = 'quarantined';
DELETE FROM lsh_bands b USING (
    SELECT g.band, newsclean_band_bucket(s.minhash, g.band) AS bucket, s.article_id
    FROM article_signatures s JOIN dropping d USING (article_id) CROSS JOIN generate_series(0, 31) AS g(band)) o
WHERE b.band = o.band AND b.bucket = o.bucket AND b.article_id = o.article_id;
UPDATE source_removal_stats s SET articles = s.articles - 1, ratio_sum = s.ratio_sum - d.ratio,
    ratio_squares = s.ratio_squares - d.ratio * d.ratio
FROM dropping d WHERE s.source = coalesce(d.source, '') AND d.ratio IS NOT NULL;
DELETE FROM articles a USING dropping d WHERE a.article_id = d.article_id;
INSERT INTO quarantine_decisions (article_key, content_hash, decision, note)
SELECT article_key, content_hash, 'dropped', :note FROM dropping
ON CONFLICT (article_key) DO UPDATE SET content_hash = EXCLUDED.content_hash, decision = EXCLUDED.decision,
    note = EXCLUDED.note, decided_at = now();
INSERT INTO rejected_inputs (batch_id, source_file, line, reason)
SELECT batch_id, source_file, coalesce(source_line, 0), 'dropped by a person after quarantine review' FROM dropping
ON CONFLICT (batch_id, source_file, line) DO UPDATE SET reason = EXCLUDED.reason;
UPDATE batches b SET articles_quarantined = b.articles_quarantined - 1, articles_loaded = b.articles_loaded - 1,
    inputs_rejected = b.inputs_rejected + 1
FROM dropping d WHERE b.batch_id = d.batch_id
RETURNING b.batch_id;
