"""The staged tables, defined once: the staging DDL, the COPY column lists and the inserts into
the corpus tables are all derived from this spec.

Every staged table has a leading `shard` column, so a retried shard replaces exactly its own rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.corpus.minhash import BANDS

# The full-text vector of an article, in its language's configuration (migrations 0013, 0025).
SEARCH_VECTOR = "newsclean_search_vector(language, title, subtitle, body)"

# What a reader reads of an article (headline, dek, body): a new version when it changes (migration
# 0021, article_versions); the content hash also changes with the audit and metadata.
TEXT_HASH = "md5(coalesce(title, '') || chr(31) || coalesce(subtitle, '') || chr(31) || body)"


@dataclass(frozen=True)
class Column:
    name: str
    type: str


@dataclass(frozen=True)
class StagedTable:
    name: str
    columns: tuple[Column, ...]
    # Columns the server computes from the copied ones as COPY writes each row (generated columns:
    # name, type, expression), in the parallel clean step rather than in the serial publish.
    computed: tuple[tuple[str, str, str], ...] = ()
    # The corpus table the rows go to, keyed by the written article (children of articles).
    child_of_article: str | None = None
    # The column after article_id in that table's primary key: the rows are inserted in key order.
    child_key: str | None = None
    # Columns a trigger function fills as COPY writes each row (name, type, function): what a
    # generated column cannot do, such as skipping the work for a row that is stored already.
    filled: tuple[tuple[str, str, str], ...] = ()
    # Columns the server stores as they come (STORAGE EXTERNAL): no compression of a large value.
    uncompressed: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return f"stage_{self.name}"

    @property
    def copied(self) -> list[str]:
        return [c.name for c in self.columns]

    def create_sql(self) -> str:
        columns = [f"{c.name} {c.type}" for c in self.columns]
        columns += [
            f"{name} {type_} GENERATED ALWAYS AS ({expression}) STORED" for name, type_, expression in self.computed
        ]
        columns += [f"{name} {type_}" for name, type_, _ in self.filled]
        triggers = "".join(
            f"; CREATE TRIGGER fill_{name} BEFORE INSERT ON {self.table} FOR EACH ROW EXECUTE FUNCTION {function}()"
            for name, _, function in self.filled
        )
        storage = "".join(
            f"; ALTER TABLE {self.table} ALTER COLUMN {c} SET STORAGE EXTERNAL" for c in self.uncompressed
        )
        return f"CREATE UNLOGGED TABLE {self.table} (shard integer NOT NULL, {', '.join(columns)}){triggers}{storage}"

    def copy_sql(self) -> str:
        return f"COPY {self.table} (shard, {', '.join(self.copied)}) FROM STDIN"

    def insert_children_sql(self) -> str:
        """Rows of this staged table into its corpus table, for the articles being written.

        In primary-key order (issue 27): staged rows come in copy order, article ids in article_key
        order, so unsorted rows landed at random leaves of the key's B-tree, one level deeper and
        further out of the CPU caches as a batch grows; sorted, each row goes where the last one went.
        """
        assert self.child_of_article is not None and self.child_key is not None
        columns = [c for c in self.copied if c != "copy_id"]
        return (
            f"INSERT INTO {self.child_of_article} (article_id, {', '.join(columns)}) "
            f"SELECT w.article_id, {', '.join(f's.{c}' for c in columns)} "
            f"FROM {self.table} s JOIN written w USING (copy_id) ORDER BY w.article_id, s.{self.child_key}"
        )


def _columns(spec: str) -> tuple[Column, ...]:
    pairs = (item.strip().split(" ", 1) for item in spec.split(","))
    return tuple(Column(name, type_.strip()) for name, type_ in pairs)


INPUTS = StagedTable("inputs", _columns("seq integer, location text, name text, bytes bigint, refused text"))
LINES = StagedTable("lines", _columns("source text, line_hash bigint"))
SOURCES = StagedTable("sources", _columns("source text, inputs integer"))
ARTICLES = StagedTable(
    "articles",
    _columns(
        "copy_id bigint, article_key text, source text, url text, external_id text, source_file text,"
        " source_line integer, title text, subtitle text, section text, authors text[], published_at timestamptz,"
        " updated_at timestamptz, dateline text, body text, paragraph_count integer, removed_count integer,"
        " removed_chars integer, input_chars integer, content_hash text, language text, encoding text,"
        " seo_title text, agencies text[], wire_origin text, wire_evidence text"
        # issue 26: what cleaned the article (pipeline/clean/provenance.py)
        ", cleaner_version text, cleaner_digest text"
        ", page_type text, complete boolean, incomplete_reason text"
    ),
    computed=(("text_hash", "text", TEXT_HASH),),
    # the full-text vector, unless the article is stored with the same content (migration 0025)
    filled=(("search", "tsvector", "public.newsclean_stage_search"),),
)
PARAGRAPHS = StagedTable(
    "paragraphs",
    _columns("copy_id bigint, position integer, source_position integer, text text"),
    child_of_article="paragraphs",
    child_key="position",
)
CAPTIONS = StagedTable(
    "captions",
    _columns("copy_id bigint, position integer, text text, credit text"),
    child_of_article="captions",
    child_key="position",
)
REMOVALS = StagedTable(
    "removals",
    _columns(
        "copy_id bigint, seq integer, position integer, rule text, category text, scope text, text text, score real"
    ),  # issue 23: a model's score (migration 0027)
    child_of_article="removals",
    child_key="seq",
)
REJECTED = StagedTable("rejected", _columns("source_file text, line integer, reason text"))
# The LSH buckets of a signature, computed by the server in the parallel clean step (migration 0012);
# spelled out band by band, since a generated column may not hold a subquery.
BUCKETS = "ARRAY[" + ", ".join(f"newsclean_band_bucket(minhash, {band})" for band in range(BANDS)) + "]"
SIGNATURES = StagedTable("signatures", _columns("copy_id bigint, minhash bytea"), (("buckets", "bigint[]", BUCKETS),))
LEARNED_SAMPLES = StagedTable("learned_samples", _columns("source text, line_hash bigint, sample text"))

# issue 27: the learn step's read of its shard (store/parsed.py), so the clean step reads no input again
PARSED = StagedTable("parsed", _columns("seq integer, payload bytea"), uncompressed=("payload",))

# What the learn step stages, and what the clean step stages.
LEARN_TABLES = (LINES, SOURCES, PARSED)
CLEAN_TABLES = (ARTICLES, PARAGRAPHS, CAPTIONS, REMOVALS, REJECTED, SIGNATURES, LEARNED_SAMPLES)
ALL_TABLES = (INPUTS, *LEARN_TABLES, *CLEAN_TABLES)
CHILD_TABLES = tuple(t for t in ALL_TABLES if t.child_of_article)
# The corpus articles columns that come from the stage (copy_id is the stage's own key).
ARTICLE_COLUMNS = [
    *(c for c in ARTICLES.copied if c != "copy_id"),
    *(n for n, _, _ in ARTICLES.computed),
    *(n for n, _, _ in ARTICLES.filled),
]
