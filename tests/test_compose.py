"""docker-compose.yml: the production stack's structure (and `docker compose config` when available)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from .conftest import ROOT

COMPOSE = ROOT / "docker-compose.yml"
AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
)


def load() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_stack_has_every_airflow_component_redis_and_postgres() -> None:
    services = load()["services"]
    assert set(AIRFLOW_SERVICES) | {"postgres", "redis", "airflow-init"} <= set(services)
    commands = {name: services[name]["command"] for name in AIRFLOW_SERVICES}
    assert commands == {
        "airflow-apiserver": "api-server",
        "airflow-scheduler": "scheduler",
        "airflow-dag-processor": "dag-processor",
        "airflow-triggerer": "triggerer",
        "airflow-worker": "celery worker",
    }


def test_workers_scale_and_share_raw_dumps_staging_and_connection() -> None:
    services = load()["services"]
    worker = services["airflow-worker"]
    assert "container_name" not in worker and "ports" not in worker  # --scale needs both absent
    env = worker["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW_CONN_ARTICLES_DB"].startswith("postgresql://articles:")
    assert env["ARTICLES_RAW_DIR"] == "/data/raw"
    targets = {v.rsplit(":", 2)[-2] if v.endswith((":ro", ":rw")) else v.rsplit(":", 1)[-1] for v in worker["volumes"]}
    assert {"/data/raw", "/data/staging", "/opt/airflow/dags"} <= targets


def test_one_postgres_server_holds_both_databases() -> None:
    init = (ROOT / "docker" / "postgres-init.sql").read_text(encoding="utf-8")
    assert "CREATE DATABASE airflow" in init and "CREATE DATABASE articles" in init
    env = load()["services"]["airflow-scheduler"]["environment"]
    assert "@postgres:5432/airflow" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose is not installed")
def test_docker_compose_config_accepts_the_file() -> None:
    done = subprocess.run(["docker-compose", "-f", str(COMPOSE), "config", "--quiet"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
