"""Every location option of the command takes a local path or an fsspec URL: the real `newsclean`
command (a subprocess) against moto's S3 server on 127.0.0.1 — `clean`, `run --input`, `backfill
--raw-dir`, `eval --gold-dir`, `report --html`, `--rules`, `--settings` — with and without a
trailing slash, and a missing bucket is a one-line usage error (exit 2) naming it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from .conftest import FIXTURES, ROOT, reset_schema
from .test_batches_from_object_storage import DAY, comparable, local_batch

GOLDEN = FIXTURES / "golden"
PROSE = (
    "The harbour authority said on Monday that the new sea wall would be finished by the spring.",
    "Got a tip? Email tips@example.org",
    "Engineers said the old wall had been damaged by the storms of the last two winters in a row.",
    "The vote is set for next Tuesday.",
    "The vote is set for next Tuesday.",
)
RULES = "rules:\n  - id: mine.tip_line\n    category: furniture\n    pattern: 'Got a tip\\? Email .*'\n"
SETTINGS = "repetition:\n  min_words_exact: 5\n"  # the repeated 7-word line goes


def newsclean(*args: str, db_url: sa.URL | None = None) -> subprocess.CompletedProcess[str]:
    """The command as a user types it (the console script beside this Python), in a subprocess."""
    env = dict(os.environ)
    if db_url is not None:
        env["DATABASE_URL"] = db_url.render_as_string(hide_password=False)
    script = Path(sys.executable).with_name("newsclean")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pipeline"]
    return subprocess.run([*command, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def bucket(s3_server: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One bucket with a batch folder, an article, a rules and a settings file and the golden pages."""
    tmp = tmp_path_factory.mktemp("locations")
    name = s3_server.make_bucket("locations")
    folder = local_batch(tmp)
    s3_server.upload(folder, f"s3://{name}/raw/{DAY}")
    article = tmp / "wall.txt"
    article.write_text("\n\n".join(PROSE), encoding="utf-8")
    for local, text in ((tmp / "mine.yaml", RULES), (tmp / "narrow.yaml", SETTINGS)):
        local.write_text(text, encoding="utf-8")
        s3_server.upload(local, f"s3://{name}/config/{local.name}")
    s3_server.upload(article, f"s3://{name}/one/wall.txt")
    s3_server.upload(GOLDEN, f"s3://{name}/gold")
    return {"name": name, "folder": folder, "tmp": tmp, "article": article, "s3": s3_server}


@pytest.mark.parametrize("slash", ["", "/"], ids=["no-slash", "slash"])
def test_run_input_from_a_bucket_equals_the_folder(
    engine: sa.Engine, db_url: sa.URL, bucket: dict[str, Any], slash: str
) -> None:
    local = newsclean("run", "--input", str(bucket["folder"]), "--batch", DAY, "--json", db_url=db_url)
    assert local.returncode == 0, local.stderr
    from_folder = comparable(engine)
    reset_schema(engine)
    url = f"s3://{bucket['name']}/raw/{DAY}{slash}"
    remote = newsclean("run", "--input", url, "--batch", DAY, "--json", db_url=db_url)
    assert remote.returncode == 0, remote.stderr
    assert json.loads(remote.stdout)["articles"] == json.loads(local.stdout)["articles"] > 0
    assert comparable(engine) == from_folder


@pytest.mark.parametrize(
    "command",
    [
        ("run", "--batch", DAY, "--input", "{missing}/raw/{day}/"),
        ("backfill", "--from", DAY, "--to", DAY, "--raw-dir", "{missing}/raw"),
        ("clean", "{missing}/raw/{day}"),
        ("eval", "--gold-dir", "{missing}/gold/"),
        ("clean", "--rules", "{missing}/mine.yaml", "{article}"),
        ("clean", "--settings", "{missing}/narrow.yaml", "{article}"),
    ],
    ids=["run", "backfill", "clean", "eval", "rules", "settings"],
)
def test_a_missing_bucket_is_a_usage_error_naming_it(
    db_url: sa.URL, bucket: dict[str, Any], command: tuple[str, ...]
) -> None:
    missing = f"s3://no-such-bucket-{os.getpid()}"
    args = [a.format(missing=missing, day=DAY, article=bucket["article"]) for a in command]
    done = newsclean(*args, db_url=db_url)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()  # one line, no traceback
    assert line.startswith(f"error: {missing}/"), line
    assert bucket["s3"].secret_key not in done.stderr + done.stdout


def test_backfill_raw_dir_in_a_bucket(engine: sa.Engine, db_url: sa.URL, bucket: dict[str, Any]) -> None:
    done = newsclean("backfill", "--from", DAY, "--to", DAY, "--raw-dir", f"s3://{bucket['name']}/raw/", "--json",
                     db_url=db_url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    (outcome,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert outcome["batch_id"] == DAY and outcome["articles"] > 0


@pytest.mark.parametrize("slash", ["", "/"], ids=["no-slash", "slash"])
def test_clean_a_bucket_prefix_equals_the_folder(bucket: dict[str, Any], slash: str) -> None:
    local = newsclean("clean", "--json", str(bucket["folder"]))
    remote = newsclean("clean", "--json", f"s3://{bucket['name']}/raw/{DAY}{slash}")
    assert local.returncode == remote.returncode == 1  # the batch's two bad inputs, named in both
    titles = [json.loads(line)["title"] for line in local.stdout.splitlines()]
    assert titles and [json.loads(line)["title"] for line in remote.stdout.splitlines()] == titles


@pytest.mark.parametrize(
    ("option", "name", "paragraphs"),
    [("--rules", "mine.yaml", 4), ("--settings", "narrow.yaml", 4)],
    ids=["rules", "settings"],
)
def test_rules_and_settings_files_from_a_bucket(bucket: dict[str, Any], option: str, name: str,
                                                paragraphs: int) -> None:  # fmt: skip
    def cleaned(*args: str) -> dict[str, Any]:
        done = newsclean("clean", "--json", *args, str(bucket["article"]))
        assert done.returncode == 0, done.stderr
        return dict(json.loads(done.stdout))

    shipped = cleaned()
    remote = cleaned(option, f"s3://{bucket['name']}/config/{name}")
    assert len(shipped["paragraphs"]) == 5 and len(remote["paragraphs"]) == paragraphs  # the file took effect
    local = bucket["tmp"] / name
    assert remote["paragraphs"] == cleaned(option, str(local))["paragraphs"]


def test_run_with_settings_from_a_bucket_reaches_the_workers(
    engine: sa.Engine, db_url: sa.URL, bucket: dict[str, Any]
) -> None:
    settings = f"s3://{bucket['name']}/config/narrow.yaml"
    done = newsclean("run", "--input", f"s3://{bucket['name']}/one/", "--batch", DAY, "--settings", settings,
                     "--rules", f"s3://{bucket['name']}/config/mine.yaml", "--workers", "2", db_url=db_url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT paragraph_count FROM articles")).scalar_one()
        rules = connection.execute(sa.text("SELECT array_agg(DISTINCT rule) FROM removals")).scalar_one()
    assert count == 3 and "mine.tip_line" in rules  # both files applied in the pool's processes


@pytest.mark.parametrize("slash", ["", "/"], ids=["no-slash", "slash"])
def test_eval_gold_dir_in_a_bucket(bucket: dict[str, Any], slash: str) -> None:
    local = newsclean("eval", "--gold-dir", str(GOLDEN), "--input", "extracted", "--json")
    remote = newsclean("eval", "--gold-dir", f"s3://{bucket['name']}/gold{slash}", "--input", "extracted", "--json")
    assert local.returncode == remote.returncode == 0, remote.stderr
    figures = ("pages", "f1", "precision", "recall", "snippets_kept", "snippets_dropped")
    mine, theirs = json.loads(remote.stdout), json.loads(local.stdout)
    assert mine["pages"] > 0 and {k: mine[k] for k in figures} == {k: theirs[k] for k in figures}


def test_report_html_to_a_bucket(engine: sa.Engine, db_url: sa.URL, bucket: dict[str, Any]) -> None:
    assert newsclean("run", "--input", str(bucket["folder"]), "--batch", DAY, db_url=db_url).returncode == 0
    url = f"s3://{bucket['name']}/reports/{DAY}.html"
    done = newsclean("report", "--batch", DAY, "--html", url, db_url=db_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {url}"
    page = bucket["s3"].filesystem().cat_file(url.removeprefix("s3://")).decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and f"Batch {DAY}" in page
