-- Which batches deliver which article. An article delivered by several batches stays while any of
-- them still delivers it, and belongs to the delivering batch with the highest id whatever the order
-- the batches ran in: a batch that stops delivering an article it owns hands it to the next one.
-- The ledger's counts become what each batch owns, recounted whenever articles change hands, so
-- the ledger and the report (read from the articles a batch owns) agree after takeovers.
CREATE TABLE article_deliveries (
    article_key   text NOT NULL,
    batch_id      text NOT NULL REFERENCES batches (batch_id),
    content_hash  text NOT NULL,
    source_file   text NOT NULL,
    source_line   integer,
    PRIMARY KEY (article_key, batch_id)
);
CREATE INDEX article_deliveries_batch_idx ON article_deliveries (batch_id);

COMMENT ON TABLE article_deliveries IS 'One row per article key and batch that delivered it in its latest run; articles.batch_id is the highest batch id among them.';
COMMENT ON COLUMN article_deliveries.article_key IS 'The article delivered (articles.article_key; the article may be held back by a person''s drop).';
COMMENT ON COLUMN article_deliveries.batch_id IS 'A batch whose latest run delivered the article (batches.batch_id).';
COMMENT ON COLUMN article_deliveries.content_hash IS 'Hash of the clean article as this batch delivered it; when it differs from articles.content_hash, the row holds another batch''s version.';
COMMENT ON COLUMN article_deliveries.source_file IS 'Input file of this batch the article came from.';
COMMENT ON COLUMN article_deliveries.source_line IS '1-based line for JSONL inputs, NULL for whole-file inputs.';

-- Articles loaded before this migration: each was delivered by the batch that owns it (deliveries
-- by other batches are recorded from their next run).
INSERT INTO article_deliveries (article_key, batch_id, content_hash, source_file, source_line)
SELECT article_key, batch_id, content_hash, source_file, source_line FROM articles;

ALTER TABLE batches ADD COLUMN articles_delivered integer NOT NULL DEFAULT 0;
COMMENT ON COLUMN batches.articles_delivered IS 'Articles the batch''s latest run delivered (after in-batch duplicates were merged), owned by it or by a later batch.';
UPDATE batches SET articles_delivered = articles_loaded;

COMMENT ON COLUMN batches.articles_loaded IS 'Articles the batch owns: it delivers them and no batch with a higher id does. Recounted when articles change hands.';
COMMENT ON COLUMN batches.paragraphs_kept IS 'Clean paragraphs across the articles the batch owns.';
COMMENT ON COLUMN batches.pieces_removed IS 'Removal audit rows across the articles the batch owns.';
COMMENT ON COLUMN batches.captions_kept IS 'Structured captions across the articles the batch owns.';
COMMENT ON COLUMN batches.articles_quarantined IS 'Articles the batch owns that are held in quarantine.';

-- The ledger counts of what each batch owns now (before, a batch kept the counts of what it had
-- delivered even after a later batch took its articles over).
UPDATE batches b SET articles_loaded = o.articles, paragraphs_kept = o.paragraphs, pieces_removed = o.removed,
    captions_kept = o.captions, articles_quarantined = o.quarantined
FROM (
    SELECT x.batch_id, count(a.article_id) AS articles, coalesce(sum(a.paragraph_count), 0) AS paragraphs,
           coalesce(sum(a.removed_count), 0) AS removed, count(*) FILTER (WHERE a.status = 'quarantined') AS quarantined,
           (SELECT count(*) FROM captions c JOIN articles y USING (article_id) WHERE y.batch_id = x.batch_id) AS captions
    FROM batches x LEFT JOIN articles a ON a.batch_id = x.batch_id
    GROUP BY x.batch_id
) o
WHERE b.batch_id = o.batch_id;
