-- Issue 27: the full-text vector was computed while staging for every staged article, also for the
-- articles a rerun delivers unchanged, which the publish then leaves alone: a third of the server's
-- CPU per article, spent again on every rerun. A staged article now gets its vector only when no
-- stored article has its key and content (the content hash covers headline, dek, body and
-- language, all the vector reads); the publish computes a missing one for an article it does write
-- (or takes the stored one when the content is the same: a takeover, a reprocess). Same vectors.

-- The vector of an article, in its language's configuration (migration 0013): the one expression
-- the staging trigger and the publish use (pipeline.store.tables.SEARCH_VECTOR).
CREATE FUNCTION newsclean_search_vector(language text, title text, subtitle text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT setweight(to_tsvector(public.newsclean_search_config(language), coalesce(title, '')), 'A')
    || setweight(to_tsvector(public.newsclean_search_config(language), coalesce(subtitle, '')), 'B')
    || setweight(to_tsvector(public.newsclean_search_config(language), body), 'C') $$;

-- Fills stage_articles.search as COPY writes each row (in the parallel clean step), unless the
-- article is stored with the same content already. Names are schema-qualified: staging runs with
-- the run's schema first on the search path.
CREATE FUNCTION newsclean_stage_search() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.articles a
                   WHERE a.article_key = NEW.article_key AND a.content_hash = NEW.content_hash) THEN
        NEW.search := public.newsclean_search_vector(NEW.language, NEW.title, NEW.subtitle, NEW.body);
    END IF;
    RETURN NEW;
END $$;

COMMENT ON FUNCTION newsclean_search_vector(text, text, text, text) IS 'The full-text vector of an article (articles.search): title weighted A, subtitle B, body C, in newsclean_search_config(language). Recompute it with this after editing title, subtitle or body by hand.';
COMMENT ON FUNCTION newsclean_stage_search() IS 'Trigger of a run''s staged articles: computes search unless an article with the same key and content hash is stored already (the publish then leaves it alone, or reuses the stored vector).';
COMMENT ON COLUMN articles.search IS 'Full-text vector in the configuration of the article''s language: newsclean_search_vector(language, title, subtitle, body) (title weighted A, subtitle B, body C), computed by the loader. Query with search @@ newsclean_search_query(''words'').';
