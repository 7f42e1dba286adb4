"""Fault injection: a run killed (SIGKILL) while cleaning, while copying into staging or just
before the publish commits, or a PostgreSQL restart in the middle of the publish; each followed
by a rerun, which must leave the same database as one clean run (compared over every table)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.core.faults import HANG_ENV
from pipeline.run.runner import run_batch

from .conftest import FIXTURES, ROOT, reset_schema, scalar, snapshot


def batch_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    for path in (FIXTURES / "articles").glob("*.txt"):
        shutil.copy(path, folder / path.name)
    records = [{"title": f"Ferry {n}", "text": f"The ferry line {n} will reopen in April, the operator said."}
               for n in range(3)]  # fmt: skip
    (folder / "feed.jsonl").write_text("\n".join(map(json.dumps, records)) + "\n{broken\n", encoding="utf-8")
    return folder


def start_run(folder: Path, db_url: sa.URL, hang: str | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False)}
    if hang:
        env[HANG_ENV] = hang
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "--input", str(folder), "--batch", "b", "--workers", "1"],
        cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def wait_for(marker: Path, process: subprocess.Popen[str], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never reached the fault point"
        time.sleep(0.05)


def rerun_equals_one_clean_run(engine: sa.Engine, folder: Path, db_url: sa.URL) -> None:
    rerun = start_run(folder, db_url)
    assert rerun.wait(timeout=180) == 0, rerun.communicate()
    after_fault = snapshot(engine, volatile=False)
    assert after_fault["staging"] == [(0,), (0,)]  # the dead run's staging is gone too
    reset_schema(engine)
    run_batch(engine, folder, "b")
    assert snapshot(engine, volatile=False) == after_fault


@pytest.mark.parametrize("point", ["clean", "copy", "commit"])
def test_a_run_killed_then_rerun_leaves_the_database_of_one_clean_run(
    point: str, engine: sa.Engine, db_url: sa.URL, tmp_path: Path
) -> None:
    folder = batch_folder(tmp_path)
    marker = tmp_path / "reached"
    process = start_run(folder, db_url, f"{point}:{marker}")
    wait_for(marker, process)
    process.kill()
    process.wait()
    # nothing of the batch is visible: the publish never committed
    assert scalar(engine, "SELECT count(*) FROM articles") == 0
    assert scalar(engine, "SELECT count(*) FROM rejected_inputs") == 0
    assert scalar(engine, "SELECT status FROM batches WHERE batch_id = 'b'") == "running"
    rerun_equals_one_clean_run(engine, folder, db_url)


def restart_embedded_server() -> None:
    """pg_ctl restart of the embedded server, as the user pgserver runs it as (not root)."""
    import pgserver

    from pipeline.store.db import embedded_data_dir

    pg_ctl = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_ctl"
    user = "pgserver" if os.geteuid() == 0 else None
    # output to DEVNULL: the restarted postmaster would hold a pipe open and hang communicate()
    subprocess.run([str(pg_ctl), "-D", str(embedded_data_dir()), "restart", "-m", "fast", "-w", "-t", "60"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, user=user)  # fmt: skip


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="restarts the embedded server; DATABASE_URL is set")
def test_a_database_restart_mid_publish_fails_the_run_and_a_rerun_completes(
    engine: sa.Engine, db_url: sa.URL, tmp_path: Path
) -> None:
    folder = batch_folder(tmp_path)
    marker = tmp_path / "reached"
    process = start_run(folder, db_url, f"commit:{marker}")
    wait_for(marker, process)
    restart_embedded_server()
    marker.unlink()  # the run goes on, on a connection the restart closed
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    assert stderr.strip().startswith("error:") and "Traceback" not in stderr, stderr
    assert scalar(engine, "SELECT count(*) FROM articles") == 0
    assert scalar(engine, "SELECT status FROM batches WHERE batch_id = 'b'") == "failed"
    rerun_equals_one_clean_run(engine, folder, db_url)
