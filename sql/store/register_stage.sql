-- Record a run's staging schema (planned again: its registration is renewed).
INSERT INTO staging_runs (stage_schema, batch_id, input_path, shards, session_held)
VALUES (%(stage)s, %(batch)s, %(input)s, %(shards)s, %(held)s)
ON CONFLICT (stage_schema) DO UPDATE
SET batch_id = EXCLUDED.batch_id, input_path = EXCLUDED.input_path, shards = EXCLUDED.shards, created_at = now(),
    session_held = EXCLUDED.session_held;
