-- Issue 24: the headline, authors and dates as the page shows them. The SEO <title> is kept apart
-- when it differs from the displayed headline; news agencies are kept apart from the people.
ALTER TABLE articles ADD COLUMN seo_title text, ADD COLUMN agencies text[] NOT NULL DEFAULT '{}';

COMMENT ON COLUMN articles.seo_title IS 'An HTML page''s <title> (its SEO title) when it differs from the headline the page shows (title); NULL when they agree or for text input.';
COMMENT ON COLUMN articles.agencies IS 'News agencies named in the byline, by id (pipeline/data/bylines.yaml: dpa, afp, ap, reuters, anadolu, efe, ansa, ...), apart from the people in authors.';
COMMENT ON COLUMN articles.authors IS 'The people named as authors (prefixes, roles, initials in brackets and e-mail addresses stripped; agencies are in agencies); the publication''s own name only when the page names no person.';
COMMENT ON COLUMN articles.title IS 'Headline as the page shows it (its <h1> when the metadata agrees, else the metadata headline without the site''s name), entities decoded.';
COMMENT ON COLUMN articles.published_at IS 'Publication time as the article states it (JSON-LD, meta tags, <time>, the URL, the byline; its time zone kept); date-only values as midnight UTC.';

-- clean_articles is articles' columns as of its creation: recreated, it shows the new ones too.
CREATE OR REPLACE VIEW clean_articles AS SELECT * FROM articles WHERE status = 'published';
COMMENT ON COLUMN clean_articles.seo_title IS 'An HTML page''s <title> when it differs from the headline the page shows (title).';
COMMENT ON COLUMN clean_articles.agencies IS 'News agencies named in the byline, by id, apart from the people in authors.';
COMMENT ON COLUMN clean_articles.authors IS 'The people named as authors; agencies are in agencies; the publication''s own name only when the page names no person.';
COMMENT ON COLUMN clean_articles.title IS 'Headline as the page shows it, entities decoded.';
COMMENT ON COLUMN clean_articles.published_at IS 'Publication time as the article states it, its time zone kept; date-only values as midnight UTC.';

-- One row per published article and author: the view to query by author.
CREATE VIEW article_authors AS
SELECT a.article_id, a.source, a.published_at, a.title, author.name AS author, author.position
FROM clean_articles a, unnest(a.authors) WITH ORDINALITY AS author(name, position);
COMMENT ON VIEW article_authors IS 'One row per published article and named author (people only; agencies are in clean_articles.agencies).';
COMMENT ON COLUMN article_authors.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN article_authors.source IS 'Source of the article (articles.source).';
COMMENT ON COLUMN article_authors.published_at IS 'Publication time (articles.published_at).';
COMMENT ON COLUMN article_authors.title IS 'Headline (articles.title).';
COMMENT ON COLUMN article_authors.author IS 'One of the article''s authors, as the byline names them.';
COMMENT ON COLUMN article_authors.position IS 'The author''s place in the byline, from 1.';
