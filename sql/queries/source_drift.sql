-- name: source_drift
-- Each source's last batch against the medians of its previous batches (issue 26): the figures the
-- drift check of the DAG judges. The window is the view's: 7 batches unless the session sets
-- another (the DAG's check and the report page set settings.yaml's drift: values).
SELECT source, batch_id, articles, rejected, baseline_batches AS baseline,
       round(median_body_chars)::int AS median_body, round(baseline_median_body_chars)::int AS baseline_body,
       round(removal_ratio::numeric, 3) AS removal_ratio, round(baseline_removal_ratio::numeric, 3) AS baseline_ratio,
       round(empty_or_rejected_rate::numeric, 3) AS rejected_rate, round(quarantine_rate::numeric, 3) AS quarantined,
       round(non_article_rate::numeric, 3) AS non_article, round(rule_mix_distance::numeric, 2) AS rule_mix
FROM source_drift
ORDER BY rule_mix_distance DESC NULLS LAST, source;
