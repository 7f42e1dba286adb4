-- Replace a batch's contribution to the per-source line statistics with what this run of the
-- batch counted (stage_lines, stage_sources): a rerun never counts the batch twice.
-- 1. take the batch's earlier contribution out
UPDATE source_line_counts c SET articles = c.articles - o.inputs
FROM batch_line_counts o
WHERE o.batch_id = %(batch)s AND c.source = o.source AND c.line_hash = o.line_hash;
UPDATE source_stats s SET articles = s.articles - o.inputs
FROM batch_source_counts o
WHERE o.batch_id = %(batch)s AND s.source = o.source;
CREATE TEMP TABLE old_lines ON COMMIT DROP AS
SELECT source, line_hash FROM batch_line_counts WHERE batch_id = %(batch)s;
DELETE FROM batch_line_counts WHERE batch_id = %(batch)s;
DELETE FROM batch_source_counts WHERE batch_id = %(batch)s;
-- 2. put the run's counts in
INSERT INTO batch_line_counts (batch_id, source, line_hash, inputs)
SELECT %(batch)s, source, line_hash, count(*) FROM stage_lines GROUP BY source, line_hash;
INSERT INTO batch_source_counts (batch_id, source, inputs)
SELECT %(batch)s, source, sum(inputs) FROM stage_sources GROUP BY source;
INSERT INTO source_line_counts AS c (source, line_hash, articles)
SELECT source, line_hash, inputs FROM batch_line_counts WHERE batch_id = %(batch)s ORDER BY source, line_hash
ON CONFLICT (source, line_hash) DO UPDATE SET articles = c.articles + EXCLUDED.articles;
INSERT INTO source_stats AS s (source, articles)
SELECT source, inputs FROM batch_source_counts WHERE batch_id = %(batch)s ORDER BY source
ON CONFLICT (source) DO UPDATE SET articles = s.articles + EXCLUDED.articles;
-- 3. forget lines that no batch delivers any more
WITH gone AS (
    DELETE FROM source_line_counts c USING old_lines o
    WHERE c.source = o.source AND c.line_hash = o.line_hash AND c.articles <= 0
    RETURNING c.source, c.line_hash)
DELETE FROM source_line_samples s USING gone g WHERE s.source = g.source AND s.line_hash = g.line_hash;
DELETE FROM source_stats WHERE articles <= 0;
