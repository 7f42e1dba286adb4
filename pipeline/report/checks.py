"""Data-quality checks on a published batch: each is one SQL query and a bound; run as DAG tasks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from pipeline.core.settings import load_settings


class QualityCheckFailed(AssertionError):
    """A published batch broke a data-quality bound; the message names the check and the figures."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    value: float
    bound: str

    def describe(self) -> str:
        return f"{self.name}: {self.value:g} ({self.bound})"


def _one(engine: sa.Engine, query: str, **params: object) -> float:
    with engine.connect() as connection:
        return float(connection.execute(sa.text(query), params).scalar() or 0)


def check_no_empty_bodies(engine: sa.Engine, batch_id: str) -> CheckResult:
    empty = _one(
        engine,
        "SELECT count(*) FROM articles WHERE batch_id = :b AND (btrim(body) = '' OR paragraph_count = 0)",
        b=batch_id,
    )
    result = CheckResult("articles with an empty body", empty, "must be 0")
    if empty:
        raise QualityCheckFailed(result.describe())
    return result


def check_counts_agree(engine: sa.Engine, batch_id: str) -> CheckResult:
    """The ledger, the articles' own counts and the child tables tell one story."""
    ledger_status = None
    with engine.connect() as connection:
        row = connection.execute(
            sa.text(
                "SELECT status, articles_loaded, articles_delivered, pieces_removed, files_seen, inputs_rejected"
                " FROM batches WHERE batch_id = :b"
            ),
            {"b": batch_id},
        ).one_or_none()
        if row is not None:
            ledger_status = row.status
    if row is None or ledger_status != "published":
        raise QualityCheckFailed(f"batch {batch_id}: ledger status is {ledger_status!r}, expected 'published'")
    _ledger_counts_what_the_batch_owns(engine, batch_id, row)
    if row.files_seen > 0 and row.articles_delivered == 0 and row.inputs_rejected == 0:
        raise QualityCheckFailed(f"batch {batch_id}: {row.files_seen} files gave no article and no rejection")
    mismatched = _one(
        engine,
        """SELECT count(*) FROM articles a
           WHERE a.batch_id = :b AND (
               a.paragraph_count <> (SELECT count(*) FROM paragraphs p WHERE p.article_id = a.article_id)
               OR a.removed_count <> (SELECT count(*) FROM removals r WHERE r.article_id = a.article_id))""",
        b=batch_id,
    )
    result = CheckResult("articles whose paragraph/removal counts disagree with their rows", mismatched, "must be 0")
    if mismatched:
        raise QualityCheckFailed(result.describe())
    return result


def _ledger_counts_what_the_batch_owns(engine: sa.Engine, batch_id: str, row: Any) -> None:
    """The ledger counts the articles the batch owns (after takeovers too), as the report does."""
    owned = _one(engine, "SELECT count(*) FROM articles WHERE batch_id = :b", b=batch_id)
    if owned != row.articles_loaded:
        raise QualityCheckFailed(f"batch {batch_id}: {owned:g} article rows but the ledger says {row.articles_loaded}")
    removed = _one(
        engine, "SELECT count(*) FROM removals r JOIN articles a USING (article_id) WHERE a.batch_id = :b", b=batch_id
    )
    if removed != row.pieces_removed:
        raise QualityCheckFailed(
            f"batch {batch_id}: {removed:g} removal rows but the ledger says {row.pieces_removed} pieces removed"
        )


def check_removal_ratio(engine: sa.Engine, batch_id: str, max_ratio: float | None = None) -> CheckResult:
    """Share of the batch's input characters removed as noise: a broken scrape shows as a high ratio.
    The bound: max_ratio, else checks.max_removal_ratio of the settings."""
    if max_ratio is None:
        max_ratio = load_settings().checks.max_removal_ratio
    ratio = _one(
        engine,
        "SELECT sum(removed_chars)::float / nullif(sum(input_chars), 0) FROM articles WHERE batch_id = :b",
        b=batch_id,
    )
    result = CheckResult("removal ratio", round(ratio, 4), f"must be <= {max_ratio}")
    if ratio > max_ratio:
        raise QualityCheckFailed(result.describe())
    return result
