-- Issue 23: a batch's inputs judged not articles, per page type: held back (rejected_inputs,
-- reason 'not an article: <type>') or kept (run --keep-non-articles: articles.page_type).
SELECT substr(reason, length('not an article: ') + 1) AS page_type, 'held back' AS fate, count(*) AS pages
FROM rejected_inputs WHERE batch_id = :b AND reason LIKE 'not an article: %' GROUP BY 1
UNION ALL
SELECT page_type, 'kept', count(*) FROM articles WHERE batch_id = :b AND page_type <> 'article' GROUP BY 1
ORDER BY 1, 2;
