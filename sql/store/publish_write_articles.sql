-- Write the new and changed articles, each once, with its cluster and its quarantine verdict. An
-- article without a match this batch keeps its cluster (under its new name if that cluster merged).
-- ({columns} and {updates} come from the staged-table spec, pipeline/store/tables.py.)
INSERT INTO articles ({columns}, batch_id, loaded_at, cluster_id, status, quarantine_reason)
SELECT {selected}, %(batch)s, now(),
       coalesce(c.cluster_id, r.cluster, w.old_cluster, w.article_key),
       CASE WHEN v.reason IS NULL THEN 'published' ELSE 'quarantined' END, v.reason
FROM to_write w JOIN stage_articles s USING (copy_id)
LEFT JOIN batch_clusters c ON c.article_key = w.article_key LEFT JOIN verdicts v ON v.copy_id = w.copy_id
LEFT JOIN cluster_update r ON r.kind = 'cluster' AND r.match = w.old_cluster
ORDER BY w.article_key
ON CONFLICT (article_key) DO UPDATE SET {updates}, batch_id = EXCLUDED.batch_id, loaded_at = EXCLUDED.loaded_at,
    cluster_id = EXCLUDED.cluster_id, status = EXCLUDED.status, quarantine_reason = EXCLUDED.quarantine_reason;
