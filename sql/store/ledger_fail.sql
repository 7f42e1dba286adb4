-- Close a run that raised: the batch keeps its published rows (if any) and says why the run failed.
UPDATE batches SET status = 'failed', finished_at = now(), error = :e WHERE batch_id = :b;
