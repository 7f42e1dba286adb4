-- Articles this batch no longer delivers but another batch does change hands rather than go: the
-- row takes the new owner's file and line; its content is the new owner's too when both delivered
-- the same version (the same content hash). When they differ the row keeps the version it has
-- until the new owner's next run rewrites it (the report of that batch counts such rows as stale).
UPDATE articles a SET batch_id = h.new_owner, source_file = h.source_file, source_line = h.source_line
FROM handed_over h WHERE a.article_id = h.article_id;
