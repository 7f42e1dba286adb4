-- The ledger counts of every batch this publish touched (this one, those it took articles from,
-- those it handed articles to) are what each owns now, so the ledger and the report agree.
WITH touched AS (
    SELECT %(batch)s::text AS batch_id
    UNION SELECT old_owner FROM to_write WHERE old_owner IS NOT NULL
    UNION SELECT new_owner FROM handed_over),
owned AS (
    SELECT t.batch_id, count(a.article_id) AS articles, coalesce(sum(a.paragraph_count), 0) AS paragraphs,
           coalesce(sum(a.removed_count), 0) AS removed, count(*) FILTER (WHERE a.status = 'quarantined') AS quarantined,
           (SELECT count(*) FROM captions c JOIN articles x USING (article_id) WHERE x.batch_id = t.batch_id) AS captions
    FROM touched t LEFT JOIN articles a ON a.batch_id = t.batch_id
    GROUP BY t.batch_id)
UPDATE batches b SET articles_loaded = o.articles, paragraphs_kept = o.paragraphs, pieces_removed = o.removed,
    captions_kept = o.captions, articles_quarantined = o.quarantined
FROM owned o
WHERE b.batch_id = o.batch_id
  AND (b.articles_loaded, b.paragraphs_kept, b.pieces_removed, b.captions_kept, b.articles_quarantined)
      IS DISTINCT FROM (o.articles, o.paragraphs, o.removed, o.captions, o.quarantined);
