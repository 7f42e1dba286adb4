-- Close the run in the ledger: its files, deliveries and rejections (the counts of what the batch
-- owns were recounted just before). A batch that delivered no article although it had inputs
-- (every one rejected) is failed, not published: its rejections are kept.
WITH counts AS (
    SELECT (SELECT count(*) FROM batch_articles) AS delivered,
           (SELECT count(*) FROM batch_rejected) AS rejected,
           (SELECT count(*) FROM to_write) AS written)
UPDATE batches SET
    status = CASE WHEN c.delivered = 0 AND c.rejected > 0 THEN 'failed' ELSE 'published' END,
    error = CASE WHEN c.delivered = 0 AND c.rejected > 0
                 THEN format('no article loaded: all %%s inputs were rejected', c.rejected) END,
    finished_at = now(), files_seen = %(files)s, articles_delivered = c.delivered, inputs_rejected = c.rejected
FROM counts c WHERE batch_id = %(batch)s
RETURNING status, error, files_seen, articles_delivered, articles_loaded, paragraphs_kept, pieces_removed,
    captions_kept, inputs_rejected, articles_quarantined, c.written;
