"""`make stack` from a fresh metadata database: the CeleryExecutor with two workers on 127.0.0.1.

One start of the stack checks what a user who scales out relies on:
- the api-server answers before anything is scheduled, and the first scheduled run's sensor really
  pokes (up_for_reschedule, not failed) while its day's folder is missing;
- that run, still waiting past its (short) deadline, fires the DeadlineAlert: the triggerer runs
  the callback, which logs the miss;
- a run triggered through the REST API for a day of 320 generated articles in >= 4 shards runs
  its task instances on both workers (task_instance.hostname), each worker with its own temp
  folder, and leaves the same rows in every table as a single-process `run` of the folder;
- Ctrl-C stops every process.

Heavy on 2 cores (a scheduler, dag-processor, triggerer, api-server, two workers, redis): about
3-6 minutes. Marked slow; `make test` runs it (pytest -q runs every test).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
import sqlalchemy as sa

from pipeline.run.runner import run_batch

from .conftest import ROOT, reset_schema, snapshot
from .local_stack import AirflowApi, drop_embedded_database, embedded_rows, free_port, poll
from .test_make_airflow import STOP_TIMEOUT, Run, alive, get, plain_shell_env, supervised_make, wait_for_api

pytestmark = pytest.mark.slow
METADATA_DB = "airflow_stack_test"  # dropped and created anew at each start: a fresh stack
DAY = "2024-11-05"
RUN_TIMEOUT = 1200  # seconds for the triggered run to finish (a bound, not a measured time)
WORDS = ("harbor council ferry budget storm wall bridge school river market station tram rail museum "
         "festival water energy housing library clinic airport port union farm forest").split()  # fmt: skip


def write_day(folder: Path, files: int = 16, per_file: int = 20) -> int:
    """`files` JSONL files of `per_file` articles, three paragraphs of seeded prose each."""
    rng = random.Random(25)
    folder.mkdir(parents=True)
    for number in range(files):
        records = []
        for item in range(per_file):
            topic, place = rng.sample(WORDS, 2)
            paragraphs = [
                " ".join(
                    f"The {rng.choice(WORDS)} {verb} said on {day} that the {topic} plan for the {place} "
                    f"would {rng.choice(('cost', 'save', 'need', 'add'))} {rng.randint(2, 90)} million."
                    for verb, day in zip(("board", "mayor", "council"), ("Monday", "Tuesday", "Friday"), strict=True)
                )
                for _ in range(3)
            ]
            records.append({"url": f"https://news{number % 4}.example.org/{number}-{item}",
                            "title": f"{topic.title()} plan for the {place} ({number}-{item})",
                            "text": "\n\n".join(paragraphs)})  # fmt: skip
        (folder / f"feed{number:02d}.jsonl").write_text("\n".join(map(json.dumps, records)) + "\n", encoding="utf-8")
    return files * per_file


@pytest.fixture
def stack(tmp_path: Path, db_url: sa.URL) -> Iterator[Run]:
    pytest.importorskip("pgserver", reason="make stack keeps Airflow's metadata in the embedded PostgreSQL")
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (make redis)")
    drop_embedded_database(METADATA_DB)
    port, home, log = free_port(), tmp_path / "airflow_home", tmp_path / "make-stack.log"
    env = plain_shell_env(drop=("AIRFLOW", "ARTICLES_"))
    env.update(
        NEWSCLEAN_AIRFLOW_HOME=str(home),
        NEWSCLEAN_AIRFLOW_DB=METADATA_DB,
        AIRFLOW__API__PORT=str(port),
        NEWSCLEAN_REDIS_PORT=str(free_port()),
        NEWSCLEAN_LOG_PORT=str(free_port()),
        DATABASE_URL=db_url.render_as_string(hide_password=False),  # the articles: the test database
        ARTICLES_RAW_DIR=str(tmp_path / "raw"),  # yesterday's folder never arrives: the scheduled run waits
        ARTICLES_POKE_SECONDS="3",
        ARTICLES_DEADLINE_HOURS=str(30 / 3600),  # 30 s after the run was queued
    )
    with supervised_make("stack", env, port, home, log) as run:
        yield run


def wait_for(what: str, check: Any, timeout: float, log: Path) -> Any:
    found = poll(check, timeout, interval=3)
    if not found:
        pytest.fail(f"{what}: not within {timeout:.0f} s\n{log.read_text(errors='replace')[-3000:]}")
    return found


def query(sql: str, **params: Any) -> list[tuple[Any, ...]]:
    return embedded_rows(METADATA_DB, sql, **params)


def test_celery_stack_spreads_a_run_over_two_workers_and_equals_one_process(
    stack: Run, engine: sa.Engine, tmp_path: Path
) -> None:
    started = time.monotonic()
    health = wait_for_api(stack.proc, stack.port, stack.log)
    assert health["metadatabase"] == {"status": "healthy"}, health
    api = AirflowApi(stack.port, stack.home).login()
    folder = tmp_path / "day" / DAY
    articles = write_day(folder)
    wait_for("the DAG parsed", lambda: get(f"{api.base}/api/v2/monitor/health")[0] == 200
             and query("SELECT 1 FROM dag WHERE dag_id = 'clean_articles'"), 300, stack.log)  # fmt: skip

    # 1. the scheduled run of yesterday waits for its folder: its sensor pokes and reschedules
    rescheduled = wait_for("the scheduled run's sensor poked", lambda: query(
        "SELECT ti.state FROM task_instance ti JOIN task_reschedule tr ON tr.ti_id = ti.id"
        " WHERE ti.task_id = 'wait_for_input' AND ti.run_id LIKE 'scheduled__%'"), 300, stack.log)  # fmt: skip
    assert {state for (state,) in rescheduled} <= {"up_for_reschedule", "queued", "scheduled", "running"}

    # 2. a day of generated articles, triggered as a user does (REST), on two workers
    conf = {"batch": DAY, "input_dir": str(folder), "files_per_shard": 4}
    run_id = api.call("POST", "/api/v2/dags/clean_articles/dagRuns", {"logical_date": None, "conf": conf})["dag_run_id"]
    path = f"/api/v2/dags/clean_articles/dagRuns/{urllib.parse.quote(run_id)}"
    state = wait_for("the triggered run finished", lambda: api.call("GET", path)["state"] in ("success", "failed")
                     and api.call("GET", path)["state"], RUN_TIMEOUT, stack.log)  # fmt: skip
    tis = query("SELECT task_id, map_index, state, hostname FROM task_instance WHERE run_id = :run", run=run_id)
    assert state == "success", tis
    assert len([t for t in tis if t[0] == "clean"]) >= 4  # shards
    assert {host for *_, host in tis if host} == {"worker1", "worker2"}, tis
    assert {t[2] for t in tis if t[0] == "review_quarantine"} == {"skipped"}  # nothing quarantined
    for worker in ("worker1", "worker2"):  # each worker ran in its own folder, with its own temp folder
        assert (stack.home / "workers" / worker / "tmp").is_dir()
    took = time.monotonic() - started
    print(f"stack up, scheduled run poking, {articles} articles on two workers: {took:.0f} s")

    # 3. the scheduled run, still waiting, missed its 30-second deadline: the callback ran
    missed = wait_for("the deadline fired", lambda: query(
        "SELECT d.missed FROM deadline d JOIN dag_run r ON r.id = d.dagrun_id"
        " WHERE r.run_id LIKE 'scheduled__%' AND d.missed"), 300, stack.log)  # fmt: skip
    assert missed
    triggerer_log = stack.home / "stack-logs" / "triggerer.log"
    wait_for("the callback logged the miss", lambda: "missed its deadline" in triggerer_log.read_text(errors="replace"),
             120, stack.log)  # fmt: skip

    # 4. the same rows as one process
    from_celery = snapshot(engine, volatile=False)
    assert len(from_celery["articles"]) + len(from_celery["rejected_inputs"]) == articles  # nothing lost
    reset_schema(engine)
    run_batch(engine, folder, DAY)
    assert snapshot(engine, volatile=False) == from_celery

    # 5. Ctrl-C leaves nothing running
    processes = {p.pid: p for p in psutil.Process(stack.proc.pid).children(recursive=True)}
    stack.sessions = {os.getsid(pid) for pid in processes} - {os.getsid(0)}
    os.killpg(stack.proc.pid, signal.SIGINT)
    stack.proc.wait(timeout=STOP_TIMEOUT)
    time.sleep(2)
    left = [p for p in [*processes.values(), *stack.leftovers()] if alive(p)]
    assert not left, [" ".join(p.cmdline())[:100] for p in left]


# Settings of the compose file's x-airflow-common that only a container deployment needs: the
# api-server's session key and admin password file (the local api-server makes its own), the
# scheduler's health endpoint (container healthchecks), and the locations of the articles and
# dumps (local: DATABASE_URL or the embedded server, ARTICLES_RAW_DIR, $AIRFLOW_HOME/reports).
DOCKER_ONLY = {"AIRFLOW__API__SECRET_KEY", "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS",
               "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE", "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK",
               "AIRFLOW_CONN_ARTICLES_DB"}  # fmt: skip
# compose service -> what scripts/stack_services.sh starts for it
SERVICES = {"airflow-apiserver": "airflow api-server", "airflow-scheduler": "airflow \"$component\"",
            "airflow-dag-processor": "dag-processor", "airflow-triggerer": "triggerer",
            "airflow-worker": "airflow celery worker", "redis": "redis-server"}  # fmt: skip


def test_the_stack_has_the_compose_files_airflow_settings_and_services(tmp_path: Path) -> None:
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    shared = {k for k in compose["x-airflow-common"]["environment"] if k.startswith("AIRFLOW")} - DOCKER_ONLY
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "NEWSCLEAN_AIRFLOW_HOME": str(tmp_path / "home")}
    printed = subprocess.run(["bash", "-c", "source scripts/stack_env.sh && env"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    stack = dict(line.split("=", 1) for line in printed.stdout.splitlines() if "=" in line)
    assert shared and shared <= set(stack), shared - set(stack)
    assert stack["AIRFLOW__CORE__EXECUTOR"] == compose["x-airflow-common"]["environment"]["AIRFLOW__CORE__EXECUTOR"]
    assert stack["AIRFLOW__CELERY__RESULT_BACKEND"] == "db+" + stack["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    started = (ROOT / "scripts" / "stack_services.sh").read_text(encoding="utf-8")
    long_running = {name for name, service in compose["services"].items()
                    if name.startswith("airflow-") and name != "airflow-init"} | {"redis"}  # fmt: skip
    assert long_running == set(SERVICES)
    assert all(command in started for command in SERVICES.values())


def test_write_day_makes_the_articles_it_says(tmp_path: Path) -> None:
    assert write_day(tmp_path / "d", files=2, per_file=3) == 6
    lines = [json.loads(line) for f in sorted((tmp_path / "d").iterdir()) for line in f.read_text().splitlines()]
    assert len(lines) == 6 and len({r["url"] for r in lines}) == 6
    assert all(r["text"].count("\n\n") == 2 for r in lines)
