"""Batch ids: one validation for every entry point; unsafe ids are refused before anything runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.run.batch_ids import BatchIdError, validate_batch_id
from pipeline.run.tasks import batch_date

from .conftest import FIXTURES, ROOT, scalar

UNSAFE = ["../x", "a/b", "", "x" * 300, "..", "a..b", ".hidden", "-flag", "a b", "a\\b", "日付", "a\nb"]
SAFE = ["2024-11-05", "2022-07-29", "backfill_2024.week-45", "B1", "x" * 128]


@pytest.mark.parametrize("batch_id", UNSAFE)
def test_unsafe_ids_are_refused_with_the_id_and_the_rule(batch_id: str) -> None:
    with pytest.raises(BatchIdError, match="a batch id is letters, digits"):
        validate_batch_id(batch_id)


@pytest.mark.parametrize("batch_id", SAFE)
def test_safe_ids_pass(batch_id: str) -> None:
    assert validate_batch_id(batch_id) == batch_id


def test_the_dag_param_and_the_interval_date_take_the_same_rule() -> None:
    assert batch_date("2024-11-05", None) == "2024-11-05"
    with pytest.raises(BatchIdError):
        batch_date("../../etc", None)


@pytest.mark.parametrize("batch_id", ["../victim", "a/b", "", "x" * 300])
def test_the_cli_refuses_them_with_status_2_and_touches_nothing(
    batch_id: str, engine: sa.Engine, db_url: sa.URL, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "victim").mkdir()
    (tmp_path / "victim" / "sentinel.txt").write_text("still here")
    env = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False)}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--input", str(FIXTURES / "articles"), "--batch", batch_id],
        cwd=work, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("error: batch id") and "a batch id is" in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert (tmp_path / "victim" / "sentinel.txt").read_text() == "still here"
    assert scalar(engine, "SELECT count(*) FROM batches") == 0
