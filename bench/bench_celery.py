"""1 vs 2 Celery workers through the real stack: the check docs/capacity.md asks for (issue 27).

Usage: python bench/bench_celery.py [--articles 20000] [--per-file 500] [--files-per-shard 4]
                                    [--workers 1 2] [--rounds 1] [--concurrency 1]

Writes one folder of generated articles (bench_scale's sources, footers and syndicated copies),
then for each round and each worker count, in turn: starts the stack as `make stack` does
(`scripts/stack.sh`: redis, the embedded PostgreSQL, api-server, scheduler, dag-processor,
triggerer and N Celery workers of --concurrency task slots each), empties the articles database,
triggers `clean_articles` for the folder through the REST API as a user does, waits for the run,
and stops the stack with Ctrl-C. Per run it prints:
- the run's wall time (dag_run start to end) and articles/s;
- the time of each task kind summed over its task instances (learn, merge_learned, clean, publish,
  the rest), and how many task instances each worker ran;
- the CPU seconds of the stack's processes (Airflow's and the workers', reaped children included)
  and of the PostgreSQL server during the run.
Then the capacity model's prediction of the wider run from the narrower one, beside what was
measured: every task instance costs its own time plus a start-up (Airflow queues it, a worker
starts a task process that imports the DAG and the package: the narrower run's wall not spent in
tasks, shared out over its task instances); the tasks that run one at a time (merge_learned,
publish, the checks and report) keep their time and start-ups, the shard tasks (learn, clean)
share theirs out over the task slots. A prediction far above the measure means the workers were
not what limited the run; far below, that they shared cores with something else.

The stack keeps Airflow's metadata in a database of its own (airflow_bench_celery, created anew
at the start; each measured run is then marked success, since a run whose batch put articles in
quarantine waits for a person's review); the articles go to DATABASE_URL or the newsclean_bench
database of the embedded server, emptied before each run.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # tests.local_stack

import sqlalchemy as sa  # noqa: E402
from bench_scale import bench_url, postgres_cpu, postmaster_pid, write_batch  # noqa: E402

from tests.local_stack import AirflowApi, drop_embedded_database, embedded_rows, free_port, poll  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
METADATA_DB = "airflow_bench_celery"
START_TIMEOUT = 600  # seconds for the api-server to answer and the DAG to be parsed (a bound)
RUN_TIMEOUT = 3600  # seconds for the triggered run (a bound)
STOP_TIMEOUT = 90
SHARD_TASKS = ("learn", "clean")  # mapped over the shards: these spread over the task slots


@dataclass
class Stack:
    process: subprocess.Popen[bytes]
    port: int
    home: Path
    log: Path


def stack_env(workers: int, concurrency: int, home: Path, raw: Path, port: int, articles_url: sa.URL) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "ARTICLES_", "NEWSCLEAN_"))}
    env.update(
        NEWSCLEAN_WORKERS=str(workers),
        AIRFLOW__CELERY__WORKER_CONCURRENCY=str(concurrency),
        NEWSCLEAN_AIRFLOW_HOME=str(home),
        NEWSCLEAN_AIRFLOW_DB=METADATA_DB,
        AIRFLOW__API__PORT=str(port),
        NEWSCLEAN_REDIS_PORT=str(free_port()),
        NEWSCLEAN_LOG_PORT=str(free_port()),
        DATABASE_URL=articles_url.render_as_string(hide_password=False),
        ARTICLES_RAW_DIR=str(raw),  # stays empty: the scheduled run of yesterday only waits
        ARTICLES_POKE_SECONDS="3600",  # and pokes once an hour, so it does not load the machine
    )
    return env


@contextmanager
def running_stack(env: dict[str, str], home: Path) -> Iterator[Stack]:
    log = home.parent / f"stack-{env['NEWSCLEAN_WORKERS']}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(["bash", str(ROOT / "scripts" / "stack.sh")], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    stack = Stack(process, int(env["AIRFLOW__API__PORT"]), home, log)
    try:
        yield stack
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # supervise.py stops every service it started
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_for(what: str, check: Any, timeout: float, stack: Stack) -> Any:
    def exited() -> str | None:
        if stack.process.poll() is None:
            return None
        return f"the stack exited ({stack.process.returncode}): {stack.log.read_text()[-3000:]}"

    try:
        found = poll(check, timeout, gave_up=exited)
    except RuntimeError as stopped:
        raise SystemExit(str(stopped)) from None
    if not found:
        raise SystemExit(f"{what}: not within {timeout:.0f} s; log {stack.log}")
    return found


def metadata(sql: str, **params: Any) -> list[tuple[Any, ...]]:
    return embedded_rows(METADATA_DB, sql, **params)


def stack_cpu(stack: Stack) -> float:
    """CPU seconds of the stack's live processes, with the children each has reaped (task runs)."""
    total = 0.0
    root = psutil.Process(stack.process.pid)
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


# A run is over for this benchmark when its last task that does work has ended: when the batch put
# articles in quarantine, review_quarantine then waits for a person (HITL), which is not load.
WAITS_FOR_A_PERSON = ("review_quarantine", "apply_review")
ENDED = ("success", "failed", "skipped", "upstream_failed", "removed")


def work_ended(run_id: str) -> bool:
    (open_tasks,) = metadata(
        "SELECT count(*) FROM task_instance WHERE run_id = :r AND task_id NOT IN :people"
        " AND (state IS NULL OR state NOT IN :ended)",
        r=run_id, people=WAITS_FOR_A_PERSON, ended=ENDED,
    )[0]  # fmt: skip
    (announced,) = metadata(
        "SELECT count(*) FROM task_instance WHERE run_id = :r AND task_id = 'announce' AND state IN :ended",
        r=run_id, ended=ENDED,
    )[0]  # fmt: skip
    return bool(open_tasks == 0 and announced > 0)


def trigger_and_wait(stack: Stack, folder: Path, batch: str, files_per_shard: int) -> str:
    api = AirflowApi(stack.port, stack.home).login()
    conf = {"batch": batch, "input_dir": str(folder), "files_per_shard": files_per_shard}
    run_id = api.call("POST", "/api/v2/dags/clean_articles/dagRuns", {"logical_date": None, "conf": conf})["dag_run_id"]
    wait_for("the run's work", lambda: work_ended(run_id), RUN_TIMEOUT, stack)
    # Ended as a person would end it: a run left waiting for its review holds one of the DAG's
    # max_active_runs, and the next round's run would queue behind it.
    path = f"/api/v2/dags/clean_articles/dagRuns/{urllib.parse.quote(run_id)}"
    api.call("PATCH", path, {"state": "success"})
    failed = metadata("SELECT task_id, map_index, state FROM task_instance WHERE run_id = :r AND state <> 'success'"
                      " AND task_id NOT IN :people", r=run_id, people=WAITS_FOR_A_PERSON)  # fmt: skip
    if failed:
        raise SystemExit(f"run {run_id}: {failed}")
    return str(run_id)


def run_figures(run_id: str) -> dict[str, Any]:
    """The run's wall (its start to the end of its last working task) and its task times."""
    (wall,) = metadata(
        "SELECT EXTRACT(EPOCH FROM max(t.end_date) - r.start_date) FROM dag_run r"
        " JOIN task_instance t ON t.run_id = r.run_id AND t.dag_id = r.dag_id"
        " WHERE r.run_id = :r AND t.task_id NOT IN :people GROUP BY r.start_date",
        r=run_id, people=WAITS_FOR_A_PERSON,
    )[0]  # fmt: skip
    tasks = metadata("SELECT task_id, duration, hostname FROM task_instance WHERE run_id = :r AND duration IS NOT NULL"
                     " AND task_id NOT IN :people", r=run_id, people=WAITS_FOR_A_PERSON)  # fmt: skip
    by_task: dict[str, float] = {}
    counts: dict[str, int] = {}
    by_host: dict[str, int] = {}
    for task_id, duration, host in tasks:
        kind = task_id if task_id in (*SHARD_TASKS, "merge_learned", "publish") else "rest"
        by_task[kind] = by_task.get(kind, 0.0) + float(duration)
        counts[kind] = counts.get(kind, 0) + 1
        by_host[host] = by_host.get(host, 0) + 1
    return {"wall": float(wall), "tasks": by_task, "counts": counts, "hosts": by_host}


def one_run(args: argparse.Namespace, workers: int, folder: Path, work: Path, label: str) -> dict[str, Any]:
    articles_url = bench_url()  # emptied and migrated
    home = work / f"airflow-{workers}"
    port = free_port()
    env = stack_env(workers, args.concurrency, home, work / "raw", port, articles_url)
    with running_stack(env, home) as stack:
        api = AirflowApi(stack.port, stack.home)
        wait_for("the api-server", lambda: api.call("GET", "/api/v2/monitor/health", auth=False), START_TIMEOUT, stack)
        wait_for("the DAG parsed", lambda: metadata("SELECT 1 FROM dag WHERE dag_id = 'clean_articles'"),
                 START_TIMEOUT, stack)  # fmt: skip
        expected = {f"worker{n}" for n in range(1, workers + 1)}
        time.sleep(10)  # the workers connect to the broker after the api-server answers
        postmaster = postmaster_pid(articles_url)
        cpu_before, pg_before = stack_cpu(stack), postgres_cpu(postmaster)
        run_id = trigger_and_wait(stack, folder, label, args.files_per_shard)
        cpu_after, pg_after = stack_cpu(stack), postgres_cpu(postmaster)
    figures = run_figures(run_id)
    figures["stack_cpu"] = cpu_after - cpu_before
    figures["pg_cpu"] = None if pg_before is None or pg_after is None else pg_after - pg_before
    unknown = set(figures["hosts"]) - expected - {None}
    if unknown:
        print(f"  (task instances on unexpected hosts: {sorted(unknown)})")
    return figures


def describe(workers: int, articles: int, figures: dict[str, Any]) -> str:
    tasks = ", ".join(f"{kind} {seconds:.1f}" for kind, seconds in sorted(figures["tasks"].items()))
    pg = "n/a" if figures["pg_cpu"] is None else f"{figures['pg_cpu']:.1f}"
    return (f"{workers} worker(s): wall {figures['wall']:.1f} s, {articles / figures['wall']:.0f} articles/s; "
            f"task seconds: {tasks}; task instances per worker {figures['hosts']}; "
            f"CPU s: stack {figures['stack_cpu']:.1f}, PostgreSQL {pg}")  # fmt: skip


def predicted_wall(narrow: dict[str, Any], narrow_slots: int, wide_slots: int) -> float:
    """The wider run's wall from the narrower run's: each task instance costs its own time plus the
    same start-up (the narrow run's wall not spent in tasks, shared out over its task instances);
    the shard tasks' time and start-ups share out over the task slots, the others' do not."""
    shard_seconds = sum(narrow["tasks"].get(kind, 0.0) for kind in SHARD_TASKS)
    serial_seconds = sum(seconds for kind, seconds in narrow["tasks"].items() if kind not in SHARD_TASKS)
    shard_count = sum(narrow["counts"].get(kind, 0) for kind in SHARD_TASKS)
    serial_count = sum(count for kind, count in narrow["counts"].items() if kind not in SHARD_TASKS)
    unaccounted = narrow["wall"] - serial_seconds - shard_seconds / narrow_slots
    start_up = max(unaccounted, 0.0) / max(serial_count + shard_count / narrow_slots, 1.0)
    wide = serial_seconds + serial_count * start_up + (shard_seconds + shard_count * start_up) / wide_slots
    return float(wide)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--per-file", type=int, default=500)
    parser.add_argument("--files-per-shard", type=int, default=4)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--concurrency", type=int, default=1, help="task slots per worker")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_celery_") as tmp:
        work = Path(tmp)
        (work / "raw").mkdir()
        folder = work / "day"
        write_batch(folder, 0, args.articles, args.per_file, random.Random(27))
        articles = sum(1 for path in folder.glob("*.jsonl") for _ in path.open(encoding="utf-8"))
        files = len(list(folder.glob("*.jsonl")))
        print(f"{articles} articles in {files} files, {args.files_per_shard} files a shard; "
              f"{args.concurrency} task slot(s) per worker")  # fmt: skip
        drop_embedded_database(METADATA_DB)
        results: dict[int, list[dict[str, Any]]] = {count: [] for count in args.workers}
        for round_number in range(args.rounds):
            order = args.workers if round_number % 2 == 0 else list(reversed(args.workers))
            for workers in order:
                figures = one_run(args, workers, folder, work, f"bench-{round_number}-{workers}")
                results[workers].append(figures)
                print(f"round {round_number}: {describe(workers, articles, figures)}", flush=True)
        narrow, *wider = sorted(args.workers)
        for wide in wider:
            for narrow_run, wide_run in zip(results[narrow], results[wide], strict=True):
                guess = predicted_wall(narrow_run, narrow * args.concurrency, wide * args.concurrency)
                print(f"{wide} vs {narrow} worker(s): measured {wide_run['wall']:.1f} s "
                      f"(speed-up {narrow_run['wall'] / wide_run['wall']:.2f}), the model predicts {guess:.1f} s "
                      f"(speed-up {narrow_run['wall'] / guess:.2f})")  # fmt: skip


if __name__ == "__main__":
    main()
