-- How many of a batch's articles have each metadata field: a headline, a publication date, named
-- authors, agencies, an SEO title apart from the headline, an update date (issue 24).
SELECT count(title) AS title, count(published_at) AS published, count(*) FILTER (WHERE authors <> '{}') AS authors,
       count(*) FILTER (WHERE agencies <> '{}') AS agencies, count(seo_title) AS seo_title,
       count(updated_at) AS updated
FROM articles WHERE batch_id = :b;
