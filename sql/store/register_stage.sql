-- Record a run's staging schema (planned again: its registration is renewed).
INSERT INTO staging_runs (stage_schema, batch_id, input_path, shards)
VALUES (%(stage)s, %(batch)s, %(input)s, %(shards)s)
ON CONFLICT (stage_schema) DO UPDATE
SET batch_id = EXCLUDED.batch_id, input_path = EXCLUDED.input_path, shards = EXCLUDED.shards, created_at = now();
