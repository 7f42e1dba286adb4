-- Replace a batch's contribution to the per-source line statistics with what this run of the
-- batch counted (stage_lines, stage_sources): a rerun never counts the batch twice.
-- Only the lines whose count changed are written (line_deltas): taking the earlier contribution
-- out and putting the new one in rewrote every line of the batch twice (and each row's index
-- entries), which made a rerun's merge cost more than a new batch's. The sums are the same.
-- 1. what changed, per line: this run's count against the batch's earlier one
CREATE TEMP TABLE line_deltas ON COMMIT DROP AS
SELECT coalesce(n.source, o.source) AS source, coalesce(n.line_hash, o.line_hash) AS line_hash,
       n.inputs AS inputs, coalesce(n.inputs, 0) - coalesce(o.inputs, 0) AS delta
FROM (SELECT source, line_hash, count(*)::integer AS inputs FROM stage_lines GROUP BY source, line_hash) n
FULL JOIN (SELECT source, line_hash, inputs FROM batch_line_counts WHERE batch_id = %(batch)s) o
    ON o.source = n.source AND o.line_hash = n.line_hash
WHERE n.inputs IS DISTINCT FROM o.inputs;
ANALYZE line_deltas;
-- 2. the batch's own counts
DELETE FROM batch_line_counts c USING line_deltas d
WHERE d.inputs IS NULL AND c.batch_id = %(batch)s AND c.source = d.source AND c.line_hash = d.line_hash;
INSERT INTO batch_line_counts AS c (batch_id, source, line_hash, inputs)
SELECT %(batch)s, source, line_hash, inputs FROM line_deltas WHERE inputs IS NOT NULL ORDER BY source, line_hash
ON CONFLICT (batch_id, source, line_hash) DO UPDATE SET inputs = EXCLUDED.inputs;
-- 3. the corpus sums (a line with a negative delta was counted before, so its row exists)
INSERT INTO source_line_counts AS c (source, line_hash, articles)
SELECT source, line_hash, delta FROM line_deltas ORDER BY source, line_hash
ON CONFLICT (source, line_hash) DO UPDATE SET articles = c.articles + EXCLUDED.articles;
-- 4. the same for the sources' input counts
CREATE TEMP TABLE source_deltas ON COMMIT DROP AS
SELECT coalesce(n.source, o.source) AS source, n.inputs AS inputs, coalesce(n.inputs, 0) - coalesce(o.inputs, 0) AS delta
FROM (SELECT source, sum(inputs)::integer AS inputs FROM stage_sources GROUP BY source) n
FULL JOIN (SELECT source, inputs FROM batch_source_counts WHERE batch_id = %(batch)s) o ON o.source = n.source
WHERE n.inputs IS DISTINCT FROM o.inputs;
DELETE FROM batch_source_counts c USING source_deltas d
WHERE d.inputs IS NULL AND c.batch_id = %(batch)s AND c.source = d.source;
INSERT INTO batch_source_counts AS c (batch_id, source, inputs)
SELECT %(batch)s, source, inputs FROM source_deltas WHERE inputs IS NOT NULL ORDER BY source
ON CONFLICT (batch_id, source) DO UPDATE SET inputs = EXCLUDED.inputs;
INSERT INTO source_stats AS s (source, articles)
SELECT source, delta FROM source_deltas ORDER BY source
ON CONFLICT (source) DO UPDATE SET articles = s.articles + EXCLUDED.articles;
-- 5. forget lines that no batch delivers any more
WITH gone AS (
    DELETE FROM source_line_counts c USING line_deltas d
    WHERE d.delta < 0 AND c.source = d.source AND c.line_hash = d.line_hash AND c.articles <= 0
    RETURNING c.source, c.line_hash)
DELETE FROM source_line_samples s USING gone g WHERE s.source = g.source AND s.line_hash = g.line_hash;
DELETE FROM source_stats s USING source_deltas d WHERE d.delta < 0 AND s.source = d.source AND s.articles <= 0;
