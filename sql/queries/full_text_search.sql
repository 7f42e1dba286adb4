-- name: full_text_search
-- Ranked full-text search over headline, dek and body in any language, with a highlighted
-- snippet, the source and the publication date (psql: \set q 'Kosovo independence'). The words
-- are stemmed in every supported language (newsclean_search_query), so 'Hafen' also finds German
-- 'Häfen'; each snippet is cut with its article's own language. Published articles only.
SELECT a.article_id, a.title, a.source, a.published_at::date AS published,
       ts_headline(newsclean_search_config(a.language), a.body, query,
                   'MaxFragments=1, MaxWords=22, MinWords=8, StartSel=«, StopSel=»') AS snippet,
       round(ts_rank(a.search, query)::numeric, 4) AS rank
FROM clean_articles a, newsclean_search_query(:'q') AS query
WHERE a.search @@ query
ORDER BY rank DESC, a.article_id
LIMIT 20;
