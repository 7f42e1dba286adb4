-- Candidate pairs (an article to write, a stored or another written article) sharing a band
-- bucket, with both signatures, for verification by estimated Jaccard.
-- Stored candidates: LATERAL ... OFFSET 0 keeps the probe from being flattened into a join, so
-- it stays one index probe per new band row whatever the size of lsh_bands (left to itself the
-- planner hash-joins all of lsh_bands and every batch gets slower than the one before). Probes
-- go in key order so that neighbouring ones share index pages.
WITH stored AS (
    SELECT DISTINCT n.article_key, o.article_id
    FROM (SELECT band, bucket, article_key FROM new_bands ORDER BY band, bucket) n CROSS JOIN LATERAL (
        SELECT article_id FROM lsh_bands b WHERE b.band = n.band AND b.bucket = n.bucket OFFSET 0) o),
within AS (
    SELECT DISTINCT x.article_key AS left_key, y.article_key AS right_key
    FROM new_bands x JOIN new_bands y USING (band, bucket)
    WHERE x.article_key < y.article_key)
SELECT p.article_key, s.minhash, a.article_key, true AS stored, a.cluster_id, t.minhash
FROM stored p JOIN to_write w USING (article_key) JOIN stage_signatures s USING (copy_id)
JOIN articles a ON a.article_id = p.article_id JOIN article_signatures t ON t.article_id = p.article_id
UNION ALL
SELECT p.left_key, ls.minhash, p.right_key, false, NULL, rs.minhash
FROM within p
JOIN to_write lw ON lw.article_key = p.left_key JOIN stage_signatures ls ON ls.copy_id = lw.copy_id
JOIN to_write rw ON rw.article_key = p.right_key JOIN stage_signatures rs ON rs.copy_id = rw.copy_id;
