"""Pool workers die with their parent: a `run` SIGKILLed mid-batch leaves no process and no
PostgreSQL connection behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
import sqlalchemy as sa

from pipeline.core.faults import HANG_ENV
from pipeline.run.flow import FILES_PER_SHARD

from .conftest import ROOT, scalar

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree of Linux")
STORY = "The ferry line {n} will reopen in April after repairs to its two piers, the operator said on Monday."


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
    """A bounded wait for something that must happen (not a speed check: the bound is generous)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.1)


def alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_workers_and_their_connections_go_when_the_run_is_killed(
    engine: sa.Engine, db_url: sa.URL, tmp_path: Path
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for n in range(2 * FILES_PER_SHARD + 1):  # three shards: the pool starts two workers
        (folder / f"story-{n:03}.txt").write_text(STORY.format(n=n) + "\n", encoding="utf-8")
    marker, name = tmp_path / "cleaning", f"killtest-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False),
           HANG_ENV: f"clean:{marker}", "PGAPPNAME": name}  # fmt: skip
    run = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "--input", str(folder), "--batch", "k1", "--workers", "2"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def connections() -> int:
        return int(scalar(engine, "SELECT count(*) FROM pg_stat_activity WHERE application_name = :n", n=name))

    children: list[psutil.Process] = []
    try:
        wait_until(marker.exists, "a worker reached the cleaning of an article")
        children = psutil.Process(run.pid).children(recursive=True)
        assert len([c for c in children if alive(c)]) >= 2 and connections() >= 2  # workers and their sessions
        run.kill()
        run.wait()
        wait_until(lambda: not any(alive(child) for child in children), "every worker and helper exited")
        wait_until(lambda: connections() == 0, "every PostgreSQL session of the run closed")
    finally:
        run.kill()
        for child in children:
            if alive(child):
                child.kill()  # the test's own leftovers, should an assertion above fail
        marker.unlink(missing_ok=True)
