-- Close the run in the ledger with the batch's counts. A batch that loaded no article although
-- it had inputs (every one rejected) is failed, not published: its rejections are kept.
WITH counts AS (
    SELECT (SELECT count(*) FROM batch_articles) AS articles,
           (SELECT coalesce(sum(s.paragraph_count), 0) FROM batch_articles b JOIN stage_articles s USING (copy_id)) AS paragraphs,
           (SELECT coalesce(sum(s.removed_count), 0) FROM batch_articles b JOIN stage_articles s USING (copy_id)) AS removed,
           (SELECT count(*) FROM stage_captions c JOIN batch_articles b USING (copy_id)) AS captions,
           (SELECT count(*) FROM batch_rejected) AS rejected,
           (SELECT count(*) FROM articles WHERE batch_id = %(batch)s AND status = 'quarantined') AS quarantined,
           (SELECT count(*) FROM to_write) AS written)
UPDATE batches SET
    status = CASE WHEN c.articles = 0 AND c.rejected > 0 THEN 'failed' ELSE 'published' END,
    error = CASE WHEN c.articles = 0 AND c.rejected > 0
                 THEN format('no article loaded: all %%s inputs were rejected', c.rejected) END,
    finished_at = now(), files_seen = %(files)s, articles_loaded = c.articles, paragraphs_kept = c.paragraphs,
    pieces_removed = c.removed, captions_kept = c.captions, inputs_rejected = c.rejected,
    articles_quarantined = c.quarantined
FROM counts c WHERE batch_id = %(batch)s
RETURNING status, error, files_seen, articles_loaded, paragraphs_kept, pieces_removed, captions_kept,
    inputs_rejected, articles_quarantined, c.written;
