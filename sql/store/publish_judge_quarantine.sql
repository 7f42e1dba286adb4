-- Quarantine: an article loses most of its input (ratio >= max_ratio), or far more than its
-- source usually does (over mean + sigmas * sd, by at least min_excess, in a source with at
-- least min_source_articles articles). A person's release of the same content stands.
CREATE TEMP TABLE verdicts ON COMMIT DROP AS
WITH sources AS (
    SELECT source, articles, ratio_sum / articles AS mean,
           sqrt(greatest(ratio_squares / articles - (ratio_sum / articles) ^ 2, 0)) AS sd
    FROM source_removal_stats)
SELECT w.copy_id,
       CASE WHEN d.decision = 'released' AND d.content_hash = w.content_hash THEN NULL
            WHEN w.ratio >= %(max_ratio)s
                THEN format('removal ratio %%s >= %%s', round(w.ratio::numeric, 3), %(max_ratio)s)
            WHEN s.articles >= %(min_source_articles)s AND w.ratio > s.mean + %(sigmas)s * s.sd
                 AND w.ratio - s.mean >= %(min_excess)s
                THEN format('removal ratio %%s is %%s standard deviations above its source''s mean %%s (%%s articles)',
                            round(w.ratio::numeric, 3), round(((w.ratio - s.mean) / nullif(s.sd, 0))::numeric, 1),
                            round(s.mean::numeric, 3), s.articles)
       END AS reason
FROM to_write w
LEFT JOIN sources s ON s.source = coalesce(w.source, '')
LEFT JOIN quarantine_decisions d ON d.article_key = w.article_key;
