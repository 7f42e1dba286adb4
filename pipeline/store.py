"""Publish a batch: COPY the staged shards into PostgreSQL and swap the batch in, in one transaction.

Readers never see half a batch: everything between BEGIN and COMMIT is invisible to them, and a
killed loader leaves nothing behind but its ledger row. A per-batch advisory lock serializes two
runs of one batch; each publish is idempotent, so they end with one correct copy. Rows that a
rerun would write identically are not touched at all.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

from .corpus import (
    MATCH_JACCARD,
    LearnedSettings,
    UnionFind,
    band_buckets,
    estimated_jaccard,
    learned_from_rows,
    signature_from_bytes,
)
from .db import raw_connection
from .staging import TABLES

_STAGE_TYPES = {
    "articles": """copy_id text, article_key text, source text, url text, external_id text, source_file text,
        source_line integer, title text, subtitle text, section text, authors text[], published_at timestamptz,
        updated_at timestamptz, dateline text, body text, paragraph_count integer, removed_count integer,
        removed_chars integer, input_chars integer, content_hash text""",
    "paragraphs": "copy_id text, position integer, text text",
    "captions": "copy_id text, position integer, text text, credit text",
    "removals": "copy_id text, seq integer, position integer, rule text, category text, scope text, text text",
    "rejected": "source_file text, line integer, reason text",
    "line_hashes": "copy_id text, line_hash bigint, sample text",
    "signatures": "copy_id text, minhash bytea",
    "search": "copy_id text, search tsvector",
}
# Written by this server and read back by it: binary COPY loads tsvectors twice as fast as text.
_BINARY_STAGES = {"search"}
# The full-text vector of an article, over stage_articles (see stage_search_vectors).
SEARCH_VECTOR = """setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(subtitle, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, body), 'C')"""
_ARTICLE_COLUMNS = [c for c in TABLES["articles"] if c != "copy_id"]
# Stored articles sharing a band bucket with a new one. LATERAL ... OFFSET 0 (which keeps it from
# being flattened into a join): one index probe per new band row, whatever the size of the index.
# Left to itself the planner picks a hash join, which reads all of lsh_bands and makes every batch
# slower than the one before. Probes go in key order so that neighbouring ones share index pages.
LSH_CANDIDATES = """SELECT DISTINCT n.article_key, o.article_id
    FROM (SELECT band, bucket, article_key FROM new_bands ORDER BY band, bucket) n CROSS JOIN LATERAL (
        SELECT article_id FROM lsh_bands b WHERE b.band = n.band AND b.bucket = n.bucket OFFSET 0) o"""
# A debugging hook for the crash test: hang right after COPY began, so the test can kill us there.
HANG_ENV = "NEWSCLEAN_TEST_HANG_AFTER_COPY"


def start_batch(engine: sa.Engine, batch_id: str, input_path: str) -> None:
    """Record the run in the ledger (its own small transaction, visible at once)."""
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                """INSERT INTO batches (batch_id, input_path, status, started_at)
                   VALUES (:b, :p, 'running', now())
                   ON CONFLICT (batch_id) DO UPDATE SET status = 'running', started_at = now(),
                       finished_at = NULL, runs = batches.runs + 1, input_path = EXCLUDED.input_path, error = NULL"""
            ),
            {"b": batch_id, "p": input_path},
        )


def fail_batch(engine: sa.Engine, batch_id: str, error: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE batches SET status = 'failed', finished_at = now(), error = :e WHERE batch_id = :b"),
            {"b": batch_id, "e": error[:2000]},
        )


def publish_batch(engine: sa.Engine, batch_id: str, staging_dirs: Sequence[Path], files_seen: int) -> dict[str, Any]:
    """COPY every shard and make the batch's rows exactly what the shards say, atomically.

    Returns the batch's counts, plus "seconds": time per phase (copy, articles, children, corpus,
    total; copy_<table> and insert_<table> within them).
    """
    phases: dict[str, float] = {}
    started = time.perf_counter()
    with raw_connection(engine) as connection:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL TIME ZONE 'UTC'")
                cursor.execute("SET LOCAL work_mem = '256MB'")
                cursor.execute("SET LOCAL gin_pending_list_limit = '256MB'")
                # Index pages the batch probes are cached; the default (4.0) assumes a spinning
                # disk and prices whole-table hash joins below index probes even on a large corpus.
                cursor.execute("SET LOCAL random_page_cost = 1.1")
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"newsclean:batch:{batch_id}",)
                )
                _create_stage_tables(cursor)
                for staging_dir in staging_dirs:
                    for table in _STAGE_TYPES:
                        copy_started = time.perf_counter()
                        if table in _BINARY_STAGES:
                            with open(Path(staging_dir) / f"{table}.bin", "rb") as binary:
                                cursor.copy_expert(f"COPY stage_{table} FROM STDIN (FORMAT binary)", binary)
                        else:
                            with open(Path(staging_dir) / f"{table}.copy", encoding="utf-8") as handle:
                                cursor.copy_expert(f"COPY stage_{table} FROM STDIN", handle)
                        phases[f"copy_{table}"] = phases.get(f"copy_{table}", 0.0) + time.perf_counter() - copy_started
                        _maybe_hang()
                phases["copy"] = time.perf_counter() - started
                counts = _merge(cursor, batch_id, files_seen, phases)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    phases["total"] = time.perf_counter() - started
    return {**counts, "seconds": {k: round(v, 3) for k, v in phases.items()}}


def stage_search_vectors(engine: sa.Engine, staging_dir: Path) -> None:
    """Write the full-text vectors of a staged shard's articles (search.bin), computed by the
    server's English parser so they match its queries. This runs in the clean step, shard by
    shard in parallel, rather than in the publish, which is one serial transaction."""
    with raw_connection(engine) as connection:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE TEMP TABLE stage_articles ({_STAGE_TYPES['articles']}) ON COMMIT DROP")
                with open(Path(staging_dir) / "articles.copy", encoding="utf-8") as handle:
                    cursor.copy_expert("COPY stage_articles FROM STDIN", handle)
                with open(Path(staging_dir) / "search.bin", "wb") as out:
                    cursor.copy_expert(
                        f"COPY (SELECT copy_id, {SEARCH_VECTOR} FROM stage_articles) TO STDOUT (FORMAT binary)", out
                    )
        finally:
            connection.rollback()


def _maybe_hang() -> None:
    marker = os.environ.get(HANG_ENV)
    if marker:
        Path(marker).write_text("copy began\n", encoding="utf-8")
        while True:
            time.sleep(1)


def _create_stage_tables(cursor: Any) -> None:
    for table, columns in _STAGE_TYPES.items():
        cursor.execute(f"CREATE TEMP TABLE stage_{table} ({columns}) ON COMMIT DROP")


def _merge(cursor: Any, batch_id: str, files_seen: int, phases: dict[str, float]) -> dict[str, int]:
    columns = ", ".join(_ARTICLE_COLUMNS)
    params = {"batch": batch_id}
    # Temporary tables have no statistics; without them the planner may scan whole corpus tables
    # instead of probing their indexes with the (small) batch, and a batch's cost grows with the
    # corpus. So every temporary table joined to a corpus table is analyzed (the stage_* tables
    # are only joined to other temporary tables, and rejected_inputs is small).
    # One copy per article key: an article delivered twice in one batch keeps its first file.
    cursor.execute(
        """CREATE TEMP TABLE batch_articles ON COMMIT DROP AS
           SELECT DISTINCT ON (article_key) * FROM stage_articles
           ORDER BY article_key, source_file, source_line NULLS FIRST, copy_id"""
    )
    cursor.execute("ANALYZE batch_articles")
    # Rows to write: new keys; keys last delivered by an earlier batch (a later batch wins, so
    # backfills in any order end the same); keys of this batch whose content changed.
    cursor.execute(
        """CREATE TEMP TABLE to_write ON COMMIT DROP AS
           SELECT b.* FROM batch_articles b LEFT JOIN articles a USING (article_key)
           WHERE a.article_id IS NULL OR a.batch_id < %(batch)s
              OR (a.batch_id = %(batch)s AND a.content_hash <> b.content_hash)""",
        params,
    )
    cursor.execute("ANALYZE to_write")
    _find_retired(cursor, params)
    started = time.perf_counter()
    _retire_line_counts(cursor)
    _drop_retired_signatures(cursor)
    _assign_clusters(cursor)
    phases["corpus"] = time.perf_counter() - started
    # Articles this batch delivered before but no longer does (file removed, then rerun).
    cursor.execute(
        """DELETE FROM articles a WHERE a.batch_id = %(batch)s
           AND NOT EXISTS (SELECT 1 FROM batch_articles b WHERE b.article_key = a.article_key)""",
        params,
    )
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _ARTICLE_COLUMNS if c != "article_key")
    started = time.perf_counter()
    cursor.execute(
        f"""INSERT INTO articles ({columns}, batch_id, loaded_at, cluster_id, search)
            SELECT {columns}, %(batch)s, now(), c.cluster_id, v.search FROM to_write
            LEFT JOIN batch_clusters c USING (article_key) LEFT JOIN stage_search v USING (copy_id)
            ON CONFLICT (article_key) DO UPDATE SET {updates}, batch_id = EXCLUDED.batch_id,
                loaded_at = EXCLUDED.loaded_at, cluster_id = EXCLUDED.cluster_id, search = EXCLUDED.search""",
        params,
    )
    cursor.execute(
        """CREATE TEMP TABLE written ON COMMIT DROP AS
           SELECT w.copy_id, w.article_key, a.article_id, a.source FROM to_write w
           JOIN articles a ON a.article_key = w.article_key"""
    )
    cursor.execute("ANALYZE written")
    phases["articles"] = time.perf_counter() - started  # includes the full-text GIN index
    started = time.perf_counter()
    for table, child_columns in (
        ("paragraphs", "position, text"),
        ("captions", "position, text, credit"),
        ("removals", "seq, position, rule, category, scope, text"),
    ):
        cursor.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT article_id FROM retired)")
        selected = ", ".join(f"s.{c.strip()}" for c in child_columns.split(","))
        insert_started = time.perf_counter()
        cursor.execute(
            f"""INSERT INTO {table} (article_id, {child_columns})
                SELECT w.article_id, {selected} FROM stage_{table} s JOIN written w USING (copy_id)"""
        )
        phases[f"insert_{table}"] = time.perf_counter() - insert_started
    phases["children"] = time.perf_counter() - started
    started = time.perf_counter()
    _add_line_counts(cursor)
    _index_signatures(cursor)
    phases["corpus"] += time.perf_counter() - started
    cursor.execute(
        """DELETE FROM rejected_inputs r WHERE r.batch_id = %(batch)s AND NOT EXISTS (
               SELECT 1 FROM stage_rejected s WHERE s.source_file = r.source_file AND s.line = r.line
               AND s.reason = r.reason)""",
        params,
    )
    cursor.execute(
        """INSERT INTO rejected_inputs (batch_id, source_file, line, reason)
           SELECT DISTINCT ON (source_file, line) %(batch)s, source_file, line, reason FROM stage_rejected
           ORDER BY source_file, line, reason
           ON CONFLICT (batch_id, source_file, line) DO NOTHING""",
        params,
    )
    cursor.execute(
        """SELECT count(*), coalesce(sum(paragraph_count), 0), coalesce(sum(removed_count), 0),
                  (SELECT count(*) FROM stage_captions c JOIN batch_articles b USING (copy_id)),
                  (SELECT count(DISTINCT (source_file, line)) FROM stage_rejected),
                  (SELECT count(*) FROM to_write)
           FROM batch_articles"""
    )
    articles, paragraphs, removed, captions, rejected, written = cursor.fetchone()
    counts = {
        "files_seen": files_seen,
        "articles_loaded": articles,
        "paragraphs_kept": paragraphs,
        "pieces_removed": removed,
        "captions_kept": captions,
        "inputs_rejected": rejected,
    }
    cursor.execute(
        """UPDATE batches SET status = 'published', finished_at = now(), error = NULL,
               files_seen = %(files_seen)s, articles_loaded = %(articles_loaded)s,
               paragraphs_kept = %(paragraphs_kept)s, pieces_removed = %(pieces_removed)s,
               captions_kept = %(captions_kept)s, inputs_rejected = %(inputs_rejected)s
           WHERE batch_id = %(batch)s""",
        {**counts, **params},
    )
    return {**counts, "articles_written": written}


def _find_retired(cursor: Any, params: dict[str, str]) -> None:
    """retired: the stored articles about to be rewritten, and those this batch no longer delivers
    (deleted); their children, line statistics, signatures and bands go before the new ones come."""
    cursor.execute(
        """CREATE TEMP TABLE retired ON COMMIT DROP AS
           SELECT a.article_id, a.source FROM articles a JOIN to_write w USING (article_key)
           UNION
           SELECT a.article_id, a.source FROM articles a WHERE a.batch_id = %(batch)s
              AND NOT EXISTS (SELECT 1 FROM batch_articles b WHERE b.article_key = a.article_key)""",
        params,
    )
    cursor.execute("ANALYZE retired")


def _retire_line_counts(cursor: Any) -> None:
    """Subtract the line statistics of the retired articles."""
    cursor.execute(
        """UPDATE source_line_counts c SET articles = c.articles - d.n
           FROM (SELECT r.source, h.line_hash, count(*) AS n FROM retired r
                 JOIN article_line_hashes h USING (article_id) WHERE r.source IS NOT NULL GROUP BY 1, 2) d
           WHERE c.source = d.source AND c.line_hash = d.line_hash"""
    )
    cursor.execute(
        """UPDATE source_stats s SET articles = s.articles - d.n
           FROM (SELECT source, count(*) AS n FROM retired WHERE source IS NOT NULL GROUP BY 1) d
           WHERE s.source = d.source"""
    )
    cursor.execute(
        """CREATE TEMP TABLE retired_hashes ON COMMIT DROP AS
           SELECT h.article_id, h.line_hash FROM article_line_hashes h JOIN retired USING (article_id)"""
    )
    cursor.execute("DELETE FROM article_line_hashes WHERE article_id IN (SELECT article_id FROM retired)")


def _add_line_counts(cursor: Any) -> None:
    """Add the line statistics of the articles just written; drop counts that reached zero."""
    cursor.execute(
        """INSERT INTO article_line_hashes (article_id, line_hash)
           SELECT DISTINCT w.article_id, s.line_hash FROM stage_line_hashes s JOIN written w USING (copy_id)
           WHERE w.source IS NOT NULL ORDER BY 1, 2"""
    )
    cursor.execute(
        """CREATE TEMP TABLE batch_line_counts ON COMMIT DROP AS
           SELECT w.source, s.line_hash, count(DISTINCT w.article_id) AS articles, min(s.sample) AS sample
           FROM stage_line_hashes s JOIN written w USING (copy_id) WHERE w.source IS NOT NULL GROUP BY 1, 2"""
    )
    # Only a line in two or more articles of its source can be learned: only those keep a sample.
    cursor.execute(
        """WITH counted AS (
               INSERT INTO source_line_counts AS c (source, line_hash, articles)
               SELECT source, line_hash, articles FROM batch_line_counts ORDER BY 1, 2
               ON CONFLICT (source, line_hash) DO UPDATE SET articles = c.articles + EXCLUDED.articles
               RETURNING c.source, c.line_hash, c.articles)
           INSERT INTO source_line_samples (source, line_hash, sample)
           SELECT b.source, b.line_hash, b.sample FROM counted JOIN batch_line_counts b USING (source, line_hash)
           WHERE counted.articles >= 2
           ON CONFLICT (source, line_hash) DO NOTHING"""
    )
    cursor.execute(
        """INSERT INTO source_stats AS s (source, articles)
           SELECT source, count(*) FROM to_write WHERE source IS NOT NULL GROUP BY 1
           ON CONFLICT (source) DO UPDATE SET articles = s.articles + EXCLUDED.articles"""
    )
    cursor.execute(
        """WITH gone AS (
               DELETE FROM source_line_counts c USING (
                   SELECT r.source, h.line_hash FROM retired_hashes h JOIN retired r USING (article_id)) d
               WHERE c.source = d.source AND c.line_hash = d.line_hash AND c.articles <= 0
               RETURNING c.source, c.line_hash)
           DELETE FROM source_line_samples s USING gone g WHERE s.source = g.source AND s.line_hash = g.line_hash"""
    )
    cursor.execute("DELETE FROM source_stats WHERE articles <= 0")


def _drop_retired_signatures(cursor: Any) -> None:
    """Remove the MinHash signatures and LSH bands of the articles about to be rewritten or
    deleted; their bands are recomputed from the stored signatures and deleted by primary key."""
    cursor.execute("SELECT s.article_id, s.minhash FROM article_signatures s JOIN retired r USING (article_id)")
    old_bands = io.StringIO()
    for article_id, minhash in cursor:
        for band, bucket in band_buckets(signature_from_bytes(bytes(minhash))):
            old_bands.write(f"{band}\t{bucket}\t{article_id}\n")
    if not old_bands.tell():
        return
    old_bands.seek(0)
    cursor.execute("CREATE TEMP TABLE old_bands (band smallint, bucket bigint, article_id bigint) ON COMMIT DROP")
    cursor.copy_expert("COPY old_bands FROM STDIN", old_bands)
    cursor.execute("ANALYZE old_bands")
    cursor.execute(
        """DELETE FROM lsh_bands b USING old_bands o
           WHERE b.band = o.band AND b.bucket = o.bucket AND b.article_id = o.article_id"""
    )
    cursor.execute("DELETE FROM article_signatures WHERE article_id IN (SELECT article_id FROM retired)")


def _assign_clusters(cursor: Any) -> None:
    """Cluster the articles about to be written, before they are: fills batch_clusters
    (article_key, cluster_id) for the insert and renames stored clusters that merge.

    LSH candidates (a shared band bucket) are verified by estimated Jaccard. A cluster is named
    by the smallest article_key among its members, so the name does not depend on the order
    batches arrive in. Work is proportional to the batch and its candidates, not the corpus.
    """
    cursor.execute("SELECT w.article_key, s.minhash FROM to_write w JOIN stage_signatures s USING (copy_id)")
    signatures: dict[str, np.ndarray] = {}
    bands = io.StringIO()
    for key, minhash in cursor:
        signatures[key] = signature_from_bytes(bytes(minhash))
        for band, bucket in band_buckets(signatures[key]):
            bands.write(f"{band}\t{bucket}\t{key}\n")
    bands.seek(0)
    cursor.execute("CREATE TEMP TABLE new_bands (band smallint, bucket bigint, article_key text) ON COMMIT DROP")
    cursor.copy_expert("COPY new_bands FROM STDIN", bands)
    cursor.execute("ANALYZE new_bands")
    cursor.execute(LSH_CANDIDATES)
    stored_pairs = cursor.fetchall()
    cursor.execute(
        """SELECT DISTINCT x.article_key, y.article_key FROM new_bands x JOIN new_bands y USING (band, bucket)
           WHERE x.article_key < y.article_key"""
    )
    batch_pairs = cursor.fetchall()
    cursor.execute(
        """SELECT a.article_id, a.article_key, a.cluster_id, s.minhash FROM articles a
           JOIN article_signatures s USING (article_id) WHERE a.article_id = ANY(%s)""",
        (sorted({article_id for _, article_id in stored_pairs}),),
    )
    stored = {row[0]: (row[1], row[2], signature_from_bytes(bytes(row[3]))) for row in cursor}
    # an article rewritten by this batch stays in the cluster it was in
    cursor.execute(
        """SELECT a.article_key, a.cluster_id FROM articles a JOIN to_write w USING (article_key)
           WHERE a.cluster_id IS NOT NULL"""
    )
    previous = dict(cursor.fetchall())
    clusters = UnionFind()
    for key in signatures:
        clusters.find(key)
    for key, cluster in previous.items():
        clusters.union(key, cluster)
    for key, cluster, _ in stored.values():
        clusters.union(key, cluster or key)
    for key, article_id in stored_pairs:
        if article_id in stored and estimated_jaccard(signatures[key], stored[article_id][2]) >= MATCH_JACCARD:
            clusters.union(key, stored[article_id][0])
    for left, right in batch_pairs:
        if estimated_jaccard(signatures[left], signatures[right]) >= MATCH_JACCARD:
            clusters.union(left, right)
    names = set(previous.values()) | {cluster for _, cluster, _ in stored.values() if cluster}
    renames = sorted((old, clusters.find(old)) for old in names if clusters.find(old) != old)
    _update_clusters(cursor, "cluster_id", renames)
    unnamed = [(str(article_id), clusters.find(key)) for article_id, (key, cluster, _) in stored.items() if not cluster]
    _update_clusters(cursor, "article_id", sorted(unnamed))
    cursor.execute("CREATE TEMP TABLE batch_clusters (article_key text PRIMARY KEY, cluster_id text) ON COMMIT DROP")
    assignments = io.StringIO("".join(f"{key}\t{clusters.find(key)}\n" for key in sorted(signatures)))
    cursor.copy_expert("COPY batch_clusters FROM STDIN", assignments)
    cursor.execute("ANALYZE batch_clusters")


def _index_signatures(cursor: Any) -> None:
    """Store the written articles' signatures and LSH bands (in key order: B-tree pages are
    then filled one after another instead of at random)."""
    cursor.execute(
        """INSERT INTO article_signatures (article_id, minhash)
           SELECT w.article_id, s.minhash FROM stage_signatures s JOIN written w USING (copy_id) ORDER BY 1"""
    )
    cursor.execute(
        """INSERT INTO lsh_bands (band, bucket, article_id)
           SELECT n.band, n.bucket, w.article_id FROM new_bands n JOIN written w USING (article_key) ORDER BY 1, 2, 3"""
    )


def _update_clusters(cursor: Any, match_column: str, pairs: list[tuple[str, str]]) -> None:
    """Set cluster_id where match_column (article_id or the old cluster_id) equals the pair's first
    value; through an analyzed temporary table so the planner probes indexes."""
    if not pairs:
        return
    cursor.execute("CREATE TEMP TABLE cluster_update (match text, cluster text) ON COMMIT DROP")
    buffer = io.StringIO("".join(f"{match}\t{cluster}\n" for match, cluster in pairs))
    cursor.copy_expert("COPY cluster_update FROM STDIN", buffer)
    cursor.execute("ANALYZE cluster_update")
    target = "a.article_id = u.match::bigint" if match_column == "article_id" else "a.cluster_id = u.match"
    cursor.execute(
        f"""UPDATE articles a SET cluster_id = u.cluster FROM cluster_update u
            WHERE {target} AND a.cluster_id IS DISTINCT FROM u.cluster"""
    )
    cursor.execute("DROP TABLE cluster_update")


def load_learned(engine: sa.Engine, settings: LearnedSettings | None = None) -> dict[str, frozenset[int]]:
    """The learned boilerplate of every source: hash sets, vetoed lines left out."""
    return learned_from_rows((row[0], row[1]) for row in learned_rules(engine, settings))


def learned_rules(
    engine: sa.Engine, settings: LearnedSettings | None = None, source: str | None = None
) -> list[tuple[str, int, int, int, str]]:
    """(source, line_hash, articles, source_articles, sample) of each learned line, most frequent first."""
    settings = settings or LearnedSettings()
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                """SELECT c.source, c.line_hash, c.articles, s.articles, coalesce(t.sample, '(no sample kept)')
                   FROM source_line_counts c JOIN source_stats s USING (source)
                   LEFT JOIN source_line_samples t ON t.source = c.source AND t.line_hash = c.line_hash
                   WHERE c.articles >= :min_articles AND c.articles >= :min_share * s.articles
                     AND c.articles >= 2  -- what recurs; lets the planner use the partial index
                     AND (CAST(:source AS text) IS NULL OR c.source = :source)
                     AND NOT EXISTS (SELECT 1 FROM learned_vetoes v
                                     WHERE v.source = c.source AND v.line_hash = c.line_hash)
                   ORDER BY c.source, c.articles DESC, c.line_hash"""
            ),
            {"min_articles": settings.min_articles, "min_share": settings.min_share, "source": source},
        )
        return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]


def veto_learned(engine: sa.Engine, source: str, line_hash: int, note: str | None = None) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                """INSERT INTO learned_vetoes (source, line_hash, note) VALUES (:s, :h, :n)
                   ON CONFLICT (source, line_hash) DO UPDATE SET note = EXCLUDED.note"""
            ),
            {"s": source, "h": line_hash, "n": note},
        )
