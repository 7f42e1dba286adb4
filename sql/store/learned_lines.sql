-- Learned boilerplate: (source, line_hash, articles, source_articles, sample) of every line seen in
-- at least :min_articles articles and :min_share of its source's articles, vetoed lines left out.
SELECT c.source, c.line_hash, c.articles, s.articles, coalesce(t.sample, '(no sample kept)')
FROM source_line_counts c JOIN source_stats s USING (source)
LEFT JOIN source_line_samples t ON t.source = c.source AND t.line_hash = c.line_hash
WHERE c.articles >= :min_articles AND c.articles >= :min_share * s.articles
  AND c.articles >= 2  -- what recurs; lets the planner use the partial index
  AND (CAST(:source AS text) IS NULL OR c.source = :source)
  AND NOT EXISTS (SELECT 1 FROM learned_vetoes v WHERE v.source = c.source AND v.line_hash = c.line_hash)
ORDER BY c.source, c.articles DESC, c.line_hash;
