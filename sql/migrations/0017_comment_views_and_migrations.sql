-- Every column of every view, and schema_migrations, carries a COMMENT, so \d+ documents them.
COMMENT ON TABLE schema_migrations IS 'Migrations applied to this database (sql/migrations/NNNN_name.sql or .py), once each, in order.';
COMMENT ON COLUMN schema_migrations.version IS 'The migration''s number (NNNN).';
COMMENT ON COLUMN schema_migrations.name IS 'The migration''s file name without its suffix.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied.';

COMMENT ON VIEW batch_removals_by_rule IS 'Per batch, category and rule: pieces removed from the batch''s articles and their characters.';
COMMENT ON COLUMN batch_removals_by_rule.batch_id IS 'The batch whose articles the pieces were removed from (articles.batch_id).';
COMMENT ON COLUMN batch_removals_by_rule.category IS 'Rule category (removals.category).';
COMMENT ON COLUMN batch_removals_by_rule.rule IS 'Rule id (removals.rule).';
COMMENT ON COLUMN batch_removals_by_rule.pieces IS 'Number of pieces the rule removed.';
COMMENT ON COLUMN batch_removals_by_rule.chars IS 'Characters those pieces held.';

COMMENT ON COLUMN articles_per_source_day.source IS 'Source of the articles, (unknown) when none was found.';
COMMENT ON COLUMN articles_per_source_day.day IS 'Publication day (UTC); NULL when the date is unknown.';
COMMENT ON COLUMN articles_per_source_day.articles IS 'Published articles of the source that day.';

COMMENT ON COLUMN article_removal_ratio.removal_ratio IS 'removed_chars / input_chars, rounded to 3 places: the share of the input removed as noise.';
COMMENT ON COLUMN quarantined_articles.removal_ratio IS 'removed_chars / input_chars, rounded to 3 places.';
COMMENT ON COLUMN cluster_representatives.cluster_size IS 'Published articles in the cluster.';

-- The other view columns are columns of articles, shown as they are: they take its comments.
DO $$
DECLARE r record;
BEGIN
    FOR r IN
        SELECT c.relname AS view_name, a.attname AS column_name, col_description('articles'::regclass, b.attnum) AS text
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        JOIN pg_attribute b ON b.attrelid = 'articles'::regclass AND b.attname = a.attname AND NOT b.attisdropped
        WHERE n.nspname = 'public' AND c.relkind = 'v' AND col_description(c.oid, a.attnum) IS NULL
    LOOP
        EXECUTE format('COMMENT ON COLUMN %I.%I IS %L', r.view_name, r.column_name, r.text);
    END LOOP;
END $$;
