-- A person releases a quarantined article: it is published, and stays so on reruns while its
-- content is unchanged. Returns the article's batch, or nothing when it is not in quarantine.
WITH released AS (
    UPDATE articles SET status = 'published', quarantine_reason = NULL
    WHERE article_id = :id AND status = 'quarantined'
    RETURNING article_key, content_hash, batch_id),
decided AS (
    INSERT INTO quarantine_decisions (article_key, content_hash, decision, note)
    SELECT article_key, content_hash, 'released', :note FROM released
    ON CONFLICT (article_key) DO UPDATE SET content_hash = EXCLUDED.content_hash, decision = EXCLUDED.decision,
        note = EXCLUDED.note, decided_at = now())
UPDATE batches b SET articles_quarantined = b.articles_quarantined - 1
FROM released r WHERE b.batch_id = r.batch_id
RETURNING b.batch_id;
