"""Run batches from the command line: the steps of flow.py on a pool of worker processes.

The pool cleans shards in parallel exactly as Airflow's mapped tasks do; the one serial step
is the publish. Workers get the run (ids and counts) and connect to the database themselves.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pipeline.ingest import storage
from pipeline.report.summary import BatchReport, load_report
from pipeline.run import flow
from pipeline.run.batch_ids import validate_batch_id
from pipeline.store.db import create_engine
from pipeline.store.publish import PHASES
from pipeline.store.staging import hold_stage, stage_schema

_worker_engine: sa.Engine | None = None  # one per worker process, set by its initializer


def _init_worker(url: str, parent: int) -> None:
    global _worker_engine
    _die_with(parent)
    _worker_engine = create_engine(sa.make_url(url))


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with(parent: int) -> None:
    """End this worker when the run that started it ends, however it ends: a SIGKILLed run cannot
    tell its pool to stop, and a worker left waiting for work would hold its PostgreSQL sessions
    (and the resource tracker) forever. On Linux the kernel sends the signal (PR_SET_PDEATHSIG);
    elsewhere a thread watches the parent's process id."""
    if not _kernel_kills_on_parent_death():
        threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the worker asked
        os._exit(1)


def _kernel_kills_on_parent_death() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _shard_step(
    step: str, run: dict[str, Any], shard: int, rules_files: Sequence[str], engine: sa.Engine | None = None
) -> int:
    """One learn or clean shard (in a worker process unless an engine is given); the files it read."""
    engine = engine or _worker_engine
    assert engine is not None
    batch_run = flow.BatchRun.from_json(run)
    if step == "learn":
        flow.learn_shard(engine, batch_run, shard)
        return 0
    return flow.clean_shard(engine, batch_run, shard, rules_files).files


class _Progress:
    """tqdm bars on a terminal, labelled by step; nothing otherwise."""

    def __init__(self, show: bool) -> None:
        self.show = show

    def bar(self, total: int, desc: str, unit: str) -> Any:
        from tqdm import tqdm

        return tqdm(total=total, desc=f"{desc:<10}", unit=unit, file=sys.stderr, disable=not self.show, leave=False)


class _Laps:
    """Seconds per step of a run, as they pass."""

    def __init__(self) -> None:
        self.seconds: dict[str, Any] = {}
        self._clock = time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[step] = round(now - self._clock, 3)
        self._clock = now


def run_batch(
    engine: sa.Engine,
    input_path: Path | str,
    batch_id: str,
    rules_files: Sequence[Path | str] = (),
    progress: bool = False,
    workers: int = 1,
    files_per_shard: int = flow.FILES_PER_SHARD,
    bytes_per_shard: int = flow.BYTES_PER_SHARD,
    keep_non_articles: bool = False,
) -> BatchReport:
    """Plan, learn, clean and publish one batch; rerunning it changes nothing. Raises
    flow.BatchError when the batch cannot run or loads nothing (every input rejected).
    keep_non_articles: store pages judged not articles with their page type (run --keep-non-articles)."""
    validate_batch_id(batch_id)
    token = f"cli-{os.getpid()}-{time.time_ns()}"
    laps = _Laps()
    # The run is this process: its session lock tells later runs whether its staging is orphaned.
    with hold_stage(engine, stage_schema(batch_id, token)):
        run = flow.plan(engine, batch_id, input_path, token, files_per_shard, bytes_per_shard, session_held=True,
                        keep_non_articles=keep_non_articles)  # fmt: skip
        laps("plan")
        rules = [str(p) for p in rules_files]
        try:
            counts = _learn_clean_publish(engine, run, rules, _Progress(progress), workers, laps)
        except flow.BatchError:
            raise  # recorded by the publish itself
        except BaseException as exc:
            flow.fail(engine, run, exc)
            raise
    report = load_report(engine, run.batch_id, counts["articles_written"])
    report.timings = {**laps.seconds, "publish_phases": counts["seconds"]}
    return report


def _learn_clean_publish(
    engine: sa.Engine, run: flow.BatchRun, rules: list[str], bars: _Progress, workers: int, laps: _Laps
) -> dict[str, Any]:
    with _executor(engine, workers, run.shards) as pool:
        laps("start_workers")
        _each_shard(pool, "learn", run, rules, bars.bar(run.shards, "learning", "shard"))
        laps("learn")
        flow.merge_learned(engine, run)
        laps("merge_learned")
        _each_shard(pool, "clean", run, rules, bars.bar(run.files, "cleaning", "file"))
        laps("clean")
    phases = bars.bar(len(PHASES), "publishing", "phase")

    def on_phase(name: str) -> None:
        phases.set_postfix_str(name)
        phases.update()

    counts = flow.publish(engine, run, on_phase=on_phase)
    phases.close()
    laps("publish")
    return counts


class _Serial(Executor):
    """The pool's interface in this process (one worker, or one shard), on the caller's engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        from concurrent.futures import Future

        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, engine=self.engine, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def _executor(engine: sa.Engine, workers: int, shards: int) -> Executor:
    if workers <= 1 or shards == 1:
        return _Serial(engine)
    url = engine.url.render_as_string(hide_password=False)
    # spawn, not fork: a forked child would share the parent's open database connections
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(
        min(workers, shards), mp_context=context, initializer=_init_worker, initargs=(url, os.getpid())
    )


def _each_shard(pool: Executor, step: str, run: flow.BatchRun, rules: list[str], bar: Any) -> None:
    futures = [pool.submit(_shard_step, step, run.to_json(), shard, rules) for shard in range(run.shards)]
    for future in futures:
        files = future.result()
        bar.update(files or 1)
    bar.close()


def days(first: str, last: str) -> list[str]:
    """ISO dates from first to last, both included."""
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    if end < start:
        raise ValueError(f"--to {last} is before --from {first}")
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


def backfill(
    engine: sa.Engine,
    raw_dir: Path | str,
    first: str,
    last: str,
    rules_files: Sequence[Path | str] = (),
    workers: int = 1,
    progress: bool = False,
) -> Iterator[tuple[str, BatchReport | str]]:
    """Run each day's batch (raw_dir/<day>/, a folder or a URL) in date order: (day, its report),
    or (day, why it was skipped or failed)."""
    every_day = days(first, last)
    bar = _Progress(progress).bar(len(every_day), "backfill", "day")
    for day in every_day:
        bar.set_postfix_str(day)
        folder = storage.join(raw_dir, day)
        if not storage.is_dir(folder):
            yield day, f"skipped: no folder {storage.redact_url(folder)}"
        else:
            try:
                yield day, run_batch(engine, folder, day, rules_files, progress=progress, workers=workers)
            except flow.BatchError as exc:
                yield day, f"failed: {exc}"
        bar.update()
    bar.close()
