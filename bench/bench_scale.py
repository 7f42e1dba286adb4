"""End to end at scale: N generated articles, in batches, through `pipeline run` into PostgreSQL.

Usage: python bench/bench_scale.py [--articles 1000000] [--batch-size 100000] [--workers N]
                                   [--per-file 500] [--clean-sample 10000] [--phases] [--keep]

Each batch is written (outside the timed region) as JSONL files of --per-file articles from 10
sources, each with a footer line of its own, 2 % of stories syndicated to a second source. Each
batch then runs as `python -m pipeline run --workers N --json` in a process of its own, and the
benchmark prints per batch:
- articles/s end to end, and the time of each step (learn, clean, publish);
- the peak RSS of every process of the run (the CLI and its workers, from /proc VmHWM);
- the single-process clean rate of the same files (`pipeline clean --json` on the first
  --clean-sample articles of the batch, 0 = all of them), and end to end as a ratio of it;
- the COPY floor: the batch's rows (articles, paragraphs, captions, removals, signatures, LSH
  bands) COPYed into unindexed tables of the same columns, and the publish as a ratio of it;
- the publish per article: its wall time, and the server CPU of its backend (PublishCpu);
- where the CPU goes, per article: the run's own processes (CLI and workers, from getrusage of
  reaped children), the PostgreSQL server's processes (from /proc, when the server runs on this
  machine), the single-process clean; and the ceiling those put on end to end vs single-process
  clean with this many cores: cores x (1-process seconds per article) / (CPU seconds per article of
  the whole run). No scheduling can beat it; only less work per article can.
It first prints the server's version and the settings a load depends on (shared_buffers,
max_wal_size, checkpoint_timeout, synchronous_commit, wal_level).
Uses DATABASE_URL when set, else a newsclean_bench database on the embedded server (its schema is
dropped and recreated).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sqlalchemy as sa  # noqa: E402
from corpus import noisy_article  # noqa: E402

from pipeline.run.flow import default_workers  # noqa: E402
from pipeline.store.db import create_engine, embedded_url, normalize_url, raw_connection  # noqa: E402
from pipeline.store.migrate import migrate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [f"outlet{n}" for n in range(10)]
FLOOR_TABLES = {
    "articles": "SELECT * FROM articles WHERE batch_id = %(b)s",
    "paragraphs": "SELECT p.* FROM paragraphs p JOIN articles a USING (article_id) WHERE a.batch_id = %(b)s",
    "captions": "SELECT c.* FROM captions c JOIN articles a USING (article_id) WHERE a.batch_id = %(b)s",
    "removals": "SELECT r.* FROM removals r JOIN articles a USING (article_id) WHERE a.batch_id = %(b)s",
    "article_signatures": "SELECT s.* FROM article_signatures s JOIN articles a USING (article_id)"
    " WHERE a.batch_id = %(b)s",
    "lsh_bands": "SELECT l.* FROM lsh_bands l JOIN articles a USING (article_id) WHERE a.batch_id = %(b)s",
}


def bench_url() -> sa.URL:
    url = os.environ.get("DATABASE_URL")
    return emptied_database(normalize_url(url) if url else embedded_url("newsclean_bench"))


def emptied_database(url: sa.URL) -> sa.URL:
    """The database at url with no table and no staging left, migrated to the current schema."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
        for (schema,) in connection.execute(
            sa.text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'newsclean_stage_%'")
        ):
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    migrate(engine)
    engine.dispose()
    return url


def write_batch(folder: Path, number: int, size: int, per_file: int, rng: random.Random) -> None:
    folder.mkdir(parents=True)
    handle = None
    for i in range(size):
        if i % per_file == 0:
            if handle:
                handle.close()
            handle = open(folder / f"part{i // per_file:05d}.jsonl", "w", encoding="utf-8")
        source = SOURCES[i % len(SOURCES)]
        text = noisy_article(rng, number * size + i)
        footer = f"\n\nRead {source} every morning: the {source} daily edition is in your inbox at six."
        record = {"id": f"{number}-{i}", "source": source, "text": text + footer}
        handle.write(json.dumps(record) + "\n")  # type: ignore[union-attr]
        if i % 50 == 0:  # syndicated: another source runs the same story
            other = SOURCES[(i + 1) % len(SOURCES)]
            handle.write(json.dumps({"id": f"{number}-{i}s", "source": other, "text": text}) + "\n")  # type: ignore[union-attr]
    if handle:
        handle.close()


def process_stat(pid: int | str) -> list[str] | None:
    """The fields of /proc/<pid>/stat after "pid (comm)" (comm may hold spaces): [0] state,
    [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime; None when the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def process_stats() -> dict[int, list[str]]:
    """process_stat of every process on this machine."""
    found = ((int(entry.name), process_stat(entry.name)) for entry in Path("/proc").iterdir() if entry.name.isdigit())
    return {pid: fields for pid, fields in found if fields}


class PeakMemory:
    """Peak RSS (VmHWM) of a process and all its descendants, polled from /proc."""

    def __init__(self, pid: int) -> None:
        self.root = pid
        self.peaks: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.is_set():
            for pid in self._tree():
                peak = self._vmhwm(pid)
                if peak:
                    self.peaks[pid] = (self._name(pid), max(peak, self.peaks.get(pid, ("", 0))[1]))
            time.sleep(0.1)

    def _tree(self) -> list[int]:
        parents = {pid: int(fields[1]) for pid, fields in process_stats().items()}
        tree, frontier = [self.root], [self.root]
        while frontier:
            parent = frontier.pop()
            children = [pid for pid, ppid in parents.items() if ppid == parent]
            tree += children
            frontier += children
        return tree

    @staticmethod
    def _vmhwm(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    @staticmethod
    def _name(pid: int) -> str:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            return "worker" if b"multiprocessing" in b" ".join(cmdline) else "cli"
        except OSError:
            return "?"

    def stop(self) -> list[tuple[str, int]]:
        self._stop.set()
        self._thread.join()
        return sorted(self.peaks.values(), key=lambda item: (item[0], -item[1]))


class PublishCpu:
    """The server CPU of the publish, which is serial and one backend's work: the backend holding the
    publish lock (pg_locks, polled), its on-CPU time (/proc/<pid>/schedstat) from when it is first
    seen holding the lock to when it is last seen holding it (each end within one poll). Unlike the
    publish's wall time, it hardly moves with the machine's load. None for a server on another
    machine or a publish shorter than a poll."""

    INTERVAL = 0.05
    HOLDER = (
        "SELECT l.pid FROM pg_locks l, (SELECT hashtextextended('newsclean:publish', 0) AS k) h"
        " WHERE l.locktype = 'advisory' AND l.granted"
        " AND l.classid::bigint = ((h.k >> 32) & 4294967295) AND l.objid::bigint = (h.k & 4294967295)"
    )

    def __init__(self, url: sa.URL) -> None:
        self.engine = create_engine(url)
        self.pid: int | None = None
        self.first = self.last = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        with self.engine.connect() as connection:
            while not self._stop.is_set():
                holder = connection.execute(sa.text(self.HOLDER)).scalar()
                connection.rollback()  # a fresh snapshot of pg_locks each time
                if holder is not None and (self.pid is None or holder == self.pid):
                    on_cpu = backend_cpu_ns(holder)
                    if self.pid is None:
                        self.pid, self.first = holder, on_cpu
                    self.last = max(self.last, on_cpu)
                time.sleep(self.INTERVAL)

    def stop(self) -> float | None:
        self._stop.set()
        self._thread.join()
        self.engine.dispose()
        return (self.last - self.first) / 1e9 if self.pid is not None and self.last > self.first else None


def backend_cpu_ns(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, IndexError, ValueError):
        return 0


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's reaped children and their reaped children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def postmaster_pid(url: sa.URL) -> int | None:
    """The pid of the server's postmaster when it runs on this machine: the parent of our backend
    (read while the connection is open: a closed one's backend exits)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        fields = process_stat(connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())
    engine.dispose()
    return int(fields[1]) if fields else None  # None: a server on another machine (DATABASE_URL)


def postgres_cpu(postmaster: int | None) -> float | None:
    """CPU seconds used so far by the server: the postmaster's and its live children's own time,
    plus what exited children left in the postmaster (it reaps the backends that have ended)."""
    if postmaster is None:
        return None
    ticks = 0
    for pid, fields in process_stats().items():
        if pid == postmaster:
            ticks += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        elif int(fields[1]) == postmaster:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


# The server settings a load's database CPU depends on (issue 27): printed with the figures, so that
# runs on differently tuned servers are not compared as if they were alike.
LOAD_SETTINGS = ("shared_buffers", "max_wal_size", "checkpoint_timeout", "synchronous_commit", "wal_level")


def server_settings(connection: sa.Connection) -> str:
    version = connection.execute(sa.text("SHOW server_version")).scalar_one()
    shown = (f"{name}={connection.execute(sa.text(f'SHOW {name}')).scalar_one()}" for name in LOAD_SETTINGS)
    return f"PostgreSQL {version}, " + ", ".join(shown)


def run_batch(
    folder: Path, batch: str, workers: int, url: sa.URL
) -> tuple[dict[str, Any], float, list[Any], float | None]:
    env = {**os.environ, "DATABASE_URL": url.render_as_string(hide_password=False)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "--input", str(folder), "--batch", batch,
         "--workers", str(workers), "--json"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    memory, publish_cpu = PeakMemory(process.pid), PublishCpu(url)
    out, err = process.communicate()
    wall = time.perf_counter() - started
    peaks, publish_seconds = memory.stop(), publish_cpu.stop()
    if process.returncode != 0:
        raise SystemExit(f"run failed ({process.returncode}): {err[-2000:]}")
    return json.loads(out), wall, peaks, publish_seconds


def clean_rate(folder: Path, sample: int) -> tuple[int, float, float]:
    """Articles/s of single-process `pipeline clean --json` on the first `sample` articles, and its
    CPU seconds per article."""
    files, count = [], 0
    for path in sorted(folder.glob("*.jsonl")):
        files.append(str(path))
        count += sum(1 for _ in path.open(encoding="utf-8"))
        if sample and count >= sample:
            break
    started, cpu = time.perf_counter(), children_cpu()
    subprocess.run([sys.executable, "-m", "pipeline", "clean", "--json", *files], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return count, count / (time.perf_counter() - started), (children_cpu() - cpu) / count


def copy_floor(url: sa.URL, batch: str) -> float:
    """Seconds to COPY the batch's stored rows into unindexed tables of the same columns."""
    engine = create_engine(url)
    seconds = 0.0
    with raw_connection(engine) as connection, connection.cursor() as cursor:
        for table, query in FLOOR_TABLES.items():
            buffer = io.BytesIO()
            cursor.copy_expert(cursor.mogrify(f"COPY ({query}) TO STDOUT", {"b": batch}).decode(), buffer)
            cursor.execute(f"DROP TABLE IF EXISTS floor_{table}; CREATE TABLE floor_{table} (LIKE {table})")
            connection.commit()
            buffer.seek(0)
            started = time.perf_counter()
            cursor.copy_expert(f"COPY floor_{table} FROM STDIN", buffer)
            connection.commit()
            seconds += time.perf_counter() - started
            cursor.execute(f"DROP TABLE floor_{table}")
            connection.commit()
    engine.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=100_000)
    parser.add_argument("--per-file", type=int, default=500)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--clean-sample", type=int, default=10_000, help="articles for the clean rate; 0 = all")
    parser.add_argument("--phases", action="store_true", help="print each batch's slowest publish phases")
    parser.add_argument("--keep", action="store_true", help="keep the database of a previous run")
    args = parser.parse_args()
    url = bench_url()
    # An open connection keeps the embedded server up between runs, so its CPU counters go on.
    keeper = create_engine(url).connect()
    postmaster = postmaster_pid(url)
    print("server: " + server_settings(keeper))
    rng = random.Random(11)
    batches = max(1, args.articles // args.batch_size)
    print(f"{batches} batch(es) of {args.batch_size:,} articles (+2 % syndicated copies), {args.workers} workers")
    print(f"{'batch':>5} {'corpus':>9} {'wall s':>7} {'art/s':>6} {'learn':>6} {'clean':>6} {'publish':>7} "
          f"{'floor':>6} {'pub/floor':>9} {'clean 1p/s':>10} {'e2e/1p':>6}  peak RSS MB (cli, workers)")  # fmt: skip
    costs = []
    started_all = time.perf_counter()
    for number in range(batches):
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
            folder = Path(tmp) / f"b{number:03d}"
            write_batch(folder, number, args.batch_size, args.per_file, rng)
            own_cpu, server_cpu = children_cpu(), postgres_cpu(postmaster)
            report, wall, peaks, publish_cpu = run_batch(folder, f"b{number:03d}", args.workers, url)
            own_cpu, server_after = children_cpu() - own_cpu, postgres_cpu(postmaster)
            _, single, single_cpu = clean_rate(folder, args.clean_sample)
        floor = copy_floor(url, f"b{number:03d}")
        timings = report["timings"]
        articles = report["articles"] + report["rejected"]
        rate = articles / wall
        costs.append(wall / articles)
        engine = create_engine(url)
        with engine.connect() as connection:
            corpus = connection.execute(sa.text("SELECT count(*) FROM articles")).scalar()
        engine.dispose()
        rss = ", ".join(f"{peak / 2**20:.0f}" for _, peak in peaks)
        print(
            f"{number:>5} {corpus:>9,} {wall:>7.1f} {rate:>6.0f} {timings['learn']:>6.1f} {timings['clean']:>6.1f} "
            f"{timings['publish']:>7.1f} {floor:>6.1f} {timings['publish'] / floor:>9.2f} {single:>10.0f} "
            f"{rate / single:>6.2f}  {rss}",
            flush=True,
        )
        server = server_after - server_cpu if server_cpu is not None and server_after is not None else None
        total_cpu = own_cpu + (server or 0.0)
        ceiling = (os.cpu_count() or 1) * (1 / single) / (total_cpu / articles)
        print(
            f"      CPU ms/article: run {1000 * own_cpu / articles:.2f} + postgres "
            + (f"{1000 * server / articles:.2f}" if server is not None else "n/a")
            + f" = {1000 * total_cpu / articles:.2f}; 1-process clean {1000 * single_cpu:.2f} "
            f"({1000 / single:.2f} wall); e2e/1p ceiling on {os.cpu_count()} cores: {ceiling:.2f}",
            flush=True,
        )
        publish_ms = timings["publish"] * 1000 / articles
        print(f"      publish: {publish_ms:.3f} ms/article wall, server CPU "
              + (f"{publish_cpu * 1000 / articles:.3f} ms/article ({publish_cpu:.1f} s)" if publish_cpu else "n/a")
              + f"; machine load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
        if args.phases:  # where the publish goes: its slowest phases, in seconds
            phases = sorted(timings["publish_phases"].items(), key=lambda item: -item[1])[:6]
            print("      publish phases: " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in phases), flush=True)
    keeper.close()
    total = time.perf_counter() - started_all
    print(f"total {total:.0f} s (generation and side measurements included); "
          f"per-article cost, last batch / first: x{costs[-1] / costs[0]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
