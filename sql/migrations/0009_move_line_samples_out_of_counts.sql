-- source_line_counts kept the text of every distinct paragraph of the corpus (as its sample),
-- which made it about as large as paragraphs itself. Only lines seen in two or more articles of
-- a source can ever be learned, so only they keep a sample, in a table of their own.
CREATE TABLE source_line_samples (
    source     text NOT NULL,
    line_hash  bigint NOT NULL,
    sample     text NOT NULL,
    PRIMARY KEY (source, line_hash)
);
INSERT INTO source_line_samples (source, line_hash, sample)
SELECT source, line_hash, sample FROM source_line_counts WHERE articles >= 2;
ALTER TABLE source_line_counts DROP COLUMN sample;
-- learned_rules reads only the frequent lines: this keeps it from scanning the whole table
CREATE INDEX source_line_counts_frequent_idx ON source_line_counts (source, articles) WHERE articles >= 2;

COMMENT ON TABLE source_line_samples IS 'The text of each paragraph seen in two or more articles of a source (the candidates for learned boilerplate), as first seen.';
COMMENT ON COLUMN source_line_samples.source IS 'Source, as in source_line_counts.source.';
COMMENT ON COLUMN source_line_samples.line_hash IS 'Paragraph hash, as in source_line_counts.line_hash.';
COMMENT ON COLUMN source_line_samples.sample IS 'The paragraph as it was first seen in a second article.';
