-- Issue 23 (items 3 and 4): what kind of page an input was, and whether the article is whole.
-- A page judged not an article is rejected (rejected_inputs: 'not an article: <type>') unless the
-- run keeps non-articles (run --keep-non-articles, settings page_types.keep_non_articles); the
-- ones kept carry their type here. An article cut by a paywall or a teaser is stored incomplete.
ALTER TABLE articles
    ADD COLUMN page_type text NOT NULL DEFAULT 'article',
    ADD COLUMN complete boolean NOT NULL DEFAULT true,
    ADD COLUMN incomplete_reason text;

COMMENT ON COLUMN articles.page_type IS 'What kind of page the input was: article, or (kept by run --keep-non-articles) listing, collection, product, forum, documentation or service, as the page-type model judged an HTML page.';
COMMENT ON COLUMN articles.complete IS 'False when a paywall or a teaser cut the article (a paywall prompt was removed, or the page says isAccessibleForFree: false over a short body): the body is not the whole story.';
COMMENT ON COLUMN articles.incomplete_reason IS 'Why complete is false (the paywall rule that matched, or the isAccessibleForFree flag and the body''s length); NULL when complete.';

-- clean_articles is articles' columns as of its creation: recreated, it shows the new ones too.
CREATE OR REPLACE VIEW clean_articles AS SELECT * FROM articles WHERE status = 'published';
COMMENT ON COLUMN clean_articles.page_type IS 'What kind of page the input was (article unless run --keep-non-articles kept another kind).';
COMMENT ON COLUMN clean_articles.complete IS 'False when a paywall or a teaser cut the article.';
COMMENT ON COLUMN clean_articles.incomplete_reason IS 'Why complete is false; NULL when complete.';

-- Per source: how many published articles a paywall or teaser cut.
CREATE VIEW incomplete_articles_per_source AS
SELECT source, count(*) AS articles, count(*) FILTER (WHERE NOT complete) AS incomplete,
       round(count(*) FILTER (WHERE NOT complete)::numeric / count(*), 3) AS incomplete_share
FROM clean_articles
GROUP BY source;
COMMENT ON VIEW incomplete_articles_per_source IS 'Per source: published articles, how many a paywall or a teaser cut (complete = false), and their share.';
COMMENT ON COLUMN incomplete_articles_per_source.source IS 'Source of the articles (articles.source).';
COMMENT ON COLUMN incomplete_articles_per_source.articles IS 'Published articles of the source.';
COMMENT ON COLUMN incomplete_articles_per_source.incomplete IS 'Of them, those stored with complete = false.';
COMMENT ON COLUMN incomplete_articles_per_source.incomplete_share IS 'incomplete / articles, rounded to 3 places.';
