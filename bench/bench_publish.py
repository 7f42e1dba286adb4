"""The publish alone, repeated on one staged batch: its server CPU per phase and per statement.

Usage: python bench/bench_publish.py [--articles 10000] [--repeat 2] [--workers 2] [--restage] [--digest]

bench_pg_statements.py traces a whole run, so every try of a publish change at 200k articles
would first learn and clean the batch again (~10 min on 2 loaded cores). This bench stages the
batch once (bench_scale's generated corpus: --articles, 10 sources, 2 % syndicated; learn and
clean on --workers processes), keeps a copy of the staging and of the corpus tables as they are
just before the publish in a schema of its own (newsclean_pubbench_<articles>, in database
newsclean_pubbench, or --database), and then, for each repeat, recreates the empty corpus (migrations), puts the
pre-publish rows and the staging back, checkpoints, and runs the publish of the code on
PYTHONPATH (pipeline.store.publish.publish_run), timing:
- the publish backend's on-CPU time (/proc/<pid>/schedstat), per phase and in all, per article;
- per statement (bench_pg_statements' tracing cursor), the top --top;
- the size of the full-text GIN index after the publish, and the CPU of merging the pages its
  pending list still holds (gin_clean_pending_list, right after the publish: autovacuum's work
  otherwise, outside the publish); --gin "fastupdate = off" (or
  "gin_pending_list_limit = 2000000") sets that index's storage options before the publish, which
  take precedence over the publish's SET LOCAL: where the pending list is merged shows in the CPU.
The kept copy is reused by later runs with the same --articles (--restage makes it again), so two
versions of the code can alternate on the same staged batch: run this script with PYTHONPATH at
another checkout (e.g. a worktree of main) for the other side. --digest prints one md5 per public
table of the published corpus (rows digested in the server, clock columns aside), to check that
two versions published the same bytes.
The server is DATABASE_URL's when set (it must run on this machine), else the embedded one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sqlalchemy as sa  # noqa: E402
from bench_pg_statements import LEDGER, TracingConnection, TracingCursor, on_cpu, shape, statements  # noqa: E402
from bench_scale import emptied_database, server_settings, write_batch  # noqa: E402
from compare_published import CLOCK_COLUMNS  # noqa: E402

from pipeline.run import flow  # noqa: E402
from pipeline.run.runner import _each_shard, _executor, _Progress  # noqa: E402
from pipeline.store.db import create_engine, embedded_url, normalize_url, raw_connection  # noqa: E402
from pipeline.store.publish import publish_run  # noqa: E402

DATABASE = "newsclean_pubbench"
BATCH = "b000"
# The staging the publish never reads (the learn step's, merged before the publish).
UNREAD_STAGE = {"stage_parsed", "stage_lines", "stage_sources"}
GIN_INDEX = "articles_search_idx"


def bench_url(database: str) -> sa.URL:
    url = os.environ.get("DATABASE_URL")
    return normalize_url(url).set(database=database) if url else embedded_url(database)


def kept_schema(articles: int) -> str:
    return f"newsclean_pubbench_{articles}"


def query(engine: sa.Engine, sql: str, **params: Any) -> list[Any]:
    with engine.begin() as connection:
        result = connection.execute(sa.text(sql), params)
        return list(result) if result.returns_rows else []


def public_tables(engine: sa.Engine) -> list[str]:
    rows = query(engine, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    return [name for (name,) in rows if name != "schema_migrations"]


def stage_and_keep(url: sa.URL, articles: int, workers: int) -> None:
    """Learn and clean a generated batch, and keep its staging and pre-publish corpus rows."""
    emptied_database(url)
    engine = create_engine(url)
    keep = kept_schema(articles)
    query(engine, f"DROP SCHEMA IF EXISTS {keep} CASCADE")
    # A fixed folder: the ledger records the input path.
    folder = Path(tempfile.gettempdir()) / f"newsclean-bench-publish-{articles}" / BATCH
    shutil.rmtree(folder.parent, ignore_errors=True)
    write_batch(folder, 0, articles, 500, random.Random(11))
    started = time.perf_counter()
    run = flow.plan(engine, BATCH, folder, f"pubbench-{articles}")
    with _executor(engine, workers, run.shards) as pool:
        _each_shard(pool, "learn", run, [], _Progress(False).bar(run.shards, "learn", "shard"))
        flow.merge_learned(engine, run)
        _each_shard(pool, "clean", run, [], _Progress(False).bar(run.files, "clean", "file"))
    print(f"staged {articles:,} generated articles in {time.perf_counter() - started:.0f} s", flush=True)
    query(engine, f"CREATE SCHEMA {keep}")
    for table in public_tables(engine):  # those with rows: the learned lines, the ledger, the staging's record
        if query(engine, f"SELECT EXISTS (SELECT FROM public.{table})")[0][0]:
            query(engine, f"CREATE TABLE {keep}.public_{table} AS SELECT * FROM public.{table}")
    for (table,) in query(engine, "SELECT tablename FROM pg_tables WHERE schemaname = :s", s=run.stage):
        if table not in UNREAD_STAGE:
            query(engine, f"CREATE TABLE {keep}.{table} AS SELECT * FROM {run.stage}.{table}")
    query(engine, f"CREATE TABLE {keep}.run AS SELECT CAST(:run AS text) AS run", run=json.dumps(run.to_json()))
    shutil.rmtree(folder.parent, ignore_errors=True)
    engine.dispose()


def staged_columns(engine: sa.Engine, schema: str, table: str) -> str:
    """The kept staging's columns, its copy ids in the encoding of the code on PYTHONPATH (kept as
    (shard << 32) | number, the encoding before SHARD_BITS): the same batch as that code stages it."""
    columns = [c for (c,) in query(engine, "SELECT column_name FROM information_schema.columns WHERE table_schema = :s"
                                   " AND table_name = :t ORDER BY ordinal_position", s=schema, t=table)]  # fmt: skip
    bits = getattr(flow, "SHARD_BITS", None)
    recoded = f"((copy_id & 4294967295) << {bits}) | (copy_id >> 32) AS copy_id" if bits else "copy_id"
    return ", ".join(recoded if c == "copy_id" else c for c in columns)


def restore(url: sa.URL, articles: int) -> flow.BatchRun:
    """A fresh corpus as it was just before the publish, with the run's staging."""
    emptied_database(url)
    engine = create_engine(url)
    keep = kept_schema(articles)
    run = flow.BatchRun.from_json(json.loads(query(engine, f"SELECT run FROM {keep}.run")[0][0]))
    query(engine, f"CREATE SCHEMA {run.stage}")
    for (table,) in query(engine, "SELECT tablename FROM pg_tables WHERE schemaname = :s AND tablename <> 'run'",
                          s=keep):  # fmt: skip
        if table.startswith("public_"):
            query(engine, f"INSERT INTO public.{table[7:]} OVERRIDING SYSTEM VALUE SELECT * FROM {keep}.{table}")
        else:
            query(
                engine,
                f"CREATE TABLE {run.stage}.{table} AS SELECT {staged_columns(engine, keep, table)} FROM {keep}.{table}",
            )
    staged = ", ".join(f"{run.stage}.{t}" for t in stage_tables(engine, run.stage))
    with engine.connect() as connection:
        # as autovacuum would have left a staging of minutes; no checkpoint left for the publish
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.execute(sa.text(f"VACUUM ANALYZE {staged}"))
        connection.execute(sa.text("CHECKPOINT"))
    engine.dispose()
    return run


def stage_tables(engine: sa.Engine, stage: str) -> list[str]:
    return [t for (t,) in query(engine, "SELECT tablename FROM pg_tables WHERE schemaname = :s", s=stage)]


EXPLAINED = ("INSERT", "CREATE TEMP TABLE", "DELETE", "UPDATE")


class ExplainingCursor(TracingCursor):
    """Runs the publish's writing statements under EXPLAIN (ANALYZE, BUFFERS) and prints each plan
    that took over --explain seconds (the statements still do their work)."""

    threshold = 0.0

    def execute(self, query: Any, vars: Any = None) -> Any:  # noqa: A002 - psycopg2's name
        result = None
        for part in statements(query):
            text = part if isinstance(part, str) else part.decode()
            upper = " ".join(line for line in text.splitlines() if not line.lstrip().startswith("--")).strip().upper()
            if (
                not upper.startswith(EXPLAINED)
                or "RETURNING" in upper
                or (upper.startswith("CREATE") and " AS" not in upper)
            ):
                result = super().execute(part, vars)
                continue
            started = time.perf_counter()
            super().execute("EXPLAIN (ANALYZE, BUFFERS) " + text.lstrip(), vars)
            plan = "\n".join(row[0] for row in self.fetchall())
            if time.perf_counter() - started >= self.threshold:
                print(f"--- {shape(part)}\n{plan}", flush=True)
        return result


class ExplainingConnection(TracingConnection):
    def cursor(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cursor_factory", ExplainingCursor)
        return super().cursor(*args, **kwargs)


def timed_publish(
    url: sa.URL, run: flow.BatchRun, articles: int, top: int, explain: float | None, perf_file: str | None
) -> dict[str, Any]:
    LEDGER.nanoseconds.clear()
    LEDGER.calls.clear()
    # One pooled connection: the publish's backend is the one whose pid is read here.
    ExplainingCursor.threshold = explain or 0.0
    factory = TracingConnection if explain is None else ExplainingConnection
    engine = create_engine(url, connect_args={"connection_factory": factory}, pool_size=1, max_overflow=0)
    with raw_connection(engine) as connection:
        pid = connection.get_backend_pid()
        connection.rollback()
    phases: list[tuple[str, int]] = []

    def on_phase(name: str) -> None:
        phases.append((name, on_cpu(pid)))

    perf = None
    if perf_file:  # a sampling profile of the publish's backend (perf must be installed; root or the server's user)
        perf = subprocess.Popen(["perf", "record", "-F", "499", "-p", str(pid), "-o", perf_file, "--quiet"])
        time.sleep(1)
    started_cpu, started = on_cpu(pid), time.perf_counter()
    counts = publish_run(engine, run.batch_id, run.stage, run.files, on_phase=on_phase)
    if perf:
        perf.send_signal(signal.SIGINT)
        perf.wait()
    wall, cpu = time.perf_counter() - started, on_cpu(pid) - started_cpu
    phases.append(("end", on_cpu(pid)))
    for backend in list(LEDGER.open):
        LEDGER.close(backend)
    engine.dispose()
    merged_pages, merge_cpu = merge_pending_list(url)
    per_phase = {name: (phases[i + 1][1] - used) / 1e9 for i, (name, used) in enumerate(phases[:-1])}
    gin_size = query(create_engine(url), f"SELECT pg_size_pretty(pg_relation_size('{GIN_INDEX}'))")[0][0]
    print(f"publish of {articles:,} articles: wall {wall:.1f} s, backend CPU {cpu / 1e9:.2f} s = "
          f"{1e3 * cpu / 1e9 / articles:.3f} ms/article; load {os.getloadavg()[0]:.1f}; "
          f"written {counts['articles_written']:,}; full-text index {gin_size}", flush=True)  # fmt: skip
    ranked = sorted(per_phase.items(), key=lambda item: -item[1])
    print("  phases (CPU s, ms/article): " + "; ".join(
        f"{name} {s:.2f} {1000 * s / articles:.3f}" for name, s in ranked[:10]))  # fmt: skip
    print(f"  after the publish: the full-text pending list held {merged_pages:,} pages; merging them took "
          f"{merge_cpu:.2f} s = {1000 * merge_cpu / articles:.3f} ms/article (autovacuum's, otherwise)")  # fmt: skip
    print(f"  {'CPU s':>7} {'ms/art':>7} {'calls':>6}  statement")
    for label, nanoseconds in sorted(LEDGER.nanoseconds.items(), key=lambda item: -item[1])[:top]:
        print(
            f"  {nanoseconds / 1e9:>7.2f} {1e3 * nanoseconds / 1e9 / articles:>7.3f} {LEDGER.calls[label]:>6}  {label}"
        )
    return {"cpu": cpu / 1e9, "wall": wall, "phases": per_phase}


def merge_pending_list(url: sa.URL) -> tuple[int, float]:
    """Merge what the publish left in the full-text index's pending list (autovacuum would, soon
    after the publish): the pages merged and the CPU seconds of the merge."""
    engine = create_engine(url)
    with engine.connect() as connection:
        pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        before = on_cpu(pid)
        pages = connection.execute(sa.text(f"SELECT gin_clean_pending_list('{GIN_INDEX}')")).scalar_one()
        used = (on_cpu(pid) - before) / 1e9
        connection.commit()
    engine.dispose()
    return int(pages), used


def table_digests(url: sa.URL) -> dict[str, str]:
    """md5 per public table: each row's md5 (clock columns aside), sorted, hashed again."""
    engine = create_engine(url)
    digests = {}
    for table in public_tables(engine):
        columns = [c for (c,) in query(engine, "SELECT column_name FROM information_schema.columns WHERE "
                                       "table_schema = 'public' AND table_name = :t ORDER BY ordinal_position",
                                       t=table)]  # fmt: skip
        kept = [c for c in columns if c not in CLOCK_COLUMNS.get(table, set())]
        row = "ROW(" + ", ".join(f'"{c}"' for c in kept) + ")::text"
        hashed = f"SELECT md5({row}) h FROM {table}"
        sql = f"SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) FROM ({hashed}) t"
        rows, digest = query(engine, sql)[0]
        digests[table] = f"{rows} {digest}"
    engine.dispose()
    return digests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--restage", action="store_true", help="stage the batch again")
    parser.add_argument("--gin", help='storage options of the full-text index, e.g. "fastupdate = off"')
    parser.add_argument("--database", default=DATABASE, help="never one another bench is using")
    parser.add_argument("--explain", type=float, help="print the plans of statements slower than this (s)")
    parser.add_argument("--perf", help="write a perf profile of the publish's backend here")
    parser.add_argument("--digest", action="store_true", help="print an md5 per public table after the publish")
    args = parser.parse_args()
    url = bench_url(args.database)
    engine = create_engine(url)
    with engine.connect() as connection:
        print("server: " + server_settings(connection))
    # the run's row is kept last: a staging cut short is made again
    kept = query(engine, "SELECT to_regclass(:t) IS NOT NULL", t=f"{kept_schema(args.articles)}.run")[0][0]
    engine.dispose()
    if args.restage or not kept:
        stage_and_keep(url, args.articles, args.workers)
    articles = args.articles + args.articles // 50
    print(f"code: {Path(flow.__file__).resolve().parent.parent.parent}")
    for _ in range(args.repeat):
        run = restore(url, args.articles)
        if args.gin:
            query(create_engine(url), f"ALTER INDEX {GIN_INDEX} SET ({args.gin})")
        timed_publish(url, run, articles, args.top, args.explain, args.perf)
    if args.digest:
        for table, digest in table_digests(url).items():
            print(f"  digest {table}: {digest}")


if __name__ == "__main__":
    main()
