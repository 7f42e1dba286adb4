-- Kept paragraphs and removals in one coordinate system: removals.position counts paragraphs
-- of the input, and now so does paragraphs.source_position, so an article can be shown with its
-- kept and removed text in place (the batch report's article view).
ALTER TABLE paragraphs ADD COLUMN source_position integer;
COMMENT ON COLUMN paragraphs.source_position IS 'Index of the paragraph in the input (the coordinate of removals.position); NULL for rows loaded before migration 0015.';
COMMENT ON COLUMN removals.position IS 'Index of the paragraph in the input the piece came from (the coordinate of paragraphs.source_position).';
