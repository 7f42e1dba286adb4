"""A small migration runner: sql/migrations/NNNN_verb_noun.sql applied in order, once each.

A migration that must compute what SQL cannot (MinHash signatures of stored bodies) is a
NNNN_verb_noun.py beside the others with a function upgrade(connection) that receives the
psycopg2 connection of the same transaction.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from pipeline.store.sql import sql_dir

MIGRATIONS_DIR = sql_dir("migrations")
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.(sql|py)$")
# Serializes concurrent migrators (two DAG tasks starting at once) on one database.
_LOCK_ID = 7_311_001


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted([*directory.glob("*.sql"), *directory.glob("*.py")]):
        match = _NAME.match(path.name)
        if not match:
            raise ValueError(f"{path}: migration files are named NNNN_verb_noun.sql (or .py)")
        migrations.append(Migration(int(match.group(1)), path.stem, path))
    migrations.sort(key=lambda m: m.version)
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise ValueError(f"{directory}: two migrations share a number")
    return migrations


def migrate(engine: sa.Engine, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply pending migrations in one transaction (all or none); returns the names applied."""
    applied_now = []
    with engine.begin() as connection:
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        connection.execute(
            sa.text(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
        )
        done = set(connection.execute(sa.text("SELECT version FROM schema_migrations")).scalars())
        for migration in discover(directory):
            if migration.version in done:
                continue
            if migration.path.suffix == ".py":
                _run_python(migration, connection)
            else:  # through the driver's cursor with no parameters: '%' in SQL (format('%I')) stays as it is
                driver = connection.connection.driver_connection
                assert driver is not None
                with driver.cursor() as cursor:
                    cursor.execute(migration.path.read_text(encoding="utf-8"))
            connection.execute(
                sa.text("INSERT INTO schema_migrations (version, name) VALUES (:v, :n)"),
                {"v": migration.version, "n": migration.name},
            )
            applied_now.append(migration.name)
    return applied_now


def _run_python(migration: Migration, connection: sa.Connection) -> None:
    spec = importlib.util.spec_from_file_location(f"newsclean_migration_{migration.version}", migration.path)
    if spec is None or spec.loader is None:
        raise ValueError(f"{migration.path}: cannot load")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.upgrade(connection.connection.driver_connection)
