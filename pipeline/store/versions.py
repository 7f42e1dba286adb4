"""An article's versions (migration 0021): its earlier texts, oldest first, then the current one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from pipeline.store.sql import statement


@dataclass(frozen=True)
class Version:
    batch_id: str
    loaded_at: datetime
    title: str | None
    subtitle: str | None
    body: str
    latest: bool  # the article row itself


def article_versions(connection: sa.Connection, article_id: int) -> list[Version]:
    """Oldest first, the article's current text last; [] for an article id that does not exist."""
    rows = connection.execute(sa.text(statement("versions_list")), {"id": article_id})
    return [Version(*row) for row in rows]


def load_versions(engine: sa.Engine, article_id: int) -> list[Version]:
    with engine.connect() as connection:
        return article_versions(connection, article_id)
