-- The :last batches up to and including :b (by batch_id), oldest first: their ledger counts and the
-- removed / input characters of the articles each batch was the latest to deliver.
SELECT b.batch_id, b.status, b.articles_loaded, b.inputs_rejected, b.articles_quarantined, b.pieces_removed,
       coalesce(a.removed_chars, 0) AS removed_chars, coalesce(a.input_chars, 0) AS input_chars
FROM (SELECT * FROM batches WHERE batch_id <= :b ORDER BY batch_id DESC LIMIT :last) b
LEFT JOIN LATERAL (
    SELECT sum(removed_chars) AS removed_chars, sum(input_chars) AS input_chars
    FROM articles WHERE batch_id = b.batch_id
) a ON true
ORDER BY b.batch_id;
