-- Articles waiting in quarantine (of one batch when :batch is set), highest removal ratio first.
SELECT article_id, batch_id, source, source_file, title, removal_ratio, quarantine_reason
FROM quarantined_articles
WHERE CAST(:batch AS text) IS NULL OR batch_id = :batch
ORDER BY removal_ratio DESC NULLS LAST, article_id;
