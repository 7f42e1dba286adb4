-- The full-text vector was a generated column: computing it (the English parser and stemmer
-- over every body) took most of the publish, inside its one serial transaction. The clean
-- step now computes it on this server (so it matches websearch_to_tsquery('english', ...)),
-- shard by shard in parallel, and the publish stores it. Existing values stay as they are.
ALTER TABLE articles ALTER COLUMN search DROP EXPRESSION;
ALTER TABLE articles ALTER COLUMN search SET NOT NULL;
COMMENT ON COLUMN articles.search IS 'Full-text vector (English configuration): title weighted A, subtitle B, body C, computed by the loader (pipeline.store.SEARCH_VECTOR). Query with @@ websearch_to_tsquery(''english'', ...). Re-derive it if you edit title, subtitle or body by hand.';
