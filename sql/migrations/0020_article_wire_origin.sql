-- Issue 26: the news agency whose copy an article is (its wire origin) and the evidence that decided
-- it; a syndicated copy without evidence of its own inherits its cluster's origin. The agencies
-- are those of pipeline/data/bylines.yaml (articles.agencies reads the same list).
ALTER TABLE articles ADD COLUMN wire_origin text, ADD COLUMN wire_evidence text,
    ADD CONSTRAINT articles_wire_evidence_check
        CHECK (wire_evidence IN ('dateline', 'byline', 'disclaimer', 'credit', 'cluster')),
    ADD CONSTRAINT articles_wire_origin_evidence_check CHECK ((wire_origin IS NULL) = (wire_evidence IS NULL));

COMMENT ON COLUMN articles.wire_origin IS 'The news agency whose copy the article is, by id (pipeline/data/bylines.yaml: ap, reuters, afp, dpa, anadolu, efe, ...); NULL when nothing marks it as agency copy. An agency merely quoted in the text is no origin.';
COMMENT ON COLUMN articles.wire_evidence IS 'What decided wire_origin: dateline (BELGRADE, Serbia (AP) —), byline (an agency as author), disclaimer (an agency footer the cleaner removed), credit (an (AP Photo/...) caption), or cluster (a syndicated copy of a cluster whose representative carries that origin).';

CREATE OR REPLACE VIEW clean_articles AS SELECT * FROM articles WHERE status = 'published';
COMMENT ON COLUMN clean_articles.wire_origin IS 'The news agency whose copy the article is (articles.wire_origin).';
COMMENT ON COLUMN clean_articles.wire_evidence IS 'What decided wire_origin (articles.wire_evidence).';

-- Wire share per source, publication day and agency: one row per agency found that day, plus the
-- source's articles that day, so the share needs no second query.
CREATE VIEW wire_share AS
SELECT s.source, s.day, s.agency, s.articles, t.articles AS source_articles,
       round(s.articles::numeric / t.articles, 3) AS share
FROM (
    SELECT coalesce(source, '(unknown)') AS source, (published_at AT TIME ZONE 'UTC')::date AS day,
           wire_origin AS agency, count(*) AS articles
    FROM clean_articles WHERE wire_origin IS NOT NULL GROUP BY 1, 2, 3
) s
JOIN (
    SELECT coalesce(source, '(unknown)') AS source, (published_at AT TIME ZONE 'UTC')::date AS day, count(*) AS articles
    FROM clean_articles GROUP BY 1, 2
) t ON t.source = s.source AND t.day IS NOT DISTINCT FROM s.day;

COMMENT ON VIEW wire_share IS 'Per source, publication day (UTC) and agency: the published articles that are that agency''s copy, and their share of the source''s articles that day.';
COMMENT ON COLUMN wire_share.source IS 'Source of the articles, (unknown) when none was found.';
COMMENT ON COLUMN wire_share.day IS 'Publication day (UTC); NULL when the date is unknown.';
COMMENT ON COLUMN wire_share.agency IS 'The agency (articles.wire_origin).';
COMMENT ON COLUMN wire_share.articles IS 'Published articles of the source that day that are this agency''s copy.';
COMMENT ON COLUMN wire_share.source_articles IS 'Published articles of the source that day, agency copy or not.';
COMMENT ON COLUMN wire_share.share IS 'articles / source_articles, rounded to 3 places.';
