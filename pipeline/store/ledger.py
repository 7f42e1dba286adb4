"""The batch ledger: one row per batch, opened by a run's plan and closed by its publish or failure."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from pipeline.store.sql import statement


def start_batch(engine: sa.Engine, batch_id: str, input_path: str) -> None:
    """Record the run in the ledger (its own small transaction, visible at once)."""
    with engine.begin() as connection:
        connection.execute(sa.text(statement("ledger_start")), {"b": batch_id, "p": input_path})


def fail_batch(engine: sa.Engine, batch_id: str, error: str) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text(statement("ledger_fail")), {"b": batch_id, "e": error[:2000]})


def record_cleaning_config(engine: sa.Engine, digest: str, version: str, parts: Any) -> None:
    """Record what a cleaning digest covers (once per digest; every shard of a run asks)."""
    with engine.begin() as connection:
        connection.execute(
            sa.text(statement("record_cleaning_config")), {"d": digest, "v": version, "p": json.dumps(parts)}
        )
