"""The README is true: the commands it shows print what it says they print, and a command the
output tells a person to type is one that exists (each run as a user types it, in a subprocess)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.run.runner import run_batch
from pipeline.store.db import create_engine

from .conftest import ROOT, reset_schema
from .test_quarantine import batch_with_a_stripped_article

README = ROOT / "README.md"
SAMPLES = ROOT / "samples" / "raw"
BIN = Path(sys.executable).parent


def readme_query_examples() -> list[tuple[str, list[str]]]:
    """Each `$ ... -m pipeline query NAME ...` example of the README with the header row shown under it."""
    lines = README.read_text(encoding="utf-8").splitlines()
    examples = []
    for number, line in enumerate(lines):
        if line.startswith("$ .venv/bin/python -m pipeline query "):
            header = [cell.strip() for cell in lines[number + 1].split("|")]
            examples.append((line.removeprefix("$ "), header))
    return examples


def user_environment(db_url: sa.URL) -> dict[str, str]:
    """The shell of a user of this checkout: the venv's commands on PATH, the test database."""
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "PATH": path, "DATABASE_URL": db_url.render_as_string(hide_password=False)}


def typed(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A command line as a person types it in the checkout (`.venv/bin/...` resolved to this venv)."""
    words = [str(BIN / word.removeprefix(".venv/bin/")) if word.startswith(".venv/bin/") else word
             for word in shlex.split(command)]  # fmt: skip
    return subprocess.run(words, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_report_of_a_quarantine_names_a_command_that_lists_it(
    engine: sa.Engine, db_url: sa.URL, tmp_path: Path
) -> None:
    env = user_environment(db_url)
    ran = typed(f"newsclean run --input {batch_with_a_stripped_article(tmp_path)} --batch 2024-11-05", env)
    assert ran.returncode == 0, ran.stderr
    hint = re.search(r"^  quarantined: 1 \((.+)\)$", ran.stdout, re.MULTILINE)
    assert hint, ran.stdout
    listed = typed(hint.group(1), env)
    assert listed.returncode == 0, listed.stderr
    assert "stripped.txt" in listed.stdout and "removal ratio" in listed.stdout


def test_the_readme_shows_query_examples() -> None:
    # the parametrized test below would pass on no example at all
    assert len(readme_query_examples()) >= 6


@pytest.fixture(scope="module")
def demo_database(db_url: sa.URL) -> Iterator[dict[str, str]]:
    """The three sample days `make demo` loads, once for the module (the quarantine test above resets
    the schema before this is made: it runs first)."""
    engine = create_engine(db_url)
    reset_schema(engine)
    for day in ("2024-11-04", "2024-11-05", "2024-11-06"):
        run_batch(engine, SAMPLES / day, day)
    engine.dispose()
    yield user_environment(db_url)


@pytest.mark.parametrize(
    ("command", "header"), readme_query_examples(), ids=lambda value: value if isinstance(value, str) else ""
)
def test_a_readme_query_prints_the_columns_it_shows(
    demo_database: dict[str, str], command: str, header: list[str]
) -> None:
    done = typed(command, demo_database)
    assert done.returncode == 0, done.stderr
    assert [cell.strip() for cell in done.stdout.splitlines()[0].split("|")] == header
