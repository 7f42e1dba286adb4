-- Views for the questions users ask most.
CREATE VIEW article_removal_ratio AS
SELECT a.article_id, a.source, a.source_file, a.batch_id, a.title, a.paragraph_count, a.removed_count,
       a.removed_chars, a.input_chars,
       round(a.removed_chars::numeric / nullif(a.input_chars, 0), 3) AS removal_ratio
FROM articles a;

CREATE VIEW batch_removals_by_rule AS
SELECT a.batch_id, r.category, r.rule, count(*) AS pieces, sum(length(r.text)) AS chars
FROM removals r JOIN articles a USING (article_id)
GROUP BY a.batch_id, r.category, r.rule;

CREATE VIEW articles_per_source_day AS
SELECT coalesce(source, '(unknown)') AS source, (published_at AT TIME ZONE 'UTC')::date AS day, count(*) AS articles
FROM articles
GROUP BY 1, 2;

COMMENT ON VIEW article_removal_ratio IS 'Per article: how much of the input was removed as noise (removed_chars / input_chars).';
COMMENT ON VIEW batch_removals_by_rule IS 'Per batch, category and rule: pieces removed and their characters.';
COMMENT ON VIEW articles_per_source_day IS 'Articles per source per publication day (UTC); NULL day when the date is unknown.';
