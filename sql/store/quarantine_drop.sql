-- A person drops a quarantined article: it is deleted with its children, signature, LSH bands
-- and removal statistics, its input is recorded as rejected, and reruns keep it out while its
-- content is unchanged; its batch no longer delivers it, and the ledger loses what the article
-- counted for. Returns the article's batch, or nothing when it is not in quarantine.
CREATE TEMP TABLE dropping ON COMMIT DROP AS
SELECT article_id, article_key, content_hash, batch_id, source, source_file, source_line,
       removed_chars::float8 / nullif(input_chars, 0) AS ratio, paragraph_count, removed_count,
       (SELECT count(*) FROM captions c WHERE c.article_id = a.article_id) AS captions
FROM articles a WHERE article_id = :id AND status = 'quarantined';
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
DELETE FROM article_deliveries v USING dropping d WHERE v.article_key = d.article_key AND v.batch_id = d.batch_id;
UPDATE batches b SET articles_quarantined = b.articles_quarantined - 1, articles_loaded = b.articles_loaded - 1,
    articles_delivered = b.articles_delivered - 1, paragraphs_kept = b.paragraphs_kept - d.paragraph_count,
    pieces_removed = b.pieces_removed - d.removed_count, captions_kept = b.captions_kept - d.captions,
    inputs_rejected = b.inputs_rejected + 1
FROM dropping d WHERE b.batch_id = d.batch_id
RETURNING b.batch_id;
