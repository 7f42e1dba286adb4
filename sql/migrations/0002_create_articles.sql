-- Clean articles, one row per article key; later batches update a row, never duplicate it.
CREATE TABLE articles (
    article_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_key     text NOT NULL UNIQUE,
    source          text,
    url             text,
    external_id     text,
    source_file     text NOT NULL,
    source_line     integer,
    title           text,
    subtitle        text,
    section         text,
    authors         text[] NOT NULL DEFAULT '{}',
    published_at    timestamptz,
    updated_at      timestamptz,
    dateline        text,
    body            text NOT NULL,
    paragraph_count integer NOT NULL,
    removed_count   integer NOT NULL,
    removed_chars   integer NOT NULL,
    input_chars     integer NOT NULL,
    content_hash    text NOT NULL,
    batch_id        text NOT NULL REFERENCES batches (batch_id),
    loaded_at       timestamptz NOT NULL DEFAULT now(),
    search          tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(subtitle, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, body), 'C')
    ) STORED
);

CREATE INDEX articles_search_idx ON articles USING gin (search);
CREATE INDEX articles_batch_idx ON articles (batch_id);
CREATE INDEX articles_source_published_idx ON articles (source, published_at);

COMMENT ON TABLE articles IS 'Clean articles. One row per article key: the same story in a later batch updates its row.';
COMMENT ON COLUMN articles.article_id IS 'Surrogate id, stable across reruns and updates; children reference it.';
COMMENT ON COLUMN articles.article_key IS 'Identity of the story: hash of source + normalized URL, else source + normalized title + date, else of the clean body.';
COMMENT ON COLUMN articles.source IS 'Outlet or agency: the record''s source field, the URL host, or the batch sub-folder.';
COMMENT ON COLUMN articles.url IS 'Canonical URL when the input had one.';
COMMENT ON COLUMN articles.external_id IS 'The id field of a JSONL record, when present.';
COMMENT ON COLUMN articles.source_file IS 'Input file, relative to the batch folder.';
COMMENT ON COLUMN articles.source_line IS 'Line number within a JSONL file; NULL for one-article files.';
COMMENT ON COLUMN articles.title IS 'Headline.';
COMMENT ON COLUMN articles.subtitle IS 'Dek / standfirst under the headline.';
COMMENT ON COLUMN articles.section IS 'Section label printed above the headline (e.g. Europe).';
COMMENT ON COLUMN articles.authors IS 'Bylined authors, agencies left out.';
COMMENT ON COLUMN articles.published_at IS 'Publication time; a date-only value is stored as midnight UTC.';
COMMENT ON COLUMN articles.updated_at IS 'Last update time given by the article; date-only values as midnight UTC.';
COMMENT ON COLUMN articles.dateline IS 'Place line such as BELGRADE, Serbia.';
COMMENT ON COLUMN articles.body IS 'Clean body: the kept paragraphs joined by blank lines.';
COMMENT ON COLUMN articles.paragraph_count IS 'Number of kept paragraphs (rows in paragraphs).';
COMMENT ON COLUMN articles.removed_count IS 'Number of removal audit rows (rows in removals).';
COMMENT ON COLUMN articles.removed_chars IS 'Characters removed as noise (sum of removals text length).';
COMMENT ON COLUMN articles.input_chars IS 'Characters of kept plus removed text: removed_chars / input_chars is the removal ratio.';
COMMENT ON COLUMN articles.content_hash IS 'SHA-256 of every clean field, paragraph, caption and removal: a rerun with the same hash changes nothing.';
COMMENT ON COLUMN articles.batch_id IS 'The latest batch that delivered this article.';
COMMENT ON COLUMN articles.loaded_at IS 'When this version of the article was loaded (unchanged by reruns that change nothing).';
COMMENT ON COLUMN articles.search IS 'Full-text vector (English configuration): title weighted A, subtitle B, body C. Query with @@ websearch_to_tsquery(''english'', ...).';
