-- Pieces removed from a batch's articles per category and rule, with their characters, most pieces first.
SELECT category, rule, pieces, chars
FROM batch_removals_by_rule
WHERE batch_id = :b
ORDER BY pieces DESC, chars DESC, rule;
