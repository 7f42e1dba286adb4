-- What a cleaning digest covers (pipeline/clean/provenance.py), recorded by the first shard that
-- cleans with it.
INSERT INTO cleaning_configs (digest, version, parts) VALUES (:d, :v, CAST(:p AS jsonb))
ON CONFLICT (digest) DO NOTHING;
