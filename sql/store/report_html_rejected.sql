-- The first :limit rejected inputs of a batch with their reasons, and how many there are in all.
SELECT source_file, line, reason, count(*) OVER () AS total
FROM rejected_inputs
WHERE batch_id = :b
ORDER BY source_file, line
LIMIT :limit;
