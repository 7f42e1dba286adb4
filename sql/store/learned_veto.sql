-- A person vetoes a learned line: it is never removed again (until the veto is deleted).
INSERT INTO learned_vetoes (source, line_hash, note) VALUES (:s, :h, :n)
ON CONFLICT (source, line_hash) DO UPDATE SET note = EXCLUDED.note;
