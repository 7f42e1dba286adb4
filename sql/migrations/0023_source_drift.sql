-- Issue 26 (drift): per source, its last batch against its trailing baseline, so that a site whose
-- layout changed (bodies halved, a new footer) is seen after one batch. The window is read from
-- session settings, which the drift check sets from pipeline/data/settings.yaml (drift:) and a
-- person may set too (SET newsclean.drift_window_batches = 14); unset, the shipped values apply:
--   newsclean.drift_upto            judge as of this batch id (later batches left out); unset: all
--   newsclean.drift_window_batches  the baseline: the source's previous batches, at most this many (7)
--   newsclean.drift_window_days     ... dated at most this many days before its last one; 0: any (0)
CREATE FUNCTION newsclean_drift_setting(name text, fallback text) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT coalesce(nullif(current_setting('newsclean.drift_' || name, true), ''), fallback) $$;
COMMENT ON FUNCTION newsclean_drift_setting(text, text) IS 'The session setting newsclean.drift_<name> (the drift window), else the fallback given.';

-- A batch's day: its id's leading ISO date (batches are usually days), else the day its latest run started.
CREATE FUNCTION newsclean_batch_day(batch_id text, started_at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(substring(batch_id FROM '^\d{4}-\d{2}-\d{2}')::date, (started_at AT TIME ZONE 'UTC')::date) $$;
COMMENT ON FUNCTION newsclean_batch_day(text, timestamptz) IS 'The day of a batch: the ISO date its id starts with, else the UTC day its latest run started.';

-- Non-article pages: a page-type column of articles (articles.page_type, which issue 23 adds), read
-- only when it exists so that this migration does not depend on it: without it, or where it is
-- NULL, a page counts as an article (the rate is 0). One query per call, not a lookup per row.
CREATE FUNCTION newsclean_non_article_rates(batch_ids text[])
RETURNS TABLE (source text, batch_id text, non_article_rate float8)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_attribute
               WHERE attrelid = 'articles'::regclass AND attname = 'page_type' AND NOT attisdropped) THEN
        RETURN QUERY EXECUTE
            'SELECT coalesce(source, ''(unknown)''), batch_id,
                    avg(CASE WHEN coalesce(page_type::text, ''article'') <> ''article'' THEN 1 ELSE 0 END)::float8
             FROM articles WHERE batch_id = ANY($1) GROUP BY 1, 2' USING batch_ids;
    END IF;
END $$;
COMMENT ON FUNCTION newsclean_non_article_rates(text[]) IS 'Per source and batch, the share of articles whose page_type is not article; no rows while articles has no page_type column.';

-- The figures of each source in each of the batches a drift judgement reads (the latest
-- window_batches + 1 published batches up to drift_upto), from the articles the batch owns and the
-- inputs it rejected.
CREATE VIEW source_batch_metrics AS
WITH recent AS (
    SELECT batch_id, newsclean_batch_day(batch_id, started_at) AS batch_day FROM batches
    WHERE status = 'published' AND batch_id <= newsclean_drift_setting('upto', batch_id)
    ORDER BY batch_id DESC LIMIT newsclean_drift_setting('window_batches', '7')::int + 1),
owned AS (
    SELECT coalesce(a.source, '(unknown)') AS source, a.batch_id, count(*) AS articles,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY length(a.body)) AS median_body_chars,
           sum(a.removed_chars)::float8 / nullif(sum(a.input_chars), 0) AS removal_ratio,
           avg((a.status = 'quarantined')::int)::float8 AS quarantine_rate
    FROM articles a JOIN recent USING (batch_id) GROUP BY 1, 2),
pages AS (SELECT * FROM newsclean_non_article_rates(ARRAY(SELECT batch_id FROM recent))),
rejected AS (
    SELECT CASE WHEN strpos(r.source_file, '/') > 0 THEN split_part(r.source_file, '/', 1) ELSE '(unknown)' END
               AS source, r.batch_id, count(*) AS rejected
    FROM rejected_inputs r JOIN recent USING (batch_id) GROUP BY 1, 2)
SELECT source, batch_id, recent.batch_day, coalesce(o.articles, 0) AS articles, coalesce(x.rejected, 0) AS rejected,
       coalesce(x.rejected, 0)::float8 / (coalesce(o.articles, 0) + coalesce(x.rejected, 0)) AS empty_or_rejected_rate,
       o.median_body_chars, o.removal_ratio, o.quarantine_rate,
       CASE WHEN o.articles IS NOT NULL THEN coalesce(p.non_article_rate, 0) END AS non_article_rate
FROM owned o FULL JOIN rejected x USING (source, batch_id) JOIN recent USING (batch_id)
LEFT JOIN pages p USING (source, batch_id);

COMMENT ON VIEW source_batch_metrics IS 'Per source and batch (the latest drift_window_batches + 1 published batches up to drift_upto): the figures the drift check compares.';
COMMENT ON COLUMN source_batch_metrics.source IS 'Source of the articles (articles.source; (unknown) when none); for rejected inputs, the batch sub-folder they lie in.';
COMMENT ON COLUMN source_batch_metrics.batch_id IS 'The batch (articles it owns, inputs it rejected).';
COMMENT ON COLUMN source_batch_metrics.batch_day IS 'The batch''s day (newsclean_batch_day).';
COMMENT ON COLUMN source_batch_metrics.articles IS 'Articles of the source the batch owns.';
COMMENT ON COLUMN source_batch_metrics.rejected IS 'Inputs of the source the batch rejected (unreadable, or empty after cleaning).';
COMMENT ON COLUMN source_batch_metrics.empty_or_rejected_rate IS 'rejected / (articles + rejected).';
COMMENT ON COLUMN source_batch_metrics.median_body_chars IS 'Median length of the clean bodies, in characters.';
COMMENT ON COLUMN source_batch_metrics.removal_ratio IS 'Characters removed / characters of the input, over the source''s articles in the batch.';
COMMENT ON COLUMN source_batch_metrics.quarantine_rate IS 'Share of the articles held in quarantine.';
COMMENT ON COLUMN source_batch_metrics.non_article_rate IS 'Share of the pages whose page type is not article; 0 where articles have no page type (before issue 23''s column, or NULL).';

-- Removals per source, batch and rule, over the same batches: the rule hit mix.
CREATE VIEW source_batch_rules AS
SELECT coalesce(a.source, '(unknown)') AS source, a.batch_id, r.rule, count(*) AS pieces
FROM removals r JOIN articles a USING (article_id)
WHERE a.batch_id IN (SELECT batch_id FROM source_batch_metrics)
GROUP BY 1, 2, 3;
COMMENT ON VIEW source_batch_rules IS 'Pieces removed per source, batch and rule, over the batches of source_batch_metrics.';
COMMENT ON COLUMN source_batch_rules.source IS 'Source of the articles (articles.source; (unknown) when none).';
COMMENT ON COLUMN source_batch_rules.batch_id IS 'The batch that owns the articles.';
COMMENT ON COLUMN source_batch_rules.rule IS 'Rule id (removals.rule).';
COMMENT ON COLUMN source_batch_rules.pieces IS 'Pieces it removed from the source''s articles in the batch.';

-- Each source's last batch against the medians of its baseline (its previous batches in the window).
CREATE VIEW source_drift AS
WITH numbered AS (
    SELECT m.*, row_number() OVER (PARTITION BY source ORDER BY batch_id DESC) AS back FROM source_batch_metrics m),
last AS (SELECT * FROM numbered WHERE back = 1),
base AS (
    SELECT n.* FROM numbered n JOIN last l USING (source)
    WHERE n.back > 1 AND (newsclean_drift_setting('window_days', '0')::int = 0
                          OR n.batch_day >= l.batch_day - newsclean_drift_setting('window_days', '0')::int)),
baseline AS (
    SELECT source, count(*) AS batches,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY empty_or_rejected_rate) AS empty_or_rejected_rate,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY median_body_chars) AS median_body_chars,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY removal_ratio) AS removal_ratio,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY quarantine_rate) AS quarantine_rate,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY non_article_rate) AS non_article_rate
    FROM base GROUP BY source),
last_mix AS (
    SELECT r.source, r.rule, r.pieces::float8 / sum(r.pieces) OVER (PARTITION BY r.source) AS share
    FROM source_batch_rules r JOIN last l USING (source, batch_id)),
base_mix AS (
    SELECT r.source, r.rule, sum(r.pieces)::float8 / sum(sum(r.pieces)) OVER (PARTITION BY r.source) AS share
    FROM source_batch_rules r JOIN base b USING (source, batch_id) GROUP BY 1, 2),
mix AS (
    SELECT source, 0.5 * sum(abs(coalesce(x.share, 0) - coalesce(y.share, 0))) AS distance
    FROM last_mix x FULL JOIN base_mix y USING (source, rule)
    WHERE source IN (SELECT source FROM base_mix) GROUP BY source)
SELECT l.source, l.batch_id, l.articles, l.rejected, coalesce(b.batches, 0) AS baseline_batches,
       l.empty_or_rejected_rate, b.empty_or_rejected_rate AS baseline_empty_or_rejected_rate,
       l.median_body_chars, b.median_body_chars AS baseline_median_body_chars,
       l.removal_ratio, b.removal_ratio AS baseline_removal_ratio,
       l.quarantine_rate, b.quarantine_rate AS baseline_quarantine_rate,
       l.non_article_rate, b.non_article_rate AS baseline_non_article_rate,
       m.distance AS rule_mix_distance
FROM last l LEFT JOIN baseline b USING (source) LEFT JOIN mix m USING (source);

COMMENT ON VIEW source_drift IS 'Per source: its last batch (up to drift_upto) against the medians of its previous batches in the drift window. The drift check (pipeline/report/drift.py) flags the sources that moved past the bounds of settings.yaml drift:.';
COMMENT ON COLUMN source_drift.source IS 'Source (as in source_batch_metrics).';
COMMENT ON COLUMN source_drift.batch_id IS 'The source''s last batch in the window.';
COMMENT ON COLUMN source_drift.articles IS 'Articles of the source that batch owns.';
COMMENT ON COLUMN source_drift.rejected IS 'Inputs of the source that batch rejected.';
COMMENT ON COLUMN source_drift.baseline_batches IS 'How many earlier batches of the source the baseline holds (0: none yet).';
COMMENT ON COLUMN source_drift.empty_or_rejected_rate IS 'Rejected (unreadable or empty after cleaning) / all inputs of the source, last batch.';
COMMENT ON COLUMN source_drift.baseline_empty_or_rejected_rate IS 'Median of that rate over the baseline batches.';
COMMENT ON COLUMN source_drift.median_body_chars IS 'Median clean body length in characters, last batch.';
COMMENT ON COLUMN source_drift.baseline_median_body_chars IS 'Median over the baseline batches of their median body length.';
COMMENT ON COLUMN source_drift.removal_ratio IS 'Characters removed / input characters, last batch.';
COMMENT ON COLUMN source_drift.baseline_removal_ratio IS 'Median removal ratio over the baseline batches.';
COMMENT ON COLUMN source_drift.quarantine_rate IS 'Share of the last batch''s articles in quarantine.';
COMMENT ON COLUMN source_drift.baseline_quarantine_rate IS 'Median quarantine rate over the baseline batches.';
COMMENT ON COLUMN source_drift.non_article_rate IS 'Share of non-article pages, last batch (0 without a page type).';
COMMENT ON COLUMN source_drift.baseline_non_article_rate IS 'Median non-article rate over the baseline batches.';
COMMENT ON COLUMN source_drift.rule_mix_distance IS 'Total variation distance (0: the same mix, 1: no rule in common) between the shares of removals per rule in the last batch and in the baseline batches together; NULL without a baseline.';
