-- Staging schemas of runs that can no longer publish: planned longer ago than the time-to-live,
-- or held by a process's session lock that is free (the process is gone; checked by the caller).
SELECT stage_schema, session_held AND created_at >= now() - make_interval(secs => %(seconds)s) AS check_lock
FROM staging_runs
WHERE session_held OR created_at < now() - make_interval(secs => %(seconds)s)
ORDER BY stage_schema;
