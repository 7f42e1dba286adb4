"""Batches read from a real S3 API (moto's server on 127.0.0.1): the same rows as from a folder,
through `run` and through the DAG; shards cleaned and published by separate processes with no
shared disk; credentials never printed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from pipeline.run.runner import run_batch

from .conftest import FIXTURES, ROOT, reset_schema, snapshot
from .test_dag import run_dag

DAY = "2024-11-05"
# Every column users see, with the object URL of an input cut back to its name in the batch.
COMPARABLE = {
    "articles": "SELECT article_key, source, url, regexp_replace(source_file, '^s3://.*/raw/[^/]+/', ''),"
    " source_line, title, subtitle, section, authors, published_at, updated_at, dateline, body, paragraph_count,"
    " removed_count, removed_chars, input_chars, batch_id, cluster_id, search::text, language, encoding, status"
    " FROM articles ORDER BY article_key",
    "paragraphs": "SELECT a.article_key, p.position, p.source_position, p.text FROM paragraphs p"
    " JOIN articles a USING (article_id) ORDER BY 1, 2",
    "removals": "SELECT a.article_key, r.seq, r.position, r.rule, r.category, r.scope, r.text FROM removals r"
    " JOIN articles a USING (article_id) ORDER BY 1, 2",
    "captions": "SELECT a.article_key, c.position, c.text, c.credit FROM captions c"
    " JOIN articles a USING (article_id) ORDER BY 1, 2",
    "rejected": "SELECT batch_id, regexp_replace(source_file, '^s3://.*/raw/[^/]+/', ''), line, reason"
    " FROM rejected_inputs ORDER BY 2, 3",
    "lines": "SELECT * FROM source_line_counts ORDER BY 1, 2",
    "batches": "SELECT batch_id, status, files_seen, articles_loaded, paragraphs_kept, pieces_removed,"
    " captions_kept, inputs_rejected, articles_quarantined FROM batches",
}


def comparable(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {name: [tuple(r) for r in connection.execute(sa.text(q))] for name, q in COMPARABLE.items()}


def local_batch(tmp_path: Path) -> Path:
    folder = tmp_path / "raw" / DAY
    (folder / "wire").mkdir(parents=True)
    for path in (FIXTURES / "articles").glob("*.txt"):
        shutil.copy(path, folder / "wire" / path.name)
    records = [{"url": f"https://regional.example.org/ferry-{n}", "title": f"Ferry line {n} reopens",
                "text": f"The ferry line {n} will reopen in April after repairs to its pier, the operator said."}
               for n in range(3)]  # fmt: skip
    (folder / "feed.jsonl").write_text("\n".join(map(json.dumps, records)) + "\n{broken\n", encoding="utf-8")
    (folder / "scan.txt").write_bytes(bytes(range(256)) * 4)  # binary: rejected
    (folder / "cafe.txt").write_bytes(
        "Café owners in Zürich say the new rules on terraces will cost them their best summer months, "
        "and the city council promised to look at the plan again before the season begins.".encode("cp1252")
    )
    return folder


@pytest.fixture
def bucket_batch(s3_server: Any, tmp_path: Path) -> tuple[Path, str]:
    folder = local_batch(tmp_path)
    bucket = s3_server.make_bucket("batches")
    return folder, s3_server.upload(folder, f"s3://{bucket}/raw/{DAY}")


def test_a_batch_from_a_bucket_loads_the_rows_of_the_same_folder(
    engine: sa.Engine, bucket_batch: tuple[Path, str]
) -> None:
    folder, url = bucket_batch
    run_batch(engine, folder, DAY)
    from_folder = comparable(engine)
    reset_schema(engine)
    report = run_batch(engine, url, DAY, files_per_shard=2, workers=2)
    assert comparable(engine) == from_folder
    assert report.files == 6 and report.rejected_count == 2
    with engine.connect() as connection:
        rejected = dict(connection.execute(sa.text("SELECT source_file, reason FROM rejected_inputs")).all())
        encodings = dict(connection.execute(sa.text("SELECT source_file, encoding FROM articles")).all())
    assert set(rejected) == {f"{url}/scan.txt", f"{url}/feed.jsonl"}  # the object's URL, and why
    assert "binary" in rejected[f"{url}/scan.txt"] and "invalid JSON" in rejected[f"{url}/feed.jsonl"]
    assert encodings[f"{url}/cafe.txt"] in ("cp1252", "iso8859-1")


def test_the_dag_reads_a_bucket_with_the_connections_credentials(
    airflow_env: dict[str, str],
    engine: sa.Engine,
    s3_server: Any,
    bucket_batch: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    folder, url = bucket_batch
    run_batch(engine, folder, DAY)
    from_folder = comparable(engine)
    reset_schema(engine)
    # no credentials in the environment: only the articles_raw connection has them
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AIRFLOW_CONN_ARTICLES_RAW", json.dumps({
        "conn_type": "aws", "login": s3_server.access_key, "password": s3_server.secret_key,
        "extra": {"endpoint_url": s3_server.endpoint_url, "region_name": "us-east-1"},
    }))  # fmt: skip
    monkeypatch.setenv("ARTICLES_RAW_DIR", url.rsplit("/", 1)[0])
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()
    ok, states = run_dag(airflow_env, {"batch": DAY, "files_per_shard": 2})
    assert ok, states
    assert comparable(engine) == from_folder
    logged = capfd.readouterr()
    assert s3_server.secret_key not in logged.out + logged.err
    assert s3_server.access_key not in logged.out + logged.err


STEP = """
import json, sys
from pipeline.run import tasks
step, argument, db = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
if step == "plan":
    print(json.dumps(tasks.plan(argument["batch"], "separate", argument["input"], 2, db_url=db)))
elif step in ("learn", "clean"):
    print(getattr(tasks, step)(argument["run"], argument["shard"], db_url=db))
elif step == "merge_learned":
    tasks.merge_learned(argument["run"], db_url=db)
else:
    print(json.dumps(tasks.publish(argument["run"], db_url=db)))
"""


def test_steps_on_separate_processes_with_no_shared_disk_equal_one_process(
    engine: sa.Engine, db_url: sa.URL, s3_server: Any, bucket_batch: tuple[Path, str], tmp_path: Path
) -> None:
    _, url = bucket_batch
    db = db_url.render_as_string(hide_password=False)
    outputs: list[str] = []

    def step(name: str, argument: dict[str, Any], host: int) -> str:
        """One step in a fresh process with a temp folder and working folder of its own (a "host")."""
        home = tmp_path / f"host{host}"
        (home / "tmp").mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "TMPDIR": str(home / "tmp"), "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-c", STEP, name, json.dumps(argument), db], cwd=home, env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout + done.stderr)
        return done.stdout

    works = json.loads(step("plan", {"batch": DAY, "input": url}, 0))
    assert len(works) >= 3
    for number, work in enumerate(works):
        step("learn", work, 10 + number)
    step("merge_learned", works[0], 1)
    for number, work in enumerate(works):
        step("clean", work, 20 + number)
    step("publish", works[0], 2)
    separate = snapshot(engine, volatile=False)
    assert all(s3_server.secret_key not in text for text in outputs)

    reset_schema(engine)
    run_batch(engine, url, DAY)
    assert snapshot(engine, volatile=False) == separate
