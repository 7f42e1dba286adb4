from __future__ import annotations

import json
import os
import subprocess
import sys
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


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=cwd)


def cli_json(*args: str) -> list[dict[str, Any]]:
    done = run_cli("clean", "--json", *args)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]
