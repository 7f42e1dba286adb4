-- Paragraphs, captions and the removal audit of each article.
CREATE TABLE paragraphs (
    article_id  bigint NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    position    integer NOT NULL,
    text        text NOT NULL,
    PRIMARY KEY (article_id, position)
);

CREATE TABLE captions (
    article_id  bigint NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    position    integer NOT NULL,
    text        text NOT NULL,
    credit      text,
    PRIMARY KEY (article_id, position)
);

CREATE TABLE removals (
    article_id  bigint NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    seq         integer NOT NULL,
    position    integer NOT NULL,
    rule        text NOT NULL,
    category    text NOT NULL,
    scope       text NOT NULL CHECK (scope IN ('paragraph', 'span', 'line')),
    text        text NOT NULL,
    PRIMARY KEY (article_id, seq)
);
CREATE INDEX removals_rule_idx ON removals (rule);

COMMENT ON TABLE paragraphs IS 'Clean body paragraphs of each article, in reading order.';
COMMENT ON COLUMN paragraphs.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN paragraphs.position IS '0-based order of the paragraph in the clean body.';
COMMENT ON COLUMN paragraphs.text IS 'Paragraph text, whitespace squashed.';
COMMENT ON TABLE captions IS 'Photo captions kept as structured data (each distinct caption once).';
COMMENT ON COLUMN captions.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN captions.position IS '0-based order of the caption in the article.';
COMMENT ON COLUMN captions.text IS 'Caption text, including an in-text wire credit such as (AP Photo/Name).';
COMMENT ON COLUMN captions.credit IS 'Photographer or agency credit, when one was found.';
COMMENT ON TABLE removals IS 'Audit of every piece of input that did not reach the clean body, with the rule that removed it.';
COMMENT ON COLUMN removals.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN removals.seq IS '0-based order in which the cleaner removed the pieces.';
COMMENT ON COLUMN removals.position IS 'Index of the paragraph in the raw input the piece came from.';
COMMENT ON COLUMN removals.rule IS 'Rule id from rules.yaml (e.g. caption.gallery_block) or a built-in step (repeat.exact, repeat.near, repeat.span, repeat.title).';
COMMENT ON COLUMN removals.category IS 'Rule category: caption, agency, newsletter, share, related, ad, comments, furniture, repetition.';
COMMENT ON COLUMN removals.scope IS 'paragraph: the whole paragraph went; span: a part was cut out; line: one header line.';
COMMENT ON COLUMN removals.text IS 'The removed text.';
