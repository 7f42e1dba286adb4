"""Learned per-source boilerplate: the line statistics a batch adds before it is cleaned, and the
learned lines the cleaner removes (see clean/learned.py for the hashes and thresholds)."""

from __future__ import annotations

import sqlalchemy as sa

from pipeline.clean.learned import learned_from_rows
from pipeline.core.settings import LearnedSettings, load_settings
from pipeline.store.sql import statement
from pipeline.store.staging import stage_transaction

# Two batches merging at once would update the same source_line_counts rows in different orders
# (and deadlock): merges, which are short, take turns.
LEARN_LOCK = "newsclean:learn"


def merge_batch_counts(engine: sa.Engine, stage: str, batch_id: str) -> None:
    """Make the corpus statistics hold this run's counts of the batch instead of its earlier ones."""
    with stage_transaction(engine, stage) as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (LEARN_LOCK,))
        cursor.execute(statement("learn_merge"), {"batch": batch_id})


def load_learned(engine: sa.Engine, settings: LearnedSettings | None = None) -> dict[str, frozenset[int]]:
    """The learned boilerplate of every source: hash sets, vetoed lines left out."""
    return learned_from_rows((row[0], row[1]) for row in learned_rules(engine, settings))


def learned_rules(
    engine: sa.Engine, settings: LearnedSettings | None = None, source: str | None = None
) -> list[tuple[str, int, int, int, str]]:
    """(source, line_hash, articles, source_articles, sample) of each learned line, most frequent first."""
    settings = settings or load_settings().learned
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(statement("learned_lines")),
            {"min_articles": settings.min_articles, "min_share": settings.min_share, "source": source},
        )
        return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]


def veto_learned(engine: sa.Engine, source: str, line_hash: int, note: str | None = None) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text(statement("learned_veto")), {"s": source, "h": line_hash, "n": note})
