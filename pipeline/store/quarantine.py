"""A person's review of quarantined articles: list them, release one (publish it), drop one."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pipeline.store.sql import statement

COLUMNS = ["article_id", "batch_id", "source", "source_file", "title", "removal_ratio", "quarantine_reason"]


class NotQuarantined(LookupError):
    """The article is not (or no longer) in quarantine."""


def list_quarantined(engine: sa.Engine, batch_id: str | None = None) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(statement("quarantine_list")), {"batch": batch_id})]


def release(engine: sa.Engine, article_id: int, note: str | None = None) -> str:
    """Publish a quarantined article; returns its batch."""
    return _decide(engine, "quarantine_release", article_id, note)


def drop(engine: sa.Engine, article_id: int, note: str | None = None) -> str:
    """Delete a quarantined article and record its input as rejected; returns its batch."""
    return _decide(engine, "quarantine_drop", article_id, note)


def _decide(engine: sa.Engine, name: str, article_id: int, note: str | None) -> str:
    with engine.begin() as connection:
        row = connection.execute(sa.text(statement(name)), {"id": article_id, "note": note}).fetchone()
    if row is None:
        raise NotQuarantined(f"article {article_id} is not in quarantine (see: quarantine list)")
    return str(row[0])
