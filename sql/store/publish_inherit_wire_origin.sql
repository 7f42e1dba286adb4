-- A syndicated copy that carries no evidence of its own takes its cluster's wire origin (evidence
-- 'cluster'): the origin of the cluster's representative (cluster_representatives' order: earliest
-- published, then longest), or, when the representative carries none, of the next member in that
-- order that does. Only clusters this batch touched are looked at: those of the articles it wrote
-- and the stored clusters it merged; an inherited origin whose cluster lost it goes.
CREATE TEMP TABLE wire_clusters ON COMMIT DROP AS
SELECT a.cluster_id FROM articles a JOIN written w USING (article_id) WHERE a.cluster_id IS NOT NULL
UNION SELECT cluster FROM cluster_update;
ANALYZE wire_clusters;
CREATE TEMP TABLE wire_cluster_origins ON COMMIT DROP AS
SELECT DISTINCT ON (a.cluster_id) a.cluster_id, a.wire_origin
FROM articles a JOIN wire_clusters USING (cluster_id)
WHERE a.wire_evidence IS DISTINCT FROM 'cluster' AND a.wire_origin IS NOT NULL
ORDER BY a.cluster_id, a.published_at NULLS LAST, a.paragraph_count DESC, a.article_key;
UPDATE articles a SET wire_origin = o.wire_origin, wire_evidence = CASE WHEN o.wire_origin IS NOT NULL THEN 'cluster' END
FROM wire_clusters c LEFT JOIN wire_cluster_origins o USING (cluster_id)
WHERE a.cluster_id = c.cluster_id AND (a.wire_evidence IS NULL OR a.wire_evidence = 'cluster')
AND a.wire_origin IS DISTINCT FROM o.wire_origin;
