-- Issue 27: the foreign keys of paragraphs, captions and removals checked every inserted row
-- against articles (a probe of its primary key and a queued trigger event per row): about 0.04 ms
-- of the server's CPU per article for the paragraphs alone, half the cost of writing them. Only the
-- publish writes these rows, for articles it has just written in the same transaction, so the
-- check never finds anything; what the keys also did, deleting an article's parts with it, is now
-- one statement-level trigger that deletes the parts of every article a statement deleted, in one
-- join. (lsh_bands lost its key for the same reason in migration 0007; article_signatures, one
-- row per article, keeps its own.)
ALTER TABLE paragraphs DROP CONSTRAINT paragraphs_article_id_fkey;
ALTER TABLE captions DROP CONSTRAINT captions_article_id_fkey;
ALTER TABLE removals DROP CONSTRAINT removals_article_id_fkey;

CREATE FUNCTION newsclean_delete_article_parts() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    DELETE FROM public.paragraphs p USING deleted_articles d WHERE p.article_id = d.article_id;
    DELETE FROM public.captions c USING deleted_articles d WHERE c.article_id = d.article_id;
    DELETE FROM public.removals r USING deleted_articles d WHERE r.article_id = d.article_id;
    RETURN NULL;
END $$;

CREATE TRIGGER articles_delete_parts AFTER DELETE ON articles
REFERENCING OLD TABLE AS deleted_articles
FOR EACH STATEMENT EXECUTE FUNCTION newsclean_delete_article_parts();

COMMENT ON FUNCTION newsclean_delete_article_parts() IS 'Trigger of articles: deletes the paragraphs, captions and removals of the articles a statement deleted (what ON DELETE CASCADE did, without a check per inserted row).';
COMMENT ON TRIGGER articles_delete_parts ON articles IS 'An article''s paragraphs, captions and removals go with it (migration 0026).';
