-- Staging schemas of runs planned longer ago than the time-to-live that never published.
SELECT stage_schema FROM staging_runs
WHERE created_at < now() - make_interval(secs => %(seconds)s)
ORDER BY stage_schema;
