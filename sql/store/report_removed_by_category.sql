-- Pieces removed from a batch's articles, per category.
SELECT r.category, count(*) FROM removals r JOIN articles a USING (article_id)
WHERE a.batch_id = :b GROUP BY 1 ORDER BY 1;
