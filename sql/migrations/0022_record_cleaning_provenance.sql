-- Issue 26 (provenance): every article records the package version and the digest of the rules,
-- settings and model data that cleaned it (pipeline/clean/provenance.py), so that `newsclean
-- reprocess --stale` can find the articles cleaned otherwise than the pipeline would clean them now.
ALTER TABLE articles ADD COLUMN cleaner_version text, ADD COLUMN cleaner_digest text;
CREATE INDEX articles_cleaner_digest_idx ON articles (cleaner_digest);

COMMENT ON COLUMN articles.cleaner_version IS 'Version of the newsclean-pipeline package that cleaned this version of the article; NULL for rows loaded before migration 0022.';
COMMENT ON COLUMN articles.cleaner_digest IS 'SHA-256 over the shipped rules, bylines and model data files, the cleaning settings and the user''s rules files that cleaned this version of the article (cleaning_configs.digest); NULL for rows loaded before migration 0022.';

-- What each digest covered, to see why two digests differ.
CREATE TABLE cleaning_configs (
    digest      text PRIMARY KEY,
    version     text NOT NULL,
    parts       jsonb NOT NULL,
    first_used  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE cleaning_configs IS 'One row per cleaning digest a run used: the package version and the files and settings it covers, each with its own SHA-256.';
COMMENT ON COLUMN cleaning_configs.digest IS 'The digest (articles.cleaner_digest): SHA-256 over the parts'' names and hashes, in order.';
COMMENT ON COLUMN cleaning_configs.version IS 'Package version of the run that first used the digest.';
COMMENT ON COLUMN cleaning_configs.parts IS 'JSON array of [what, sha256]: a data file of the package (path), the cleaning settings, a user rules file (by its place in the order given).';
COMMENT ON COLUMN cleaning_configs.first_used IS 'When a run first cleaned with this digest.';

-- clean_articles is articles' columns as of its creation: recreated, it shows the new ones too.
CREATE OR REPLACE VIEW clean_articles AS SELECT * FROM articles WHERE status = 'published';
COMMENT ON COLUMN clean_articles.cleaner_version IS 'Version of the package that cleaned the article (articles.cleaner_version).';
COMMENT ON COLUMN clean_articles.cleaner_digest IS 'Digest of the rules, settings and model data that cleaned the article (articles.cleaner_digest).';
