-- The inputs a batch's latest run recorded: those that delivered an article and those rejected.
SELECT source_file FROM article_deliveries WHERE batch_id = :b
UNION
SELECT source_file FROM rejected_inputs WHERE batch_id = :b;
