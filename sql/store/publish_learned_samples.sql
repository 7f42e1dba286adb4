-- The text of learned lines, as this batch's cleaning removed them (for `learned list`).
INSERT INTO source_line_samples (source, line_hash, sample)
SELECT DISTINCT ON (source, line_hash) source, line_hash, sample FROM stage_learned_samples
ORDER BY source, line_hash, sample
ON CONFLICT (source, line_hash) DO NOTHING;
