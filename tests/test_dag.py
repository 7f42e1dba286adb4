"""The Airflow DAG: parses cleanly and light, runs end to end with dag.test() against real Postgres."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from .conftest import ROOT, reset_schema, scalar, snapshot

DAGS = ROOT / "dags"
SAMPLES = ROOT / "samples" / "raw"


def load_dag(airflow_env: dict[str, str]) -> Any:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    return bag.get_dag("clean_articles")


# Every task keeps retries for faults of the infrastructure (the execution API not answering yet, a
# dropped connection); bad input and failed checks still fail at once (AirflowFailException). The
# review asks a person: a retry would ask again.
VERDICTS = {"wait_for_input", "plan", "check_no_empty_bodies", "check_counts_agree", "check_removal_ratio"}
ASKS_A_PERSON = {"review_quarantine"}


def test_dagbag_imports_with_tags_and_retries(airflow_env: dict[str, str]) -> None:
    dag = load_dag(airflow_env)
    assert dag is not None
    assert {"articles", "cleaning"} <= set(dag.tags)
    for task in dag.tasks:
        if task.task_id in ASKS_A_PERSON:
            assert task.retries == 0, task.task_id
        else:
            assert task.retries >= 1 and task.retry_delay.total_seconds() <= 60, task.task_id
    assert {
        "wait_for_input",
        "plan",
        "learn",
        "merge_learned",
        "clean",
        "publish",
        *VERDICTS,
        "write_report",
        "check_drift",
        "announce",
        "list_quarantined",
        "review_quarantine",
        "apply_review",
    } == {t.task_id for t in dag.tasks}


def test_a_missing_folder_fails_at_once_despite_retries(airflow_env: dict[str, str], tmp_path: Path) -> None:
    ok, states = run_dag(airflow_env, {"batch": "2024-11-05", "input_dir": str(tmp_path / "none")})
    assert not ok
    assert states["wait_for_input"] == "failed"  # not up_for_retry: retrying cannot make the folder appear


def test_parsing_the_dag_file_imports_nothing_heavy() -> None:
    code = (
        "import runpy, sys; runpy.run_path(sys.argv[1]);"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pipeline', 'bs4', 'lxml', 'pgserver'));"
        "print('heavy=' + ','.join(heavy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(DAGS / "clean_articles.py")],
        capture_output=True,
        text=True,
        env={**os.environ, "AIRFLOW__CORE__LOAD_EXAMPLES": "False"},
    )
    assert done.returncode == 0, done.stderr
    # (Airflow's own deprecation warnings may be logged to stdout too)
    assert [line for line in done.stdout.splitlines() if line.startswith("heavy=")] == ["heavy="]


def run_dag(airflow_env: dict[str, str], conf: dict[str, Any]) -> Any:
    from airflow.utils.state import DagRunState

    dag = load_dag(airflow_env)
    dag_run = dag.test(run_conf=conf)
    states = {ti.task_id: ti.state for ti in dag_run.get_task_instances()}
    return dag_run.state == DagRunState.SUCCESS, states


def test_dag_run_loads_a_day_and_a_second_run_changes_nothing(airflow_env: dict[str, str], engine: sa.Engine) -> None:
    conf = {"batch": "2024-11-04", "input_dir": str(SAMPLES / "2024-11-04"), "files_per_shard": 1}
    ok, states = run_dag(airflow_env, conf)
    assert ok, states
    assert scalar(engine, "SELECT count(*) FROM articles WHERE batch_id = '2024-11-04'") == 4
    assert scalar(engine, "SELECT count(*) FROM rejected_inputs") == 1
    assert scalar(engine, "SELECT files_seen FROM batches") == 3
    assert scalar(engine, "SELECT count(*) FROM paragraphs") == 15
    page = Path(airflow_env["AIRFLOW_HOME"]) / "reports" / "2024-11-04.html"
    assert "<title>Batch 2024-11-04" in page.read_text(encoding="utf-8")  # the report page, linked from the Asset
    first = snapshot(engine)
    ok, states = run_dag(airflow_env, conf)
    assert ok, states
    assert snapshot(engine) == first


def write_broken_scrape(folder: Path) -> None:
    """A broken scrape: every page is a photo gallery around a single line of text."""
    gallery = " ".join(
        f"Combined Shape Caption Boats in the harbor at dawn, picture {n}. (AP Photo/Erik Lund) Credit: Erik Lund"
        for n in range(12)
    )
    for n in range(3):
        (folder / f"page{n}.txt").write_text(f"Story {n} of the harbor.\n\n{gallery}", encoding="utf-8")


def test_broken_batch_fails_the_quality_check(airflow_env: dict[str, str], engine: sa.Engine, tmp_path: Path) -> None:
    write_broken_scrape(tmp_path)
    ok, states = run_dag(airflow_env, {"batch": "broken", "input_dir": str(tmp_path)})
    assert not ok
    assert states["check_removal_ratio"] == "failed"
    assert states["check_no_empty_bodies"] == "success" and states["announce"] == "upstream_failed"


def test_backfill_command_equals_single_runs(engine: sa.Engine, db_url: sa.URL, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False)}

    def cli(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr

    cli("backfill", "--from", "2024-11-04", "--to", "2024-11-06", "--raw-dir", str(SAMPLES))
    backfilled = snapshot(engine, volatile=False)
    reset_schema(engine)
    for day in ("2024-11-06", "2024-11-04", "2024-11-05"):  # single runs, out of order
        cli("run", "--input", str(SAMPLES / day), "--batch", day)
    assert snapshot(engine, volatile=False) == backfilled
    assert len(backfilled["articles"]) == 9  # the ferry story of 11-04 is updated on 11-05, not duplicated


def test_sample_batches_cover_every_noise_kind_and_a_bad_file() -> None:
    from pipeline import Cleaner, read_paths

    categories: set[str] = set()
    errors = 0
    for result in Cleaner.from_files().clean_all(read_paths([SAMPLES])):
        if hasattr(result, "removed"):
            categories |= {r.category for r in result.removed}
        else:
            errors += 1
    assert {"caption", "agency", "newsletter", "share", "related", "ad", "comments", "repetition"} <= categories
    assert errors >= 1


def test_dag_learns_boilerplate_before_cleaning_its_own_batch(
    airflow_env: dict[str, str], engine: sa.Engine, tmp_path: Path
) -> None:
    footer = "Every Harbor Post story is read aloud on our evening radio hour at nine."
    for n in range(6):
        body = f"Story {n}: the harbor board met on day {n} and agreed on item {n * 7} of the plan for the quay."
        (tmp_path / "harborpost").mkdir(exist_ok=True)
        (tmp_path / "harborpost" / f"s{n}.txt").write_text(f"{body}\n\n{footer}", encoding="utf-8")
    ok, states = run_dag(airflow_env, {"batch": "learn", "input_dir": str(tmp_path)})
    assert ok, states
    assert scalar(engine, "SELECT count(*) FROM paragraphs WHERE text = :t", t=footer) == 0
    assert scalar(engine, "SELECT count(*) FROM removals WHERE rule = 'learned:harborpost'") == 6


def test_airflow_starts_with_its_metadata_in_postgres(tmp_path: Path, db_url: sa.URL) -> None:
    """make demo / make airflow keep Airflow's metadata in PostgreSQL: Airflow 3 then also opens an
    async engine (asyncpg) at start-up, so the driver must be installed by `make install`."""
    metadata_url = db_url.set(database="postgres").render_as_string(hide_password=False)
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url,
    }
    airflow = Path(sys.executable).parent / "airflow"
    result = subprocess.run(
        [str(airflow), "config", "get-value", "database", "sql_alchemy_conn"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]


def day_folder(root: Path, day: str, sample_day: str = "2024-11-04") -> Path:
    """root/<day>/ holding the sample dumps of one sample day."""
    shutil.copytree(SAMPLES / sample_day, root / day)
    return root / day


def airflow_cli(airflow_env: dict[str, str], *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    airflow = Path(sys.executable).parent / "airflow"
    return subprocess.run([str(airflow), *args], env={**os.environ, **airflow_env, **env}, capture_output=True,
                          text=True, timeout=600)  # fmt: skip


def test_dags_test_loads_a_2022_day_and_a_day_without_folder_fails_saying_why(
    airflow_env: dict[str, str], engine: sa.Engine, tmp_path: Path
) -> None:
    day_folder(tmp_path, "2022-07-29")
    done = airflow_cli(airflow_env, "dags", "test", "clean_articles", "2022-07-29", ARTICLES_RAW_DIR=str(tmp_path))
    assert "state=success" in done.stdout + done.stderr, (done.stdout + done.stderr)[-3000:]
    assert scalar(engine, "SELECT count(*) FROM articles WHERE batch_id = '2022-07-29'") == 4
    missing = airflow_cli(airflow_env, "dags", "test", "clean_articles", "2022-07-30", ARTICLES_RAW_DIR=str(tmp_path))
    output = missing.stdout + missing.stderr
    assert "state=success" not in output and "state=failed" in output, output[-3000:]
    assert f"input folder {tmp_path}/2022-07-30 does not exist" in output
    assert scalar(engine, "SELECT count(*) FROM batches WHERE batch_id = '2022-07-30'") == 0


def test_a_scheduled_run_loads_the_day_its_interval_covers(
    airflow_env: dict[str, str], engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run created at midnight of D covers [D-1, D): it reads D-1's folder, the day that ended."""
    import pendulum
    from airflow.serialization.encoders import coerce_to_core_timetable
    from airflow.timetables.base import DataInterval, TimeRestriction

    dag = load_dag(airflow_env)
    day = pendulum.datetime(2024, 11, 6, tz="UTC")
    info = coerce_to_core_timetable(dag.timetable).next_dagrun_info(
        last_automated_data_interval=DataInterval(day.subtract(days=2), day.subtract(days=1)),
        restriction=TimeRestriction(earliest=dag.start_date, latest=None, catchup=True),
    )
    assert info.run_after == day and info.data_interval.start == day.subtract(days=1)
    day_folder(tmp_path, "2024-11-05", "2024-11-05")
    day_folder(tmp_path, "2024-11-06", "2024-11-06")
    monkeypatch.setenv("ARTICLES_RAW_DIR", str(tmp_path))
    dag_run = dag.test(logical_date=info.data_interval.start)  # a scheduled run's logical date: the interval start
    assert dag_run.state == "success"
    assert scalar(engine, "SELECT array_agg(DISTINCT batch_id) FROM articles") == ["2024-11-05"]
    assert scalar(engine, "SELECT input_path FROM batches") == f"{tmp_path}/2024-11-05"


def test_a_run_without_logical_date_loads_its_param_or_today(
    airflow_env: dict[str, str], engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`airflow dags trigger clean_articles` with no date: Airflow 3 creates a run without a logical date."""
    from datetime import datetime, timezone

    today = datetime.now(timezone.utc).date().isoformat()
    day_folder(tmp_path, today)
    monkeypatch.setenv("ARTICLES_RAW_DIR", str(tmp_path))
    dag = load_dag(airflow_env)
    assert dag.test(logical_date=None).state == "success"
    assert scalar(engine, "SELECT batch_id FROM batches") == today
    day_folder(tmp_path, "older-batch")
    assert dag.test(logical_date=None, run_conf={"batch": "older-batch"}).state == "success"
    assert scalar(engine, "SELECT count(*) FROM articles WHERE batch_id = 'older-batch'") > 0


def test_an_all_rejected_batch_fails_visibly_and_checks_are_not_retried(
    airflow_env: dict[str, str], engine: sa.Engine, tmp_path: Path
) -> None:
    (tmp_path / "export.xlsx").write_bytes(b"PK\x03\x04 not an article")
    ok, states = run_dag(airflow_env, {"batch": "only-rejects", "input_dir": str(tmp_path)})
    assert not ok and states["publish"] == "failed" and states["announce"] == "upstream_failed"
    assert scalar(engine, "SELECT status FROM batches WHERE batch_id = 'only-rejects'") == "failed"
    assert scalar(engine, "SELECT error FROM batches") == "no article loaded: all 1 inputs were rejected"
    assert scalar(engine, "SELECT reason FROM rejected_inputs").startswith("unsupported file type")


def test_a_failed_check_fails_at_once(airflow_env: dict[str, str], engine: sa.Engine, tmp_path: Path) -> None:
    write_broken_scrape(tmp_path)
    dag = load_dag(airflow_env)
    dag_run = dag.test(run_conf={"batch": "broken", "input_dir": str(tmp_path)})
    check = next(ti for ti in dag_run.get_task_instances() if ti.task_id == "check_removal_ratio")
    assert check.state == "failed" and check.try_number == 1  # not retried like a transient fault


def test_a_scheduled_run_waits_for_its_folder_and_marker_then_fails_saying_why(
    airflow_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    import pendulum
    from airflow.sdk.exceptions import AirflowFailException

    monkeypatch.setenv("ARTICLES_RAW_DIR", str(tmp_path))
    wait = load_dag(airflow_env).get_task("wait_for_input").python_callable
    params = {"batch": None, "input_dir": None, "wait_for_marker": "_SUCCESS", "wait_hours": 6}

    def poke(started_hours_ago: float, run_type: str = "scheduled") -> bool:
        # the enum the task SDK hands a task (its str() is "DagRunType.SCHEDULED", not "scheduled")
        from airflow.sdk.api.datamodels._generated import DagRunType

        started = pendulum.now("UTC").subtract(hours=started_hours_ago)
        context = {"params": params, "logical_date": pendulum.datetime(2024, 11, 5, tz="UTC"),
                   "dag_run": SimpleNamespace(run_type=DagRunType(run_type), start_date=started)}  # fmt: skip
        return bool(wait(**context))

    assert poke(1) is False  # no folder yet: poke again later
    day_folder(tmp_path, "2024-11-05")
    assert poke(1) is False  # the folder, but not its marker: the producer is still writing
    with pytest.raises(AirflowFailException, match="2024-11-05 does not exist or has no _SUCCESS after waiting 6 h"):
        poke(7)
    with pytest.raises(AirflowFailException, match="has no _SUCCESS$"):
        poke(0, run_type="manual")  # a manual run or a backfill does not wait
    (tmp_path / "2024-11-05" / "_SUCCESS").write_text("")
    assert poke(1) is True
