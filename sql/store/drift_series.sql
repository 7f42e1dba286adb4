-- Every source's figures batch by batch over the drift window (the report page's charts).
SELECT source, batch_id, articles, rejected, empty_or_rejected_rate, median_body_chars, removal_ratio,
       quarantine_rate, non_article_rate
FROM source_batch_metrics ORDER BY source, batch_id;
