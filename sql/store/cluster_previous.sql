-- Clusters that the articles to write were in before (an article rewritten stays in its cluster).
SELECT article_key, old_cluster FROM to_write WHERE old_cluster IS NOT NULL AND article_key = ANY(%(keys)s);
