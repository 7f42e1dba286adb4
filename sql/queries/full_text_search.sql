-- name: full_text_search
-- Ranked full-text search over headline, dek and body (psql: \set q 'Kosovo independence').
SELECT article_id, title, source_file, ts_rank(search, query) AS rank
FROM articles, websearch_to_tsquery('english', :'q') AS query
WHERE search @@ query
ORDER BY rank DESC, article_id
LIMIT 20;
