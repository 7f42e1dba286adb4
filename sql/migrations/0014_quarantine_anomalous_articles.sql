-- Quarantine: an article whose removal ratio is anomalous (far above its source's, or most of
-- its input removed) is stored but flagged, left out of the views users query by default, and
-- waits for a person to release or drop it (pipeline quarantine ...). A person's decision is
-- kept per article key and content hash, so a rerun of the batch does not undo it.
ALTER TABLE articles
    ADD COLUMN status text NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'quarantined')),
    ADD COLUMN quarantine_reason text;
CREATE INDEX articles_quarantined_idx ON articles (batch_id) WHERE status = 'quarantined';

CREATE TABLE source_removal_stats (
    source          text PRIMARY KEY,
    articles        integer NOT NULL,
    ratio_sum       double precision NOT NULL,
    ratio_squares   double precision NOT NULL
);
INSERT INTO source_removal_stats (source, articles, ratio_sum, ratio_squares)
SELECT coalesce(source, ''), count(*), sum(r), sum(r * r)
FROM (SELECT source, removed_chars::float8 / nullif(input_chars, 0) AS r FROM articles) x
WHERE r IS NOT NULL GROUP BY 1;

CREATE TABLE quarantine_decisions (
    article_key   text PRIMARY KEY,
    content_hash  text NOT NULL,
    decision      text NOT NULL CHECK (decision IN ('released', 'dropped')),
    decided_at    timestamptz NOT NULL DEFAULT now(),
    note          text
);

ALTER TABLE batches ADD COLUMN articles_quarantined integer NOT NULL DEFAULT 0;

-- What users query by default: published articles only.
CREATE VIEW clean_articles AS SELECT * FROM articles WHERE status = 'published';

CREATE OR REPLACE VIEW articles_per_source_day AS
SELECT coalesce(source, '(unknown)') AS source, (published_at AT TIME ZONE 'UTC')::date AS day, count(*) AS articles
FROM clean_articles
GROUP BY 1, 2;

DROP VIEW cluster_representatives;
CREATE VIEW cluster_representatives AS
SELECT DISTINCT ON (cluster_id) cluster_id, article_id, source, title, published_at,
       (SELECT count(*) FROM clean_articles m WHERE m.cluster_id = a.cluster_id) AS cluster_size
FROM clean_articles a
ORDER BY cluster_id, published_at NULLS LAST, paragraph_count DESC, article_key;

DROP VIEW article_removal_ratio;
CREATE VIEW article_removal_ratio AS
SELECT a.article_id, a.source, a.source_file, a.batch_id, a.title, a.paragraph_count, a.removed_count,
       a.removed_chars, a.input_chars,
       round(a.removed_chars::numeric / nullif(a.input_chars, 0), 3) AS removal_ratio,
       a.status
FROM articles a;

CREATE VIEW quarantined_articles AS
SELECT article_id, batch_id, source, source_file, title, quarantine_reason,
       round(removed_chars::numeric / nullif(input_chars, 0), 3) AS removal_ratio
FROM articles WHERE status = 'quarantined';

COMMENT ON COLUMN articles.status IS 'published, or quarantined (stored but left out of clean_articles and the views until a person releases it).';
COMMENT ON COLUMN articles.quarantine_reason IS 'Why the article was quarantined (its removal ratio against the bound or its source''s mean), NULL when published.';
COMMENT ON TABLE source_removal_stats IS 'Running removal-ratio statistics per source (count, sum, sum of squares), maintained by every publish; the quarantine compares an article to its source''s mean and standard deviation.';
COMMENT ON COLUMN source_removal_stats.source IS 'Source, as in articles.source ('''' when unknown).';
COMMENT ON COLUMN source_removal_stats.articles IS 'Stored articles of the source.';
COMMENT ON COLUMN source_removal_stats.ratio_sum IS 'Sum of their removal ratios (removed_chars / input_chars).';
COMMENT ON COLUMN source_removal_stats.ratio_squares IS 'Sum of the squares of their removal ratios.';
COMMENT ON TABLE quarantine_decisions IS 'A person''s decision on a quarantined article: released (published) or dropped (deleted, recorded in rejected_inputs on reruns); holds while the article''s content hash is unchanged.';
COMMENT ON COLUMN quarantine_decisions.article_key IS 'The article (articles.article_key).';
COMMENT ON COLUMN quarantine_decisions.content_hash IS 'Content hash of the version decided on; a changed article is judged again.';
COMMENT ON COLUMN quarantine_decisions.decision IS 'released or dropped.';
COMMENT ON COLUMN quarantine_decisions.decided_at IS 'When the decision was recorded.';
COMMENT ON COLUMN quarantine_decisions.note IS 'Why, in the reviewer''s words.';
COMMENT ON COLUMN batches.articles_quarantined IS 'Articles of the batch left in quarantine by its publish.';
COMMENT ON VIEW clean_articles IS 'Published articles (articles without the quarantined ones): what to query by default.';
COMMENT ON VIEW quarantined_articles IS 'Articles waiting in quarantine, with the reason and removal ratio.';
COMMENT ON VIEW article_removal_ratio IS 'Per article (quarantined included, see status): how much of the input was removed as noise (removed_chars / input_chars).';
COMMENT ON VIEW articles_per_source_day IS 'Published articles per source per publication day (UTC); NULL day when the date is unknown.';
COMMENT ON VIEW cluster_representatives IS 'One published article per near-duplicate cluster (earliest published, then longest), with the cluster size.';
