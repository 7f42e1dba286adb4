-- The LSH index is written 32 rows per article. A per-row foreign-key check and a second
-- index on article_id made that write cost as much as the rest of the publish; the loader now
-- removes an article's bands itself (it recomputes them from article_signatures), so both go.
-- Bands of an article deleted by hand are left behind and ignored: candidates are joined to
-- article_signatures, which still cascades.
ALTER TABLE lsh_bands DROP CONSTRAINT lsh_bands_article_id_fkey;
DROP INDEX lsh_bands_article_idx;
COMMENT ON COLUMN lsh_bands.article_id IS 'The article (articles.article_id); rows of articles deleted outside the loader are ignored.';
