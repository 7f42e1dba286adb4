-- Each article's language (detected by the cleaner) and the encoding its input was read in.
-- The full-text vector is built with the text search configuration of the article's language
-- (german stems German words, french French ones, ...), 'simple' when the language is unknown
-- or PostgreSQL has no stemmer for it. Vectors of articles loaded before stay as they were
-- (English); they are rebuilt when a batch delivers the article again.
ALTER TABLE articles ADD COLUMN language text, ADD COLUMN encoding text;

CREATE FUNCTION newsclean_search_config(language text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (CASE language
    WHEN 'ar' THEN 'arabic' WHEN 'da' THEN 'danish' WHEN 'de' THEN 'german' WHEN 'el' THEN 'greek'
    WHEN 'en' THEN 'english' WHEN 'es' THEN 'spanish' WHEN 'fi' THEN 'finnish' WHEN 'fr' THEN 'french'
    WHEN 'ga' THEN 'irish' WHEN 'hu' THEN 'hungarian' WHEN 'id' THEN 'indonesian' WHEN 'it' THEN 'italian'
    WHEN 'lt' THEN 'lithuanian' WHEN 'ne' THEN 'nepali' WHEN 'nl' THEN 'dutch' WHEN 'no' THEN 'norwegian'
    WHEN 'nb' THEN 'norwegian' WHEN 'pt' THEN 'portuguese' WHEN 'ro' THEN 'romanian' WHEN 'ru' THEN 'russian'
    WHEN 'sv' THEN 'swedish' WHEN 'ta' THEN 'tamil' WHEN 'tr' THEN 'turkish'
    ELSE 'simple' END)::regconfig $$;

-- A query matches an article in any language: the words are stemmed by every configuration
-- above and the alternatives ORed, so 'Hafen' finds German 'Häfen' and 'harbour' English
-- 'harbours'. Constant within a statement, so the GIN index on articles.search serves it.
CREATE FUNCTION newsclean_search_query(words text) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT websearch_to_tsquery('simple', words)
    || websearch_to_tsquery('english', words) || websearch_to_tsquery('german', words)
    || websearch_to_tsquery('french', words) || websearch_to_tsquery('spanish', words)
    || websearch_to_tsquery('italian', words) || websearch_to_tsquery('portuguese', words)
    || websearch_to_tsquery('dutch', words) || websearch_to_tsquery('danish', words)
    || websearch_to_tsquery('swedish', words) || websearch_to_tsquery('norwegian', words)
    || websearch_to_tsquery('finnish', words) || websearch_to_tsquery('russian', words)
    || websearch_to_tsquery('hungarian', words) || websearch_to_tsquery('romanian', words)
    || websearch_to_tsquery('turkish', words) $$;

COMMENT ON COLUMN articles.language IS 'ISO 639-1 code of the body''s language as detected by the cleaner; NULL when unsure.';
COMMENT ON COLUMN articles.encoding IS 'Character encoding the input was decoded from (utf-8, utf-16, cp1252, ...).';
COMMENT ON COLUMN articles.search IS 'Full-text vector in the configuration of the article''s language (newsclean_search_config(language); simple when unknown): title weighted A, subtitle B, body C, computed by the loader. Query with search @@ newsclean_search_query(''words'').';
COMMENT ON FUNCTION newsclean_search_config(text) IS 'Text search configuration for an ISO 639-1 language code; simple when PostgreSQL has no stemmer for it.';
COMMENT ON FUNCTION newsclean_search_query(text) IS 'websearch_to_tsquery of the words in every supported language configuration, ORed: matches articles in any language.';
