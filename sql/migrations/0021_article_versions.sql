-- Issue 26: article versions. When the text of an article (headline, dek or body) changes from one
-- delivering batch to the next, the earlier text is kept in article_versions. History is ordered by
-- batch id (the batch date), as ownership is: a late backfill of an older batch slots its text
-- into history in date order and never becomes the newest version; a rerun adds nothing.
-- Safe to apply again (tests/test_ownership.py replays 0018, which recreates article_deliveries).
ALTER TABLE articles ADD COLUMN IF NOT EXISTS text_hash text;
UPDATE articles SET text_hash = md5(coalesce(title, '') || chr(31) || coalesce(subtitle, '') || chr(31) || body);
COMMENT ON COLUMN articles.text_hash IS 'md5 of the headline, dek and body (what a reader reads): a new version of the article begins where it changes.';
CREATE OR REPLACE VIEW clean_articles AS SELECT * FROM articles WHERE status = 'published';
COMMENT ON COLUMN clean_articles.text_hash IS 'md5 of the headline, dek and body (articles.text_hash).';

ALTER TABLE article_deliveries ADD COLUMN IF NOT EXISTS text_hash text;
COMMENT ON COLUMN article_deliveries.text_hash IS 'md5 of the headline, dek and body this batch delivered (articles.text_hash); NULL for deliveries recorded before versions were kept whose text is not stored, until that batch runs again.';
UPDATE article_deliveries d SET text_hash = a.text_hash
FROM articles a WHERE a.article_key = d.article_key AND a.content_hash = d.content_hash;

CREATE TABLE IF NOT EXISTS article_versions (
    article_key   text NOT NULL,
    batch_id      text NOT NULL REFERENCES batches (batch_id),
    title         text,
    subtitle      text,
    body          text NOT NULL,
    text_hash     text NOT NULL,
    content_hash  text NOT NULL,
    loaded_at     timestamptz NOT NULL,
    PRIMARY KEY (article_key, batch_id)
);

COMMENT ON TABLE article_versions IS 'Earlier texts of an article: one row per delivering batch whose text differs from the batch before it (in batch id order), but the latest text, which is the article row itself.';
COMMENT ON COLUMN article_versions.article_key IS 'The article (articles.article_key).';
COMMENT ON COLUMN article_versions.batch_id IS 'The first batch (lowest id) that delivered this text after a different one; versions are ordered by it.';
COMMENT ON COLUMN article_versions.title IS 'Headline of this version.';
COMMENT ON COLUMN article_versions.subtitle IS 'Dek (standfirst) of this version.';
COMMENT ON COLUMN article_versions.body IS 'Clean body of this version, paragraphs separated by blank lines.';
COMMENT ON COLUMN article_versions.text_hash IS 'md5 of the headline, dek and body (articles.text_hash).';
COMMENT ON COLUMN article_versions.content_hash IS 'Hash of the whole clean article as this version was delivered (articles.content_hash).';
COMMENT ON COLUMN article_versions.loaded_at IS 'When this text was first loaded.';

-- The articles changed most often: one row per article with at least one earlier version.
CREATE OR REPLACE VIEW article_version_counts AS
SELECT a.article_id, a.source, a.title, count(*) AS earlier_versions, min(v.batch_id) AS first_batch,
       a.batch_id AS latest_batch
FROM article_versions v JOIN articles a USING (article_key)
GROUP BY a.article_id, a.source, a.title, a.batch_id;
COMMENT ON VIEW article_version_counts IS 'Per article with earlier versions: how many (article_versions rows), from which batch to which.';
COMMENT ON COLUMN article_version_counts.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN article_version_counts.source IS 'Source of the article (articles.source).';
COMMENT ON COLUMN article_version_counts.title IS 'Headline of the latest version (articles.title).';
COMMENT ON COLUMN article_version_counts.earlier_versions IS 'Earlier versions kept in article_versions; the article changed this many times.';
COMMENT ON COLUMN article_version_counts.first_batch IS 'Batch of the earliest version kept.';
COMMENT ON COLUMN article_version_counts.latest_batch IS 'Batch that owns the latest version (articles.batch_id).';
