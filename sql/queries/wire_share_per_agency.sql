-- name: wire_share_per_agency
-- Per agency: how many published articles are its copy, from how many sources, and how many of
-- them were recognised only as a copy of an agency story (evidence cluster).
SELECT wire_origin AS agency, count(*) AS articles, count(DISTINCT source) AS sources,
       count(*) FILTER (WHERE wire_evidence = 'cluster') AS by_cluster
FROM clean_articles
WHERE wire_origin IS NOT NULL
GROUP BY wire_origin
ORDER BY articles DESC, agency;
