-- Open a run of a batch in the ledger: a rerun reopens the batch's row and counts the run.
INSERT INTO batches (batch_id, input_path, status, started_at)
VALUES (:b, :p, 'running', now())
ON CONFLICT (batch_id) DO UPDATE SET status = 'running', started_at = now(), finished_at = NULL,
    runs = batches.runs + 1, input_path = EXCLUDED.input_path, error = NULL;
