-- Stored clusters merged by this batch take the merged cluster's name (its smallest key);
-- stored articles matched by this batch that had no cluster get one.
UPDATE articles a SET cluster_id = u.cluster FROM cluster_update u
WHERE a.cluster_id = u.match AND u.kind = 'cluster' AND a.cluster_id IS DISTINCT FROM u.cluster;
UPDATE articles a SET cluster_id = u.cluster FROM cluster_update u
WHERE a.article_key = u.match AND u.kind = 'article' AND a.cluster_id IS DISTINCT FROM u.cluster;
