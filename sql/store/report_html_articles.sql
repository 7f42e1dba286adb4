-- The articles of a batch shown in the report's article view: the :top with the highest removal ratio
-- and up to :quarantined quarantined ones (highest ratio first), with the batch's counts of articles
-- and of quarantined articles. Ties are broken by article_key, so the choice is the same every time.
WITH ranked AS (
    SELECT a.article_id, a.article_key, a.source, a.source_file, a.source_line, a.url, a.title, a.subtitle,
           a.section, a.authors, a.agencies, a.seo_title, a.published_at, a.updated_at, a.dateline, a.language, a.status, a.quarantine_reason,
           a.paragraph_count, a.removed_count, a.removed_chars, a.input_chars,
           a.removed_chars::float8 / nullif(a.input_chars, 0) AS ratio,
           row_number() OVER (ORDER BY a.removed_chars::float8 / nullif(a.input_chars, 0) DESC NULLS LAST,
                              a.article_key) AS by_ratio,
           row_number() OVER (PARTITION BY a.status
                              ORDER BY a.removed_chars::float8 / nullif(a.input_chars, 0) DESC NULLS LAST,
                                       a.article_key) AS in_status,
           count(*) OVER () AS batch_articles,
           count(*) FILTER (WHERE a.status = 'quarantined') OVER () AS batch_quarantined
    FROM articles a
    WHERE a.batch_id = :b
)
SELECT *
FROM ranked
WHERE by_ratio <= :top OR (status = 'quarantined' AND in_status <= :quarantined)
ORDER BY by_ratio;
