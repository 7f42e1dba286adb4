-- The batch ledger: one row per batch id, whatever the number of runs.
CREATE TABLE batches (
    batch_id            text PRIMARY KEY,
    input_path          text NOT NULL,
    status              text NOT NULL CHECK (status IN ('running', 'published', 'failed')),
    started_at          timestamptz NOT NULL,
    finished_at         timestamptz,
    runs                integer NOT NULL DEFAULT 1,
    files_seen          integer NOT NULL DEFAULT 0,
    articles_loaded     integer NOT NULL DEFAULT 0,
    paragraphs_kept     integer NOT NULL DEFAULT 0,
    pieces_removed      integer NOT NULL DEFAULT 0,
    captions_kept       integer NOT NULL DEFAULT 0,
    inputs_rejected     integer NOT NULL DEFAULT 0,
    error               text
);

COMMENT ON TABLE batches IS 'Batch ledger: one row per batch (usually a day''s folder of raw dumps); reruns update it in place.';
COMMENT ON COLUMN batches.batch_id IS 'Batch id, e.g. the date 2024-03-14. Compared as text: a later id wins when two batches deliver one article.';
COMMENT ON COLUMN batches.input_path IS 'Folder (or file) the batch was read from, as given to the loader.';
COMMENT ON COLUMN batches.status IS 'running while a run is under way; published once its transaction committed; failed if the last run raised.';
COMMENT ON COLUMN batches.started_at IS 'When the latest run of this batch started.';
COMMENT ON COLUMN batches.finished_at IS 'When the latest run published (or failed).';
COMMENT ON COLUMN batches.runs IS 'How many times this batch has been run (reruns and retries included).';
COMMENT ON COLUMN batches.files_seen IS 'Input files found in the batch folder.';
COMMENT ON COLUMN batches.articles_loaded IS 'Articles the batch delivered (after in-batch duplicates were merged).';
COMMENT ON COLUMN batches.paragraphs_kept IS 'Clean paragraphs across the batch''s articles.';
COMMENT ON COLUMN batches.pieces_removed IS 'Removal audit rows across the batch''s articles.';
COMMENT ON COLUMN batches.captions_kept IS 'Structured captions across the batch''s articles.';
COMMENT ON COLUMN batches.inputs_rejected IS 'Files (or JSONL lines) that could not be read; see rejected_inputs.';
COMMENT ON COLUMN batches.error IS 'Error message of the last failed run, NULL once it published.';
