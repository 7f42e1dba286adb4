"""The command line as users drive it: output formats, psql passthrough, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.run.runner import run_batch

from .conftest import ROOT

SAMPLES = ROOT / "samples" / "raw"


@pytest.fixture
def cli(engine: sa.Engine, db_url: sa.URL):  # type: ignore[no-untyped-def]
    run_batch(engine, SAMPLES / "2024-11-05", "2024-11-05")
    env = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)  # fmt: skip

    return run


def test_query_prints_a_table_json_lines_or_csv(cli) -> None:  # type: ignore[no-untyped-def]
    search = ("query", "full_text_search", "--var", "q=ferry")
    table = cli(*search)
    assert table.returncode == 0 and "snippet" in table.stdout.splitlines()[0] and "«ferry»" in table.stdout.lower()
    rows = [json.loads(line) for line in cli(*search, "--json").stdout.splitlines()]
    assert rows and {"article_id", "title", "source", "published", "snippet", "rank"} == set(rows[0])
    as_csv = list(csv.DictReader(io.StringIO(cli(*search, "--csv").stdout)))
    assert [r["article_id"] for r in as_csv] == [str(r["article_id"]) for r in rows]


def test_report_as_text_json_and_csv(cli) -> None:  # type: ignore[no-untyped-def]
    assert "status:      published" in cli("report", "--batch", "2024-11-05").stdout
    report = json.loads(cli("report", "--batch", "2024-11-05", "--json").stdout)
    assert report["articles"] == 4 and report["rejected"] == 1
    (row,) = csv.DictReader(io.StringIO(cli("report", "--batch", "2024-11-05", "--csv").stdout))
    assert row["articles"] == "4" and int(row["removed_newsletter"]) == report["removed_by_category"]["newsletter"]


@pytest.mark.skipif(shutil.which("psql") is None, reason="psql is not installed")
def test_db_psql_passes_every_argument_to_psql(cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("db", "psql", "-A", "-t", "-c", "select count(*) from articles")
    assert done.returncode == 0 and done.stdout.strip() == "4", done.stderr
    described = cli("db", "psql", "-c", r"\d+ articles")
    assert "article_key" in described.stdout and "Identity of the story" in described.stdout


def test_errors_are_one_line_with_a_documented_status(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.sql"
    bad.write_text("SELECT * FROM no_such_table;")
    failed = cli("query", str(bad))
    assert failed.returncode == 1 and failed.stderr.startswith("error: ") and failed.stderr.count("\n") == 1
    assert "no_such_table" in failed.stderr
    unknown = cli("query", "no_such_query")
    assert unknown.returncode == 2 and "known:" in unknown.stderr
    missing = cli("report", "--batch", "never-ran")
    assert missing.returncode == 2 and missing.stderr == "error: no batch 'never-ran' in the ledger\n"


def test_every_data_command_has_json(cli) -> None:  # type: ignore[no-untyped-def]
    for args in (["learned", "list"], ["quarantine", "list"], ["db", "url"], ["db", "migrate"]):
        done = cli(*args, "--json")
        assert done.returncode == 0, (args, done.stderr)
        for line in done.stdout.splitlines():
            json.loads(line)


def test_backfill_reports_each_day_as_json(cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("backfill", "--from", "2024-11-05", "--to", "2024-11-07", "--raw-dir", str(SAMPLES), "--json")
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["batch_id"] for line in lines] == ["2024-11-05", "2024-11-06", "2024-11-07"]
    assert lines[0]["status"] == "published" and lines[2]["outcome"].startswith("skipped: no folder")


def test_output_cut_short_by_head_is_no_error(tmp_path: Path) -> None:
    """`newsclean clean DIR --json | head`: the reader leaving early ends the command quietly with
    a shell's SIGPIPE status, not 'error: [Errno 32] Broken pipe'."""
    for number in range(150):  # far more JSON than a pipe holds (64 kB)
        sentences = " ".join(f"Sentence {k} of story {number} says something plain." for k in range(30))
        (tmp_path / f"story{number}.txt").write_text(f"Story {number}\n\n{sentences}\n", encoding="utf-8")
    command = f"{shlex.quote(sys.executable)} -m pipeline clean {shlex.quote(str(tmp_path))} --json | head -c 100"
    shell = subprocess.run(
        ["bash", "-c", command + ' >/dev/null; echo "${PIPESTATUS[0]}" >&2'],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert shell.stderr.strip() == "141"
