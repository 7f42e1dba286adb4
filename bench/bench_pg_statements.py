"""PostgreSQL's CPU per statement of one batch: where the server's share of a run goes.

Usage: python bench/bench_pg_statements.py [--articles 20000] [--top 25] [--rerun] [--dump FILE]

The embedded server's wheel carries no pg_stat_statements, so the server's CPU is read from /proc
instead: every connection of the run gets a cursor that reads its backend's on-CPU time
(/proc/<pid>/schedstat, nanoseconds) when a statement starts, and charges the time the backend
used until the connection's next statement (or commit) to that statement — the rows a server-side
cursor streams are charged to the statement that opened it. The batch runs in this process on one
worker (the pool's workers would open connections this process cannot trace), so the figures are
for a serial run; the server's background processes (checkpointer, WAL writer, autovacuum) are the
rest of the server's CPU over the run. The server must run on this machine.

The batch is bench_scale's generated corpus (--articles, 10 sources, 2 % syndicated) in a fresh
database newsclean_pgstat (DATABASE_URL's server when set). --rerun publishes the same batch again
(nothing changed) and traces that run too. --dump writes every public table of the result, ordered,
timestamps left out (scripts/dump_published.py), to compare the published rows of two versions.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import psycopg2.extensions  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from bench_scale import emptied_database, postgres_cpu, postmaster_pid, process_stats, server_settings, write_batch  # noqa: E402

from pipeline.run.runner import run_batch  # noqa: E402
from pipeline.store.db import create_engine, embedded_url, normalize_url  # noqa: E402

DATABASE = "newsclean_pgstat"
# Stage schema names, numbers and literals vary per run; a statement is known by its shape.
_VARYING = re.compile(r"newsclean_stage_[0-9a-f_]+|\b\d+\b|'[^']*'")


class Ledger:
    """CPU nanoseconds and calls per statement shape, over every traced connection."""

    def __init__(self) -> None:
        self.nanoseconds: dict[str, int] = defaultdict(int)
        self.calls: dict[str, int] = defaultdict(int)
        self.open: dict[int, tuple[str, int]] = {}  # backend pid -> (statement, on-CPU ns at its start)

    def start(self, pid: int, label: str) -> None:
        self.close(pid)
        self.open[pid] = (label, on_cpu(pid))
        self.calls[label] += 1

    def close(self, pid: int) -> None:
        if pid in self.open:
            label, started = self.open.pop(pid)
            self.nanoseconds[label] += on_cpu(pid) - started


LEDGER = Ledger()


def on_cpu(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, IndexError, ValueError):
        return 0


def shape(sql: Any) -> str:
    text = sql.decode() if isinstance(sql, bytes) else str(sql)
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("--")]
    return _VARYING.sub("?", " ".join(" ".join(lines).split()))[:110]


class TracingCursor(psycopg2.extensions.cursor):  # type: ignore[misc]
    def execute(self, query: Any, vars: Any = None) -> Any:  # noqa: A002 - psycopg2's name
        # A file of several statements (sql/store/*.sql) is run one statement at a time, so that
        # each is charged on its own; the last one's result is the cursor's, as for the whole file.
        result = None
        for part in statements(query):
            LEDGER.start(self.connection.get_backend_pid(), shape(part))
            result = super().execute(part, vars)
        return result

    def copy_expert(self, sql: Any, file: Any, size: int = 8192) -> Any:
        LEDGER.start(self.connection.get_backend_pid(), shape(sql))
        return super().copy_expert(sql, file, size)


def statements(query: Any) -> list[Any]:
    if not isinstance(query, str) or self_named(query):
        return [query]
    parts = [part for part in re.split(r";\s*\n", query) if shape(part)]
    return parts or [query]


def self_named(query: str) -> bool:
    """Statements that must stay whole: a function body or a DO block holds semicolons."""
    return "$$" in query


class TracingConnection(psycopg2.extensions.connection):  # type: ignore[misc]
    def cursor(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cursor_factory", TracingCursor)
        return super().cursor(*args, **kwargs)

    def commit(self) -> None:
        LEDGER.start(self.get_backend_pid(), "COMMIT")
        super().commit()
        LEDGER.close(self.get_backend_pid())

    def rollback(self) -> None:
        LEDGER.start(self.get_backend_pid(), "ROLLBACK")
        super().rollback()
        LEDGER.close(self.get_backend_pid())


class Background:
    """On-CPU time of the server's own processes (checkpointer, WAL writer, autovacuum, ...), by
    role, sampled every 0.2 s from /proc: a short-lived autovacuum worker's last fraction of a
    second is missed."""

    ROLES = ("autovacuum", "checkpointer", "walwriter", "background writer", "logical", "stats")

    def __init__(self, postmaster: int | None) -> None:
        self.postmaster = postmaster
        self.last: dict[int, tuple[str, int]] = {}
        # what the processes running before the run had used already (later ones start at 0)
        self.first = {pid: used for pid, (_, used) in self._roles().items()}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _roles(self) -> dict[int, tuple[str, int]]:
        found = {}
        for pid, fields in process_stats().items():
            if int(fields[1]) != self.postmaster:
                continue
            try:
                title = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            role = next((r for r in self.ROLES if r in title), None)
            if role:
                found[pid] = (role, on_cpu(pid))
        return found

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.last.update(self._roles())
            time.sleep(0.2)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self.last.update(self._roles())
        used: dict[str, float] = defaultdict(float)
        for pid, (role, nanoseconds) in self.last.items():
            used[role] += (nanoseconds - self.first.get(pid, 0)) / 1e9
        return dict(used)


def fresh_database() -> sa.URL:
    url = normalize_url(os.environ["DATABASE_URL"]).set(database=DATABASE) if "DATABASE_URL" in os.environ else None
    return emptied_database(url or embedded_url(DATABASE))


def traced_run(url: sa.URL, folder: Path, batch: str, postmaster: int | None, articles: int, top: int) -> None:
    LEDGER.nanoseconds.clear()
    LEDGER.calls.clear()
    engine = create_engine(url, connect_args={"connection_factory": TracingConnection})
    server_before, started = postgres_cpu(postmaster), time.perf_counter()
    background = Background(postmaster)
    report = run_batch(engine, folder, batch, workers=1)
    background_used = background.stop()
    for pid in list(LEDGER.open):
        LEDGER.close(pid)
    engine.dispose()
    wall, server_after = time.perf_counter() - started, postgres_cpu(postmaster)
    traced = sum(LEDGER.nanoseconds.values()) / 1e9
    server = (server_after - server_before) if server_before is not None and server_after is not None else None
    print(f"batch {batch}: {articles:,} articles, {report.articles} loaded, wall {wall:.1f} s, "
          f"publish {report.timings['publish']:.1f} s")  # fmt: skip
    print(f"  server CPU {server if server is None else f'{server:.2f} s'} "
          f"({'n/a' if server is None else f'{1000 * server / articles:.3f}'} ms/article); "
          f"traced statements {traced:.2f} s ({1000 * traced / articles:.3f} ms/article); "
          "the rest: background processes and connection set-up")  # fmt: skip
    print("  background: " + ", ".join(f"{role} {seconds:.2f} s" for role, seconds in sorted(background_used.items())))
    ranked = sorted(LEDGER.nanoseconds.items(), key=lambda item: -item[1])
    print(f"  {'CPU s':>7} {'ms/art':>7} {'share':>6} {'calls':>6}  statement")
    for label, nanoseconds in ranked[:top]:
        seconds = nanoseconds / 1e9
        print(f"  {seconds:>7.2f} {1000 * seconds / articles:>7.3f} {seconds / max(traced, 1e-9):>6.1%} "
              f"{LEDGER.calls[label]:>6}  {label}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--rerun", action="store_true", help="publish the same batch again and trace that too")
    parser.add_argument("--dump", type=Path, help="write the published tables here (scripts/dump_published.py)")
    args = parser.parse_args()
    url = fresh_database()
    keeper = create_engine(url).connect()  # keeps the embedded server's CPU counters going
    postmaster = postmaster_pid(url)
    print("server: " + server_settings(keeper))
    # A fixed folder: the ledger records the input path, and dumps of two versions must compare.
    folder = Path(tempfile.gettempdir()) / f"newsclean-bench-pgstat-{args.articles}" / "b000"
    shutil.rmtree(folder.parent, ignore_errors=True)
    write_batch(folder, 0, args.articles, 500, random.Random(11))
    articles = args.articles + args.articles // 50
    traced_run(url, folder, "b000", postmaster, articles, args.top)
    if args.rerun:
        traced_run(url, folder, "b000", postmaster, articles, args.top)
    shutil.rmtree(folder.parent, ignore_errors=True)
    if args.dump:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
        from dump_published import dump_tables

        args.dump.write_text(dump_tables(url))
        print(f"published tables written to {args.dump}")
    keeper.close()


if __name__ == "__main__":
    main()
