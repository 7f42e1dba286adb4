-- name: articles_by_author
-- Published articles of one author, newest first (psql: \set author 'Jane Roe'); the name is
-- matched without regard to case. Agencies are not authors: see clean_articles.agencies.
SELECT article_id, published_at::date AS published, source, title
FROM article_authors
WHERE lower(author) = lower(:'author')
ORDER BY published_at DESC NULLS LAST, article_id;
