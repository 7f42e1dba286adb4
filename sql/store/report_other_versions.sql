-- Articles a batch owns that hold another version than the one it delivered: handed over by a
-- batch that stopped delivering them (the batch's next run rewrites them with its own version).
SELECT count(*) FROM articles a JOIN article_deliveries d ON d.article_key = a.article_key AND d.batch_id = a.batch_id
WHERE a.batch_id = :b AND d.content_hash <> a.content_hash;
