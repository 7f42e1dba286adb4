-- One copy per article key: an article delivered twice in one batch keeps its first file. Keys
-- a person dropped from quarantine (same content) are set aside; they are recorded as rejected.
CREATE TEMP TABLE batch_articles ON COMMIT DROP AS
SELECT DISTINCT ON (article_key) copy_id, article_key, content_hash, text_hash, source, source_file, source_line,
       removed_chars::float8 / nullif(input_chars, 0) AS ratio, cleaner_digest
FROM stage_articles
ORDER BY article_key, source_file, source_line NULLS FIRST, copy_id;
CREATE TEMP TABLE dropped_by_review ON COMMIT DROP AS
SELECT b.copy_id, b.article_key, b.source_file, b.source_line FROM batch_articles b
JOIN quarantine_decisions d USING (article_key)
WHERE d.decision = 'dropped' AND d.content_hash = b.content_hash;
DELETE FROM batch_articles b USING dropped_by_review d WHERE b.copy_id = d.copy_id;
-- Temporary tables have no statistics; without them the planner may scan whole corpus tables
-- instead of probing their indexes with the (small) batch, and a batch's cost grows with the corpus.
ANALYZE batch_articles;
