-- Inputs that could not be read: nothing is lost, every file ends loaded or here.
CREATE TABLE rejected_inputs (
    batch_id     text NOT NULL REFERENCES batches (batch_id),
    source_file  text NOT NULL,
    line         integer NOT NULL DEFAULT 0,
    reason       text NOT NULL,
    rejected_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (batch_id, source_file, line)
);

COMMENT ON TABLE rejected_inputs IS 'Files, or JSONL lines, that could not be read, with the reason. Reruns keep unchanged rows as they are.';
COMMENT ON COLUMN rejected_inputs.batch_id IS 'The batch the input belonged to.';
COMMENT ON COLUMN rejected_inputs.source_file IS 'Input file, relative to the batch folder.';
COMMENT ON COLUMN rejected_inputs.line IS 'Line number within a JSONL file; 0 when the whole file was rejected.';
COMMENT ON COLUMN rejected_inputs.reason IS 'Why the input was rejected (e.g. invalid JSON at column 3, truncated gzip file).';
COMMENT ON COLUMN rejected_inputs.rejected_at IS 'When the rejection was first recorded.';
