-- Staging moves from worker-local files into PostgreSQL: every run of a batch gets a schema of
-- its own (newsclean_stage_<batch>_<run>) holding UNLOGGED tables that the learn and clean
-- tasks COPY into and the publish reads, so tasks can run on any host with no shared disk.
-- This registry names those schemas, so that abandoned runs can be found and dropped.
CREATE TABLE staging_runs (
    stage_schema  text PRIMARY KEY,
    batch_id      text NOT NULL,
    input_path    text NOT NULL,
    shards        integer NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    session_held  boolean NOT NULL DEFAULT false
);
CREATE INDEX staging_runs_batch_idx ON staging_runs (batch_id);

COMMENT ON TABLE staging_runs IS 'Runs whose staging schema exists: dropped by the run''s publish, or as abandoned once older than the staging time-to-live.';
COMMENT ON COLUMN staging_runs.stage_schema IS 'Name of the run''s staging schema (UNLOGGED tables stage_inputs, stage_lines, stage_articles, ...).';
COMMENT ON COLUMN staging_runs.batch_id IS 'The batch the run loads.';
COMMENT ON COLUMN staging_runs.input_path IS 'Folder or URL the run reads.';
COMMENT ON COLUMN staging_runs.shards IS 'Number of shards the run''s inputs were cut into.';
COMMENT ON COLUMN staging_runs.created_at IS 'When the run was planned.';
COMMENT ON COLUMN staging_runs.session_held IS 'The run is one process (pipeline run) holding the advisory lock hashtextextended(stage_schema, 0) while it lives: when the lock is free, the run is gone and its staging is dropped at once; other runs'' staging is dropped after the time-to-live.';
