-- `newsclean reprocess --since DATE`: the batches whose latest run started on or after DATE (UTC).
SELECT batch_id FROM batches WHERE started_at >= CAST(:since AS date)::timestamp AT TIME ZONE 'UTC' ORDER BY batch_id;
