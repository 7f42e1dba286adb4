-- name: removals_by_rule_in_batch
-- What each rule removed in one batch (psql: \set batch '2024-03-14' then \i this file).
SELECT category, rule, pieces, chars
FROM batch_removals_by_rule
WHERE batch_id = :'batch'
ORDER BY pieces DESC, rule;
