-- Corpus-level dedup: per-source line statistics (learned boilerplate) and MinHash LSH bands
-- (near-duplicate article clusters). Both are maintained incrementally by every batch publish.
CREATE TABLE source_stats (
    source    text PRIMARY KEY,
    articles  integer NOT NULL
);

CREATE TABLE source_line_counts (
    source     text NOT NULL,
    line_hash  bigint NOT NULL,
    articles   integer NOT NULL,
    sample     text NOT NULL,
    PRIMARY KEY (source, line_hash)
);

CREATE TABLE article_line_hashes (
    article_id  bigint NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    line_hash   bigint NOT NULL,
    PRIMARY KEY (article_id, line_hash)
);

CREATE TABLE learned_vetoes (
    source     text NOT NULL,
    line_hash  bigint NOT NULL,
    vetoed_at  timestamptz NOT NULL DEFAULT now(),
    note       text,
    PRIMARY KEY (source, line_hash)
);

CREATE TABLE article_signatures (
    article_id  bigint PRIMARY KEY REFERENCES articles (article_id) ON DELETE CASCADE,
    minhash     bytea NOT NULL
);

CREATE TABLE lsh_bands (
    band        smallint NOT NULL,
    bucket      bigint NOT NULL,
    article_id  bigint NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    PRIMARY KEY (band, bucket, article_id)
);
CREATE INDEX lsh_bands_article_idx ON lsh_bands (article_id);

ALTER TABLE articles ADD COLUMN cluster_id text;
CREATE INDEX articles_cluster_idx ON articles (cluster_id);

CREATE VIEW cluster_representatives AS
SELECT DISTINCT ON (cluster_id) cluster_id, article_id, source, title, published_at,
       (SELECT count(*) FROM articles m WHERE m.cluster_id = a.cluster_id) AS cluster_size
FROM articles a
ORDER BY cluster_id, published_at NULLS LAST, paragraph_count DESC, article_key;

COMMENT ON TABLE source_stats IS 'Articles per source (the statistics window is the whole corpus).';
COMMENT ON COLUMN source_stats.source IS 'Source (outlet or agency), as in articles.source.';
COMMENT ON COLUMN source_stats.articles IS 'Number of articles of the source in the corpus.';
COMMENT ON TABLE source_line_counts IS 'In how many articles of a source each normalized paragraph occurs; frequent ones are learned boilerplate.';
COMMENT ON COLUMN source_line_counts.source IS 'Source, as in articles.source.';
COMMENT ON COLUMN source_line_counts.line_hash IS '64-bit BLAKE2b of the normalized paragraph (case, spacing, quotes ignored).';
COMMENT ON COLUMN source_line_counts.articles IS 'Articles of the source containing the paragraph.';
COMMENT ON COLUMN source_line_counts.sample IS 'The paragraph as it was first seen.';
COMMENT ON TABLE article_line_hashes IS 'Which paragraph hashes each article contributed to source_line_counts (so reruns and updates subtract them again).';
COMMENT ON COLUMN article_line_hashes.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN article_line_hashes.line_hash IS 'A paragraph hash of the article (as in source_line_counts).';
COMMENT ON TABLE learned_vetoes IS 'Learned boilerplate lines a user has vetoed: they are never removed.';
COMMENT ON COLUMN learned_vetoes.source IS 'Source of the vetoed line.';
COMMENT ON COLUMN learned_vetoes.line_hash IS 'Hash of the vetoed line (source_line_counts.line_hash).';
COMMENT ON COLUMN learned_vetoes.vetoed_at IS 'When the veto was recorded.';
COMMENT ON COLUMN learned_vetoes.note IS 'Why, in the user''s words.';
COMMENT ON TABLE article_signatures IS 'MinHash signature (128 x 32-bit) of each article body over word 4-gram shingles.';
COMMENT ON COLUMN article_signatures.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN article_signatures.minhash IS '128 little-endian uint32 MinHash values.';
COMMENT ON TABLE lsh_bands IS 'LSH index: 32 bands of 4 MinHash rows; articles sharing a (band, bucket) are near-duplicate candidates.';
COMMENT ON COLUMN lsh_bands.band IS 'Band number, 0-31.';
COMMENT ON COLUMN lsh_bands.bucket IS '64-bit hash of the band''s 4 MinHash values.';
COMMENT ON COLUMN lsh_bands.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN articles.cluster_id IS 'Near-duplicate cluster: the smallest article_key among articles whose bodies match (estimated Jaccard >= 0.5). Clusters are information: every article is kept.';
COMMENT ON VIEW cluster_representatives IS 'One article per near-duplicate cluster (earliest published, then longest), with the cluster size.';
