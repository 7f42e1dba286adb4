-- Line statistics are now counted from a batch's raw inputs before any of it is cleaned, so a
-- batch is cleaned once, with what it teaches. Each batch's contribution is kept apart
-- (batch_line_counts, batch_source_counts) so that a rerun replaces it instead of adding it twice;
-- the per-article hashes that served that purpose before go. Existing contributions carry over.
CREATE TABLE batch_line_counts (
    batch_id   text NOT NULL,
    source     text NOT NULL,
    line_hash  bigint NOT NULL,
    inputs     integer NOT NULL,
    PRIMARY KEY (batch_id, source, line_hash)
);

CREATE TABLE batch_source_counts (
    batch_id  text NOT NULL,
    source    text NOT NULL,
    inputs    integer NOT NULL,
    PRIMARY KEY (batch_id, source)
);

INSERT INTO batch_line_counts (batch_id, source, line_hash, inputs)
SELECT a.batch_id, a.source, h.line_hash, count(*)
FROM article_line_hashes h JOIN articles a USING (article_id)
WHERE a.source IS NOT NULL
GROUP BY 1, 2, 3;

INSERT INTO batch_source_counts (batch_id, source, inputs)
SELECT batch_id, source, count(*) FROM articles WHERE source IS NOT NULL GROUP BY 1, 2;

DROP TABLE article_line_hashes;

COMMENT ON TABLE batch_line_counts IS 'Per batch: in how many of its inputs (articles as delivered, before cleaning) each normalized paragraph of a source occurs; source_line_counts is the sum over batches.';
COMMENT ON COLUMN batch_line_counts.batch_id IS 'The batch (batches.batch_id).';
COMMENT ON COLUMN batch_line_counts.source IS 'Source, as in articles.source.';
COMMENT ON COLUMN batch_line_counts.line_hash IS 'Paragraph hash, as in source_line_counts.line_hash.';
COMMENT ON COLUMN batch_line_counts.inputs IS 'Inputs of the batch and source containing the paragraph.';
COMMENT ON TABLE batch_source_counts IS 'Per batch: inputs (articles as delivered) of each source; source_stats is the sum over batches.';
COMMENT ON COLUMN batch_source_counts.batch_id IS 'The batch (batches.batch_id).';
COMMENT ON COLUMN batch_source_counts.source IS 'Source, as in articles.source.';
COMMENT ON COLUMN batch_source_counts.inputs IS 'Inputs of the source in the batch.';
COMMENT ON TABLE source_stats IS 'Inputs (articles as delivered) per source, summed over batches (the statistics window is the whole corpus).';
COMMENT ON COLUMN source_stats.articles IS 'Articles of the source delivered by all batches (an article delivered again by a later batch counts again).';
COMMENT ON TABLE source_line_counts IS 'In how many delivered articles of a source each normalized paragraph occurs (before cleaning), summed over batches; frequent ones are learned boilerplate.';
COMMENT ON COLUMN source_line_counts.articles IS 'Delivered articles of the source containing the paragraph, over all batches.';
