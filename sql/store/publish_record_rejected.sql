-- Inputs the batch could not use, with their reasons; unchanged rows keep their rejected_at.
CREATE TEMP TABLE batch_rejected ON COMMIT DROP AS
SELECT DISTINCT ON (source_file, line) source_file, line, reason FROM (
    SELECT source_file, line, reason FROM stage_rejected
    UNION ALL
    SELECT source_file, coalesce(source_line, 0), 'dropped by a person after quarantine review' FROM dropped_by_review
) r ORDER BY source_file, line, reason;
DELETE FROM rejected_inputs r WHERE r.batch_id = %(batch)s AND NOT EXISTS (
    SELECT 1 FROM batch_rejected s WHERE s.source_file = r.source_file AND s.line = r.line AND s.reason = r.reason);
INSERT INTO rejected_inputs (batch_id, source_file, line, reason)
SELECT %(batch)s, source_file, line, reason FROM batch_rejected
ON CONFLICT (batch_id, source_file, line) DO NOTHING;
