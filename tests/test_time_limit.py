"""The wall-clock limit per document: a document that takes longer is rejected, the rest goes on."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline import Cleaner, RawArticle
from pipeline.core.deadline import TimeLimitExceeded, time_limit
from pipeline.core.settings import load_settings
from pipeline.ingest.readers import ReadError

from .conftest import ROOT

STORY = "The harbor authority said on Monday that construction would begin in May and last two summers."
# Backtracks 2^n ways before failing: 27 characters run for a minute or more without a limit.
BAIT = "a" * 27 + "b"
BAIT_RULE = 'rules:\n  - id: mine.bait\n    category: furniture\n    pattern: "(a+)+$"\n'
ONE_SECOND = "limits:\n  seconds_per_document: 1\n"


@pytest.fixture
def hostile(tmp_path: Path) -> dict[str, Path]:
    """A batch of a story and a document that a user rule backtracks on, the rule, a 1 s limit."""
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "bait.txt").write_text(f"{STORY}\n\n{BAIT}\n", encoding="utf-8")
    (batch / "story.txt").write_text(f"{STORY}\n", encoding="utf-8")
    (tmp_path / "bait.yaml").write_text(BAIT_RULE, encoding="utf-8")
    (tmp_path / "limit.yaml").write_text(ONE_SECOND, encoding="utf-8")
    return {"batch": batch, "rules": tmp_path / "bait.yaml", "settings": tmp_path / "limit.yaml"}


def test_the_limit_stops_a_backtracking_regular_expression() -> None:
    with pytest.raises(TimeLimitExceeded, match="took longer than 0.5 s"), time_limit(0.5):
        re.fullmatch(r"(a+)+$", BAIT)


@pytest.mark.parametrize("seconds", [0, 5])
def test_a_block_within_the_limit_runs_and_leaves_no_timer(seconds: float) -> None:
    handler = signal.getsignal(signal.SIGALRM)
    with time_limit(seconds):
        assert re.fullmatch(r"(a+)+$", "a" * 10)
        running = signal.getitimer(signal.ITIMER_REAL)[0]
    assert (running > 0) == (seconds > 0)
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0 and signal.getsignal(signal.SIGALRM) == handler


def test_cleaner_rejects_the_slow_document_and_cleans_the_next(hostile: dict[str, Path]) -> None:
    cleaner = Cleaner.from_files([hostile["rules"]], settings=load_settings(hostile["settings"]))
    slow = cleaner.clean_within_limit(RawArticle(source_file="bait.txt", text=f"{STORY}\n\n{BAIT}", line=7))
    assert slow == ReadError("bait.txt", "cleaning took longer than 1 s", 7)
    fine = cleaner.clean_within_limit(RawArticle(source_file="story.txt", text=STORY))
    assert not isinstance(fine, ReadError) and [p.text for p in fine.paragraphs] == [STORY]


def test_clean_command_reports_the_slow_document(hostile: dict[str, Path]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "clean", str(hostile["batch"]),
         "--rules", str(hostile["rules"]), "--settings", str(hostile["settings"])],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == "error: bait.txt: cleaning took longer than 1 s\n"
    assert done.stdout.startswith("story.txt\n")


def test_run_records_the_slow_document_as_rejected(hostile: dict[str, Path], engine: sa.Engine, db_url: sa.URL) -> None:
    env = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False)}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--input", str(hostile["batch"]), "--batch", "slow-1",
         "--rules", str(hostile["rules"]), "--settings", str(hostile["settings"]), "--workers", "2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with engine.connect() as connection:
        rejected = connection.execute(sa.text("SELECT source_file, reason FROM rejected_inputs")).all()
        loaded = connection.execute(sa.text("SELECT source_file FROM articles")).scalars().all()
        status = connection.execute(sa.text("SELECT status FROM batches WHERE batch_id = 'slow-1'")).scalar()
    assert rejected == [("bait.txt", "cleaning took longer than 1 s")]
    assert loaded == ["story.txt"] and status == "published"
