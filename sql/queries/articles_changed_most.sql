-- name: articles_changed_most
-- The articles changed most often, per source (up to 10 each): how many earlier versions each has
-- (`newsclean versions ARTICLE_ID` shows them with a word diff).
SELECT source, article_id, earlier_versions, first_batch, latest_batch, title
FROM (
    SELECT *, row_number() OVER (PARTITION BY source ORDER BY earlier_versions DESC, article_id) AS rank
    FROM article_version_counts
) ranked
WHERE rank <= 10
ORDER BY source NULLS LAST, earlier_versions DESC, article_id;
