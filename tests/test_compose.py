"""The production stack (docker-compose.yml, Dockerfile, docker/): its structure, `docker compose config`
(when a compose client is installed: `make test` installs Debian's docker-compose when it can), and
the init scripts run for real (the PostgreSQL one against a throwaway server)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT

COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
)
ONE_SHOT = {"airflow-init", "minio-init"}  # run to completion; the others depend on their success
# Every secret the stack needs, required from the environment (.env): no defaults.
REQUIRED = (
    "POSTGRES_PASSWORD",
    "AIRFLOW_DB_PASSWORD",
    "ARTICLES_DB_PASSWORD",
    "REDIS_PASSWORD",
    "AIRFLOW_ADMIN_PASSWORD",
    "AIRFLOW_JWT_SECRET",
    "AIRFLOW_API_SECRET_KEY",
    "MINIO_ROOT_PASSWORD",
    "ARTICLES_S3_SECRET_KEY",
)
REQUIRED_VARIABLE = r"\$\{[A-Z0-9_]+:\?[^}]*\}"  # ${NAME:?message}
SECRET_SETTING = r"^\s+([A-Z0-9_]*(?:PASSWORD|SECRET|SECRET_KEY|SECRET_ACCESS_KEY|_AUTH))\s*:\s*(.+)$"
SECRETS = {name: f"test-{name.lower().replace('_', '-')}-9f3a" for name in REQUIRED}


def load() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def compose_command() -> list[str] | None:
    """`docker compose` (the v2 plugin) or `docker-compose` (Debian's package), whichever works."""
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def compose_config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = compose_command()
    if command is None:
        pytest.skip("no compose client (docker compose / docker-compose): `make test` installs Debian's when it can")
    clean = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    return subprocess.run([*command, "-f", str(COMPOSE), "config"], capture_output=True, text=True,
                          env={**clean, **env}, cwd=ROOT, timeout=120)  # fmt: skip


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    """The file as compose resolves it, with every required secret set."""
    done = compose_config(SECRETS)
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)  # type: ignore[no-any-return]


def test_stack_has_every_airflow_component_redis_postgres_and_minio() -> None:
    services = load()["services"]
    assert set(AIRFLOW_SERVICES) | {"postgres", "redis", "minio"} | ONE_SHOT == set(services)
    commands = {name: services[name]["command"] for name in AIRFLOW_SERVICES}
    assert commands == {
        "airflow-apiserver": ["bash", "/opt/newsclean/airflow-api-server.sh"],
        "airflow-scheduler": "scheduler",
        "airflow-dag-processor": "dag-processor",
        "airflow-triggerer": "triggerer",
        "airflow-worker": "celery worker",
    }


def test_compose_config_accepts_the_file_and_requires_every_secret(config: dict[str, Any]) -> None:
    assert set(config["services"]) == set(load()["services"])
    for missing in ("POSTGRES_PASSWORD", "AIRFLOW_ADMIN_PASSWORD", "ARTICLES_S3_SECRET_KEY"):
        done = compose_config({k: v for k, v in SECRETS.items() if k != missing})
        assert done.returncode != 0 and missing in done.stderr, (missing, done.stderr)


def test_every_long_running_service_has_a_healthcheck(config: dict[str, Any]) -> None:
    services = config["services"]
    for name, service in services.items():
        if name in ONE_SHOT:
            assert service.get("restart") == "no", name
            continue
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    checks = {name: " ".join(services[name]["healthcheck"]["test"]) for name in services if name not in ONE_SHOT}
    assert "/api/v2/monitor/health" in checks["airflow-apiserver"]
    assert ":8974/health" in checks["airflow-scheduler"]
    assert services["airflow-scheduler"]["environment"]["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "true"
    assert "--job-type DagProcessorJob" in checks["airflow-dag-processor"]
    assert "--job-type TriggererJob" in checks["airflow-triggerer"]
    assert "inspect ping" in checks["airflow-worker"]
    assert "pg_isready" in checks["postgres"] and "redis-cli ping" in checks["redis"]
    assert "mc ready local" in checks["minio"]
    for name in AIRFLOW_SERVICES:  # started only once both schemas and the bucket are there
        depends = services[name]["depends_on"]
        assert depends["airflow-init"]["condition"] == "service_completed_successfully", name
        assert depends["minio-init"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name


def test_no_hard_coded_passwords_in_the_compose_file_or_docker_folder() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    # credentials in URLs are variables, required ones
    for user, password in re.findall(r"://([\w-]*):([^@\n]+)@", text):
        assert re.fullmatch(REQUIRED_VARIABLE, password), f"{user}: {password}"
    # every password-, secret- or key-like setting is a required variable
    for key, value in re.findall(SECRET_SETTING, text, re.MULTILINE):
        assert re.fullmatch(REQUIRED_VARIABLE, value.strip()), f"{key}: {value}"
    for required in REQUIRED:
        assert f"${{{required}:?" in text, required
        assert f"${{{required}:-" not in text, required
    assert not list((ROOT / "docker").glob("*.sql")), "docker/postgres-init.sql is replaced by the .sh script"
    for path in (ROOT / "docker").iterdir():
        script = path.read_text(encoding="utf-8")
        assert not re.search(r"PASSWORD\s+'", script), path  # a literal password in SQL
        assert not re.search(r"(?i)password\s*[=:]\s*['\"]?\w", script.replace(":'", "")), path
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for required in REQUIRED:
        assert re.search(rf"^{required}=$", env_example, re.MULTILINE), required


def test_postgres_is_not_published_on_every_interface(config: dict[str, Any]) -> None:
    services = config["services"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == SECRETS["POSTGRES_PASSWORD"]
    for name in ("postgres", "redis", "minio"):
        for port in services[name].get("ports", []):
            host_ip = port.get("host_ip") if isinstance(port, dict) else str(port).rsplit(":", 2)[0]
            assert host_ip == "127.0.0.1", (name, port)
    assert not services["postgres"].get("ports")


def test_no_staging_volume_or_setting_anywhere(config: dict[str, Any]) -> None:
    assert not [v for v in config.get("volumes", {}) if "staging" in v]
    for service in config["services"].values():
        assert not [v for v in service.get("volumes", []) if "staging" in str(v)]
        assert "ARTICLES_STAGING_DIR" not in service.get("environment", {})
    files = [COMPOSE, DOCKERFILE, ROOT / "README.md", ROOT / "Makefile", *(ROOT / "scripts").iterdir()]
    files += [*(ROOT / "docker").iterdir(), *(ROOT / "dags").glob("*.py"), *(ROOT / "pipeline").rglob("*.py")]
    assert not [str(f) for f in files if f.is_file() and "ARTICLES_STAGING_DIR" in f.read_text(encoding="utf-8")]


def test_raw_dumps_come_from_a_minio_bucket(config: dict[str, Any]) -> None:
    services = config["services"]
    assert re.search(r"RELEASE\.\d{4}-", services["minio"]["image"]), "MinIO's image tag is pinned"
    assert re.search(r"RELEASE\.\d{4}-", services["minio-init"]["image"])
    init = " ".join(services["minio-init"]["command"]).replace("$$", "$")  # compose's escape of $
    assert 'mc mb --ignore-existing "local/$ARTICLES_BUCKET"' in init
    # the workers' key reads the bucket and writes only the report pages
    assert 'mc admin policy attach local newsclean-workers --user "$ARTICLES_S3_ACCESS_KEY"' in init
    policy = json.loads(init[init.index("<<EOF") + 5 : init.index("EOF", init.index("<<EOF") + 5)])
    writes = [s["Resource"] for s in policy["Statement"] if any(a.startswith("s3:Put") for a in s["Action"])]
    assert writes == [["arn:aws:s3:::$ARTICLES_BUCKET/reports/*"]]
    for name in AIRFLOW_SERVICES:
        env = services[name]["environment"]
        assert env["ARTICLES_RAW_DIR"] == "s3://articles/raw"
        assert env["ARTICLES_REPORTS_DIR"] == "s3://articles/reports"
        assert env["AWS_ENDPOINT_URL"] == "http://minio:9000"
        assert env["AWS_ACCESS_KEY_ID"] == services["minio-init"]["environment"]["ARTICLES_S3_ACCESS_KEY"]
        assert env["AWS_SECRET_ACCESS_KEY"] == SECRETS["ARTICLES_S3_SECRET_KEY"]
        assert "MINIO_ROOT_PASSWORD" not in env  # the workers get the read-only key, not MinIO's root login
        assert ("AIRFLOW_ADMIN_PASSWORD" in env) == (name == "airflow-apiserver")


def test_workers_scale_and_share_nothing_but_the_network(config: dict[str, Any]) -> None:
    worker = config["services"]["airflow-worker"]
    assert "container_name" not in worker and "ports" not in worker  # --scale needs both absent
    env = worker["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW_CONN_ARTICLES_DB"].startswith("postgresql://articles:")
    assert "@postgres:5432/airflow" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    targets = {str(v["target"]) if isinstance(v, dict) else str(v).split(":")[1] for v in worker["volumes"]}
    assert targets == {"/opt/airflow/logs"}  # the DAG is in the image; staging is in PostgreSQL


def test_image_installs_the_wheel_not_the_source_tree() -> None:
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    instructions = [line for line in dockerfile.splitlines() if line and not line.startswith("#")]
    runs = [line for line in instructions if line.startswith("RUN ")]
    assert any("pip wheel" in run and "--no-deps" in run for run in runs)
    final = dockerfile[dockerfile.rindex("\nFROM ") :]  # the last stage: what the image holds
    assert final.startswith("\nFROM apache/airflow:3.3.2")
    (install,) = [line for line in final.splitlines() if line.startswith("RUN ") and "pip install" in line]
    assert "newsclean_pipeline-*.whl)[s3]" in install and "-c /tmp/constraints.txt" in install
    assert " -e " not in dockerfile and "pgserver" not in dockerfile and "dev]" not in dockerfile
    assert not re.search(r"COPY\s+(--\S+\s+)*(pipeline|sql)/", final), "no source tree in the image"
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert ignored[ignored.index("*") :][:1] == ["*"]  # everything not listed stays out of the build context


def test_postgres_init_script_creates_both_logins_with_the_passwords_given() -> None:
    pgserver = pytest.importorskip("pgserver", reason="a throwaway PostgreSQL server comes from pgserver")
    from pgserver._commands import POSTGRES_BIN_PATH

    socket_dir = tempfile.mkdtemp(prefix="nc-pg-")  # short: the server's Unix socket lives in it
    server = pgserver.get_server(socket_dir, cleanup_mode="delete")
    try:
        passwords = {"airflow": 'it\'s a "quoted" $secret; DROP ROLE x', "articles": "b\\ack:slash'"}
        env = {
            **os.environ,
            "PATH": f"{POSTGRES_BIN_PATH}{os.pathsep}{os.environ['PATH']}",
            "PGHOST": socket_dir,
            "POSTGRES_USER": "postgres",
            "AIRFLOW_DB_PASSWORD": passwords["airflow"],
            "ARTICLES_DB_PASSWORD": passwords["articles"],
        }
        done = subprocess.run(["bash", str(ROOT / "docker" / "postgres-init.sh")], env=env, capture_output=True,
                              text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stderr
        rows = server.psql("SELECT rolname || ' ' || rolpassword FROM pg_authid WHERE rolname LIKE 'a%'")
        stored = dict(line.strip().split(" ", 1) for line in rows.splitlines() if line.strip().startswith("a"))
        for role, password in passwords.items():
            assert scram_matches(stored[role], password), role
        owners = server.psql("SELECT datname || '=' || pg_get_userbyid(datdba) FROM pg_database")
        assert "airflow=airflow" in owners and "articles=articles" in owners
        missing = subprocess.run(["bash", str(ROOT / "docker" / "postgres-init.sh")], capture_output=True, text=True,
                                 env={k: v for k, v in env.items() if k != "ARTICLES_DB_PASSWORD"})  # fmt: skip
        assert missing.returncode != 0 and "set ARTICLES_DB_PASSWORD" in missing.stderr
    finally:
        server.cleanup()


def scram_matches(verifier: str, password: str) -> bool:
    """Whether PostgreSQL's SCRAM-SHA-256 verifier was made from `password` (RFC 5802/7677)."""
    method, rest = verifier.split("$", 1)
    iterations_salt, keys = rest.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key, server_key = keys.split(":")
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    server = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    return (
        method == "SCRAM-SHA-256"
        and base64.b64encode(hashlib.sha256(client).digest()).decode() == stored_key
        and base64.b64encode(server).decode() == server_key
    )


def test_api_server_script_writes_the_admin_password_file(tmp_path: Path) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "airflow").write_text('#!/bin/sh\necho "airflow $* admin=${AIRFLOW_ADMIN_PASSWORD:-unset}"\n')
    (fake_bin / "airflow").chmod(0o755)
    password = "p\"a\\ss wörd'"
    passwords_file = tmp_path / "passwords.json"
    env = {
        **os.environ,
        "PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}",
        "AIRFLOW_ADMIN_PASSWORD": password,
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords_file),
    }
    done = subprocess.run(["bash", str(ROOT / "docker" / "airflow-api-server.sh")], env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "airflow api-server admin=unset"  # the server does not see the password
    assert json.loads(passwords_file.read_text(encoding="utf-8")) == {"admin": password}
    assert passwords_file.stat().st_mode & 0o077 == 0


def test_minio_init_script_runs_and_writes_a_valid_policy(tmp_path: Path) -> None:
    """The one-shot's shell script as the mc image runs it, with a stand-in `mc` recording its calls."""
    fake = tmp_path / "mc"
    fake.write_text('#!/bin/sh\necho "$*" >> "$MC_LOG"\n'
                    'case "$*" in "admin policy create"*) cp "$6" "$MC_LOG.policy";; esac\n')  # fmt: skip
    fake.chmod(0o755)
    log = tmp_path / "calls"
    script = load()["services"]["minio-init"]["command"][0].replace("$$", "$")  # compose's escape of $
    env = {
        **os.environ,
        "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}",
        "MC_LOG": str(log),
        "MINIO_ROOT_USER": "root",
        "MINIO_ROOT_PASSWORD": "rootpw",
        "ARTICLES_BUCKET": "dumps",
        "ARTICLES_S3_ACCESS_KEY": "worker",
        "ARTICLES_S3_SECRET_KEY": "workerpw",
    }
    done = subprocess.run(["/bin/sh", "-euc", script], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    assert calls[:2] == ["alias set local http://minio:9000 root rootpw", "mb --ignore-existing local/dumps"]
    assert "admin user add local worker workerpw" in calls
    assert calls[-1] == "mirror --overwrite /samples local/dumps/raw"
    policy = json.loads(Path(f"{log}.policy").read_text())
    resources = {action: s["Resource"] for s in policy["Statement"] for action in s["Action"]}
    assert resources["s3:GetObject"] == ["arn:aws:s3:::dumps/*"]
    assert resources["s3:PutObject"] == ["arn:aws:s3:::dumps/reports/*"]
    assert resources["s3:ListBucket"] == ["arn:aws:s3:::dumps"]
