-- The written articles' signatures and LSH bands (in key order: B-tree pages then fill one after
-- another instead of at random).
INSERT INTO article_signatures (article_id, minhash)
SELECT w.article_id, s.minhash FROM stage_signatures s JOIN written w USING (copy_id) ORDER BY 1;
INSERT INTO lsh_bands (band, bucket, article_id)
SELECT n.band, n.bucket, w.article_id FROM new_bands n JOIN written w USING (copy_id) ORDER BY 1, 2, 3;
