-- The removed pieces of the given articles (input position, rule, category, scope, text), in the order
-- the cleaner removed them.
SELECT article_id, seq, position, rule, category, scope, text
FROM removals
WHERE article_id = ANY(CAST(:ids AS bigint[]))
ORDER BY article_id, seq;
