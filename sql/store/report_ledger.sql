-- The ledger row of a batch, with the duration of its latest run.
SELECT *, extract(epoch FROM finished_at - started_at)::float8 AS seconds FROM batches WHERE batch_id = :b;
