-- Issue 27: merge what the batch left in the full-text index's pending list now, inside the
-- publish, instead of leaving it to autovacuum. Every batch then pays its own merge in its own
-- publish (a small batch's entries all stayed in the list, a large one's were merged mostly while it
-- wrote, so the publish's cost per article compared across sizes only what overflowed), and a
-- search right after the publish reads the index, not a list of pages scanned one by one.
SELECT gin_clean_pending_list('articles_search_idx');
