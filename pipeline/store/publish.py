"""Publish a batch run: merge its staging into the corpus tables in one transaction.

Readers never see half a batch: everything between BEGIN and COMMIT is invisible to them, and a
killed publish leaves nothing behind but its ledger row and its staging (for the retry). One
publish runs at a time per database; each is idempotent, so two runs of one batch end with one
correct copy. Rows a rerun would write identically are not touched at all.

Ownership: article_deliveries records which batches deliver which article; the highest batch id
among them owns its row, whatever the order the batches ran in. A batch that stops delivering an
article hands it to the next deliverer (it is deleted only when no batch delivers it any more), and
the ledger counts of every batch that gained or lost articles are recounted from what it owns.

Versions: the texts the batches deliver of one article, in batch id order, make its history; each
change of text begins a version, and every version but the latest (the article row) is kept in
article_versions. The history is recomputed for the keys the batch delivers or delivered, from
article_deliveries, so reruns and backfills in any order end with the same versions.

The publish is a list of named phases; each is one named statement of sql/store/ or one small
function, and its time is reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from pipeline.core.faults import maybe_hang
from pipeline.core.settings import QuarantineSettings, load_settings
from pipeline.corpus.minhash import BANDS
from pipeline.store.clusters import assign_clusters
from pipeline.store.db import raw_connection, rollback
from pipeline.store.sql import statement
from pipeline.store.staging import drop_stage
from pipeline.store.tables import ARTICLE_COLUMNS, CHILD_TABLES

# One publish at a time: two publishes would upsert articles, rename clusters and fill the LSH
# index in different orders, and could deadlock. Cleaning, the bulk of the work, stays parallel.
PUBLISH_LOCK = "newsclean:publish"


@dataclass
class Publish:
    connection: Any
    cursor: Any
    batch_id: str
    stage: str
    files_seen: int
    quarantine: QuarantineSettings
    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, Any]:
        return {"batch": self.batch_id, "bands": BANDS, "files": self.files_seen, **self.quarantine.__dict__}

    def run(self, name: str) -> None:
        self.cursor.execute(statement(name), self.params)


def _sql(name: str) -> tuple[str, Callable[[Publish], None]]:
    """A phase that is one named statement: sql/store/publish_<name>.sql."""
    return name, lambda publish: publish.run(f"publish_{name}")


def _cluster(publish: Publish) -> None:
    assign_clusters(publish.connection, publish.cursor)


# The vector staging skipped (the same content was stored when the batch was staged): the stored
# one when it still is (a takeover, a reprocess), else computed now (migration 0025). coalesce
# evaluates the probe only for a row without a vector: one index probe, never a join of articles.
_SEARCH = """coalesce(s.search,
    (SELECT k.search FROM articles k WHERE k.article_key = w.article_key AND k.content_hash = w.content_hash),
    newsclean_search_vector(s.language, s.title, s.subtitle, s.body))"""


def _write_articles(publish: Publish) -> None:
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in ARTICLE_COLUMNS if c != "article_key")
    selected = ", ".join(_SEARCH if c == "search" else f"s.{c}" for c in ARTICLE_COLUMNS)
    sql = statement("publish_write_articles").format(
        columns=", ".join(ARTICLE_COLUMNS), selected=selected, updates=updates
    )
    publish.cursor.execute(sql, publish.params)


def _write_children(publish: Publish) -> None:
    publish.run("publish_delete_children")
    for table in CHILD_TABLES:
        publish.cursor.execute(table.insert_children_sql())


def _close_ledger(publish: Publish) -> None:
    publish.run("publish_close_ledger")
    row = publish.cursor.fetchone()
    names = ("status", "error", "files_seen", "articles_delivered", "articles_loaded", "paragraphs_kept",
             "pieces_removed", "captions_kept", "inputs_rejected", "articles_quarantined",
             "articles_written")  # fmt: skip
    publish.counts.update(zip(names, row, strict=True))


def _drop_staging(publish: Publish) -> None:
    drop_stage(publish.cursor, publish.stage)


PHASES: list[tuple[str, Callable[[Publish], None]]] = [
    _sql("choose_copies"),
    _sql("find_version_keys"),
    _sql("record_deliveries"),
    _sql("find_changes"),
    _sql("find_retired"),
    _sql("retire_signatures"),
    ("cluster", _cluster),
    _sql("removal_stats"),
    _sql("judge_quarantine"),
    _sql("record_versions"),
    _sql("delete_undelivered"),
    _sql("hand_over"),
    ("write_articles", _write_articles),
    _sql("list_written"),
    ("write_children", _write_children),
    _sql("analyze_batch"),
    _sql("inherit_wire_origin"),
    _sql("index_signatures"),
    _sql("learned_samples"),
    _sql("record_rejected"),
    _sql("recount_ledgers"),
    _sql("merge_search_pending"),
    ("close_ledger", _close_ledger),
    ("drop_staging", _drop_staging),
]


def publish_run(
    engine: sa.Engine,
    batch_id: str,
    stage: str,
    files_seen: int,
    quarantine: QuarantineSettings | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Merge the run's staging into the corpus, atomically; the batch's counts, plus "seconds"
    (time per phase and in total)."""
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
                cursor.execute(f"SET LOCAL search_path = {stage}, public")
                cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (PUBLISH_LOCK,))
                limits = quarantine or load_settings().quarantine
                publish = Publish(connection, cursor, batch_id, stage, files_seen, limits)
                for name, phase in PHASES:
                    if on_phase:
                        on_phase(name)
                    phase_started = time.perf_counter()
                    phase(publish)
                    publish.seconds[name] = round(time.perf_counter() - phase_started, 3)
                maybe_hang("commit")
            connection.commit()
        except BaseException:
            rollback(connection)
            raise
    publish.seconds["total"] = round(time.perf_counter() - started, 3)
    return {**publish.counts, "seconds": publish.seconds}
