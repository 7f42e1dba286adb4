-- The incomplete share per source names articles without a source '(unknown)', as wire_share and
-- the other per-source views do (it showed them as an empty cell).
CREATE OR REPLACE VIEW incomplete_articles_per_source AS
SELECT coalesce(source, '(unknown)') AS source, count(*) AS articles,
       count(*) FILTER (WHERE NOT complete) AS incomplete,
       round(count(*) FILTER (WHERE NOT complete)::numeric / count(*), 3) AS incomplete_share
FROM clean_articles
GROUP BY 1;
COMMENT ON COLUMN incomplete_articles_per_source.source IS 'Source of the articles (articles.source), (unknown) when none was found.';
