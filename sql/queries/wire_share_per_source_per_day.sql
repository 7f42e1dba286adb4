-- name: wire_share_per_source_per_day
-- Which share of each source's articles each day is agency copy, and whose (newest day first):
-- one row per source, day and agency (articles.wire_origin; see the view wire_share).
SELECT source, day, agency, articles, source_articles, share
FROM wire_share
ORDER BY day DESC NULLS LAST, source, articles DESC, agency;
