from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline import Cleaner, RawArticle

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
EXPECTED_FIELDS = (
    "title",
    "subtitle",
    "section",
    "authors",
    "published",
    "updated",
    "dateline",
    "paragraphs",
    "captions",
)


def shared_path(*parts: str) -> Path:
    """A path under ../shared/, or a skip when this machine does not have it (users' machines don't)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path


@pytest.fixture(scope="session")
def cleaner() -> Cleaner:
    return Cleaner.from_files()


@pytest.fixture
def clean_text(cleaner: Cleaner):  # type: ignore[no-untyped-def]
    def run(text: str, **meta: Any):  # type: ignore[no-untyped-def]
        return cleaner.clean(RawArticle(source_file="test.txt", text=text, **meta))

    return run


def run_cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=cwd, env=env)


def cli_json(*args: str) -> list[dict[str, Any]]:
    done = run_cli("clean", "--json", *args)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


# ---------------------------------------------------------------- PostgreSQL
TEST_DATABASE = "newsclean_test"


@pytest.fixture(scope="session")
def db_url():  # type: ignore[no-untyped-def]
    """DATABASE_URL when set (a scratch database: tests drop and recreate its public schema),
    else a newsclean_test database on the embedded server."""
    from pipeline.store.db import embedded_url, normalize_url

    if os.environ.get("DATABASE_URL"):
        return normalize_url(os.environ["DATABASE_URL"])
    return embedded_url(TEST_DATABASE)


def reset_schema(engine) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from pipeline.store.migrate import migrate

    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
        stages = connection.execute(
            sa.text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'newsclean\\_stage\\_%'")
        ).scalars()
        for stage in list(stages):
            connection.execute(sa.text(f"DROP SCHEMA {stage} CASCADE"))
    migrate(engine)


@pytest.fixture
def engine(db_url):  # type: ignore[no-untyped-def]
    from pipeline.store.db import create_engine

    engine = create_engine(db_url)
    reset_schema(engine)
    yield engine
    engine.dispose()


SNAPSHOT_QUERIES = {
    "articles": "SELECT article_id, article_key, source, url, external_id, source_file, source_line, title, subtitle,"
    " section, authors, published_at, updated_at, dateline, body, paragraph_count, removed_count, removed_chars,"
    " input_chars, content_hash, batch_id, cluster_id, search::text, language, encoding, status, quarantine_reason,"
    " loaded_at FROM articles ORDER BY article_key",
    "paragraphs": "SELECT a.article_key, p.position, p.source_position, p.text FROM paragraphs p"
    " JOIN articles a USING (article_id) ORDER BY 1, 2",
    "captions": "SELECT a.article_key, c.position, c.text, c.credit FROM captions c JOIN articles a USING (article_id)"
    " ORDER BY 1, 2",
    "removals": "SELECT a.article_key, r.seq, r.position, r.rule, r.category, r.scope, r.text FROM removals r"
    " JOIN articles a USING (article_id) ORDER BY 1, 2",
    "rejected_inputs": "SELECT batch_id, source_file, line, reason, rejected_at FROM rejected_inputs ORDER BY 1, 2, 3",
    "source_line_counts": "SELECT source, line_hash, articles FROM source_line_counts ORDER BY 1, 2",
    "source_stats": "SELECT source, articles FROM source_stats ORDER BY 1",
    "article_signatures": "SELECT a.article_key, s.minhash FROM article_signatures s JOIN articles a USING (article_id)"
    " ORDER BY 1",
    "lsh_bands": "SELECT b.band, b.bucket, a.article_key FROM lsh_bands b JOIN articles a USING (article_id)"
    " ORDER BY 1, 2, 3",
    "batches": "SELECT batch_id, input_path, status, files_seen, articles_delivered, articles_loaded, paragraphs_kept,"
    " pieces_removed, captions_kept, inputs_rejected, articles_quarantined, error FROM batches ORDER BY 1",
    "article_deliveries": "SELECT * FROM article_deliveries ORDER BY 1, 2",
    "article_versions": "SELECT article_key, batch_id, title, subtitle, body, text_hash, content_hash, loaded_at"
    " FROM article_versions ORDER BY 1, 2",
    "batch_line_counts": "SELECT * FROM batch_line_counts ORDER BY 1, 2, 3",
    "batch_source_counts": "SELECT * FROM batch_source_counts ORDER BY 1, 2",
    "source_line_samples": "SELECT * FROM source_line_samples ORDER BY 1, 2",
    "source_removal_stats": "SELECT source, articles, round(ratio_sum::numeric, 9), round(ratio_squares::numeric, 9)"
    " FROM source_removal_stats ORDER BY 1",
    "quarantine_decisions": "SELECT article_key, content_hash, decision, note FROM quarantine_decisions ORDER BY 1",
    "learned_vetoes": "SELECT source, line_hash, note FROM learned_vetoes ORDER BY 1, 2",
    # staging of runs that never published: none once a run of the batch has published
    "staging": "SELECT count(*) FROM staging_runs UNION ALL"
    " SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'newsclean_stage_%'",
}


def snapshot(engine, volatile: bool = True) -> dict[str, list[tuple[Any, ...]]]:  # type: ignore[no-untyped-def]
    """Every row of every table (ledger timestamps and run counts aside). volatile=False also
    leaves out ids and load/rejection times, to compare databases built by different runs."""
    import sqlalchemy as sa

    result = {}
    with engine.connect() as connection:
        for table, query in SNAPSHOT_QUERIES.items():
            if not volatile:
                query = query.replace("article_id, article_key", "article_key").replace(", loaded_at", "")
                query = query.replace(", rejected_at", "")
            result[table] = [tuple(row) for row in connection.execute(sa.text(query))]
    return result


def scalar(engine, query: str, **params: Any) -> Any:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    with engine.connect() as connection:
        return connection.execute(sa.text(query), params).scalar()


# ---------------------------------------------------------------- S3 (moto's server mode)
S3_FAKE_ACCESS_KEY = "AKIANEWSCLEANFAKE0042"
S3_FAKE_SECRET_KEY = "fake/NewscleanSecretKey+0123456789abcdefXYZ"


_BUCKETS: dict[str, int] = {}


class S3Server(str):
    """The endpoint URL of a local S3-compatible server (moto) on 127.0.0.1, with helpers; the
    environment points the AWS SDKs (boto3, s3fs) at it."""

    access_key = S3_FAKE_ACCESS_KEY
    secret_key = S3_FAKE_SECRET_KEY

    @property
    def endpoint_url(self) -> str:
        return str(self)

    @property
    def env(self) -> dict[str, str]:
        """The variables the fixture sets (pass them on to subprocesses that should see the server)."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",  # never ask an instance-metadata address for credentials
            "AWS_CONFIG_FILE": os.devnull,  # a developer's ~/.aws profiles must not leak in
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }

    def filesystem(self):  # type: ignore[no-untyped-def]
        import s3fs

        return s3fs.S3FileSystem(skip_instance_cache=True)

    def make_bucket(self, prefix: str = "newsclean") -> str:
        """A new empty bucket, prefix-1, prefix-2, ... (the server lives for the whole session)."""
        _BUCKETS[prefix] = _BUCKETS.get(prefix, 0) + 1
        name = f"{prefix}-{_BUCKETS[prefix]}"
        self.filesystem().mkdir(name)
        return name

    def upload(self, local: Path, url: str) -> str:
        """Copy a local folder (or file) to s3://bucket/prefix; returns the URL."""
        fs = self.filesystem()
        if local.is_dir():
            for path in sorted(p for p in local.rglob("*") if p.is_file()):
                fs.put_file(str(path), f"{url.rstrip('/')}/{path.relative_to(local).as_posix()}")
        else:
            fs.put_file(str(local), url)
        return url


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_server():  # type: ignore[no-untyped-def]
    """moto's S3 server on a free port of 127.0.0.1 for the whole session, with fake credentials,
    endpoint and region set in os.environ (and so inherited by subprocesses, DAG runs included).

    Yields the endpoint URL (an S3Server: a str with .env, .make_bucket(), .upload(local_path,
    "s3://bucket/prefix") and .filesystem()).
    Skipped when moto[server] or s3fs is not installed (pip install -e '.[s3,dev]').
    """
    import socket
    import time

    pytest.importorskip("moto.server", reason="moto[server] is not installed")
    s3fs = pytest.importorskip("s3fs", reason="s3fs is not installed (the s3 extra)")
    for _attempt in range(3):  # another process may take the free port before the server binds it
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while server.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        if server.poll() is None and time.monotonic() < deadline:
            break
        server.kill()
        server.wait()
    else:
        pytest.fail("moto's S3 server did not start")
    endpoint = S3Server(f"http://127.0.0.1:{port}")
    patch = pytest.MonkeyPatch()
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        patch.delenv(key, raising=False)
    for key, value in endpoint.env.items():
        patch.setenv(key, value)
    no_proxy = ",".join(filter(None, [os.environ.get("NO_PROXY"), "127.0.0.1", "localhost"]))
    patch.setenv("NO_PROXY", no_proxy)
    patch.setenv("no_proxy", no_proxy)
    s3fs.S3FileSystem.clear_instance_cache()  # instances made before hold other credentials
    try:
        yield endpoint
    finally:
        s3fs.S3FileSystem.clear_instance_cache()
        patch.undo()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# ---------------------------------------------------------------- Airflow
@pytest.fixture(scope="session")
def airflow_env(tmp_path_factory: pytest.TempPathFactory, db_url: Any) -> Iterator[dict[str, str]]:
    """A throwaway AIRFLOW_HOME (SQLite metadata) whose articles_db connection is the test database:
    one per session, since Airflow binds its metadata database when first configured."""
    home = tmp_path_factory.mktemp("airflow_home")
    conn = {
        "conn_type": "postgres",
        "login": db_url.username,
        "password": db_url.password,
        "host": db_url.host or db_url.query.get("host"),
        "port": db_url.port,
        "schema": db_url.database,
    }
    env = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW_CONN_ARTICLES_DB": json.dumps(conn),
        # dag.test() of Airflow 3.3.2 fails a run that ends while the DAG has a DeadlineAlert (it
        # looks the alert up by its serialized form instead of its id); deadlines are tested on the
        # running stack (tests/test_stack.py) and by their callback (tests/test_deadlines.py).
        "ARTICLES_DEADLINE_HOURS": "0",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    from airflow.utils import db as airflow_db

    airflow_db.resetdb()
    yield env
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
