"""Staging in PostgreSQL: every run of a batch gets a schema of its own holding UNLOGGED tables
(see tables.py). The plan step creates it, the learn and clean steps COPY their shards into it
from any host, the publish reads it and drops it in the same transaction.

A shard is written in one transaction that first deletes the shard's earlier rows, so a retried
or re-run shard replaces its own staging and a killed one leaves nothing. Runs that never
publish are dropped once older than the staging time-to-live (drop_abandoned).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from pipeline.core.faults import maybe_hang
from pipeline.ingest.storage import InputFile
from pipeline.store.db import raw_connection, rollback
from pipeline.store.sql import statement
from pipeline.store.tables import ALL_TABLES, INPUTS, StagedTable

STAGE_PREFIX = "newsclean_stage_"
STAGE_TTL = timedelta(days=2)
FLUSH_BYTES = 8 << 20  # COPY a shard's buffered rows every 8 MB: memory stays flat whatever the shard
COPY_READ_CHARS = 1 << 20  # what psycopg2 reads of a COPY buffer at a time (its default: 8 kB)


def stage_schema(batch_id: str, run_token: str) -> str:
    """The staging schema of one run of a batch: fixed-length, lower-case hex, no quoting needed."""
    batch = hashlib.sha256(batch_id.encode("utf-8")).hexdigest()[:12]
    run = hashlib.sha256(run_token.encode("utf-8")).hexdigest()[:12]
    return f"{STAGE_PREFIX}{batch}_{run}"


def copy_value(value: Any) -> str:
    """One field in COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        value = "{" + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value) + "}"
    elif isinstance(value, (bytes, bytearray, memoryview)):
        # "\x" + hex with its backslash escaped, as copy_text would (hex holds nothing else to
        # escape): without four scans of a staged chunk's ~6 kB of hex (issue 27)
        return "\\\\x" + bytes(value).hex()
    return copy_text(str(value))


def copy_text(text: str) -> str:
    """A text field in COPY text format."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:  # rare but for bodies: skip the copies
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def copy_line(values: Sequence[Any]) -> str:
    """One row in COPY text format, without the shard column and the newline."""
    return "\t".join(map(copy_value, values))


@contextmanager
def stage_transaction(engine: sa.Engine, stage: str) -> Iterator[Any]:
    """A cursor in one transaction whose unqualified stage_* names resolve in the run's schema."""
    with raw_connection(engine) as connection:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL TIME ZONE 'UTC'")
                cursor.execute(f"SET LOCAL search_path = {stage}, public")
                yield cursor
            connection.commit()
        except BaseException:
            rollback(connection)
            raise


def create_stage(
    engine: sa.Engine,
    stage: str,
    batch_id: str,
    input_path: str,
    shards: Sequence[Sequence[InputFile]],
    session_held: bool = False,
) -> None:
    """(Re)create the run's schema with every staged table, and record its shards' inputs.
    session_held: the run is one process holding hold_stage(stage) while it lives."""
    with stage_transaction(engine, stage) as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {stage} CASCADE")
        cursor.execute(f"CREATE SCHEMA {stage}")
        for table in ALL_TABLES:
            cursor.execute(table.create_sql())
        writer = RowWriter(cursor)
        seq = 0
        for shard, inputs in enumerate(shards):
            for item in inputs:
                writer.add(INPUTS, shard, (seq, item.location, item.name, item.size, item.refused))
                seq += 1
        writer.flush()
        cursor.execute(
            statement("register_stage"),
            {"stage": stage, "batch": batch_id, "input": input_path, "shards": len(shards), "held": session_held},
        )


def shard_inputs(engine: sa.Engine, stage: str, shard: int) -> list[InputFile]:
    with stage_transaction(engine, stage) as cursor:
        cursor.execute(
            "SELECT location, name, bytes, refused FROM stage_inputs WHERE shard = %s ORDER BY seq", (shard,)
        )
        return [InputFile(*row) for row in cursor.fetchall()]


@contextmanager
def shard_writer(engine: sa.Engine, stage: str, shard: int, tables: Sequence[StagedTable]) -> Iterator[ShardWriter]:
    """Write one shard's rows of the given tables, replacing the shard's earlier rows, atomically."""
    with stage_transaction(engine, stage) as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table.table} WHERE shard = %s", (shard,))
        writer = ShardWriter(cursor, shard)
        yield writer
        writer.flush()


class RowWriter:
    """Buffers rows per staged table in COPY text format and COPYs them every FLUSH_BYTES."""

    def __init__(self, cursor: Any, flush_bytes: int = FLUSH_BYTES) -> None:
        self.cursor = cursor
        self.flush_bytes = flush_bytes
        # per table, its lines as written (joined once per COPY, not appended to a stream line by line)
        self.buffers: dict[str, tuple[StagedTable, list[str]]] = {}
        self.buffered = 0
        self.rows = 0

    def add(self, table: StagedTable, shard: int, values: Sequence[Any]) -> None:
        self.add_lines(table, shard, [copy_line(values)])

    def add_lines(self, table: StagedTable, shard: int, lines: Sequence[str]) -> None:
        """Rows already in COPY text format (copy_line), without their shard column."""
        if not lines:
            return
        prefix = f"{shard}\t"
        text = prefix + f"\n{prefix}".join(lines) + "\n"
        buffer = self.buffers.get(table.name)
        if buffer is None:
            buffer = self.buffers[table.name] = (table, [])
        buffer[1].append(text)
        self.buffered += len(text)
        self.rows += len(lines)
        if self.buffered >= self.flush_bytes:
            self.flush()

    def flush(self) -> None:
        for table, texts in self.buffers.values():
            # read in large pieces: psycopg2 calls read() once per `size` characters
            self.cursor.copy_expert(table.copy_sql(), io.StringIO("".join(texts)), size=COPY_READ_CHARS)
        self.buffers.clear()
        self.buffered = 0


class ShardWriter(RowWriter):
    """A RowWriter bound to one shard."""

    def __init__(self, cursor: Any, shard: int, flush_bytes: int = FLUSH_BYTES) -> None:
        super().__init__(cursor, flush_bytes)
        self.shard = shard

    def write(self, table: StagedTable, values: Sequence[Any]) -> None:
        self.add(table, self.shard, values)

    def write_lines(self, table: StagedTable, lines: Sequence[str]) -> None:
        self.add_lines(table, self.shard, lines)

    def flush(self) -> None:
        super().flush()
        maybe_hang("copy")


def drop_stage(cursor: Any, stage: str) -> None:
    cursor.execute(f"DROP SCHEMA IF EXISTS {stage} CASCADE")
    cursor.execute("DELETE FROM staging_runs WHERE stage_schema = %s", (stage,))


@contextmanager
def hold_stage(engine: sa.Engine, stage: str) -> Iterator[None]:
    """Hold the run's session lock for as long as the (single-process) run lives: once the process
    is gone, however it ended, the lock is free and the next plan drops the run's staging."""
    with _autocommit(engine) as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (stage,))
        try:
            yield
        finally:
            try:
                cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (stage,))
            except Exception:  # the server may be gone; so is the lock then
                pass


@contextmanager
def _autocommit(engine: sa.Engine) -> Iterator[Any]:
    """A cursor outside any transaction, on a pooled connection given back as it was found."""
    with raw_connection(engine) as connection:
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                yield cursor
        finally:
            if not connection.closed:
                connection.autocommit = False


def drop_abandoned(engine: sa.Engine, older_than: timedelta = STAGE_TTL) -> list[str]:
    """Drop the staging of runs that will never publish: planned longer ago than older_than, or
    single-process runs whose process is gone (their session lock is free)."""
    dropped = []
    with _autocommit(engine) as cursor:
        cursor.execute(statement("abandoned_stages"), {"seconds": older_than.total_seconds()})
        for stage, check_lock in cursor.fetchall():
            if check_lock:
                cursor.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (stage,))
                if not cursor.fetchone()[0]:
                    continue  # its process is alive
            cursor.execute("BEGIN")
            drop_stage(cursor, stage)
            cursor.execute("COMMIT")
            if check_lock:
                cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (stage,))
            dropped.append(stage)
    return dropped
