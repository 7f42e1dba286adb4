-- The first rejected inputs of a batch, with their reasons.
SELECT source_file, line, reason FROM rejected_inputs WHERE batch_id = :b ORDER BY 1, 2 LIMIT :limit;
