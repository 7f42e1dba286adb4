-- name: incomplete_share_per_source
-- Which sources serve articles cut by a paywall or a teaser: per source, published articles, how
-- many are incomplete (complete = false) and their share, most cut first.
SELECT source, articles, incomplete, incomplete_share
FROM incomplete_articles_per_source
ORDER BY incomplete_share DESC, incomplete DESC, source;
