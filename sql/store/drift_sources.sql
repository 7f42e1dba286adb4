-- The drift of the sources whose last batch in the window is the given one (source_drift, migration
-- 0023; the window set by the caller).
SELECT * FROM source_drift WHERE batch_id = :b ORDER BY source;
