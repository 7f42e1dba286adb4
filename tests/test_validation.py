"""Validation: a bad settings or rules file is refused before any work, exit 2, its file and key named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.clean.rules import RulesError, load_rules
from pipeline.core.settings import SettingsError, load_settings

from .conftest import ROOT

# An unreachable database: a command that got as far as connecting would fail with exit 1, not 2.
NO_DATABASE = {**os.environ, "DATABASE_URL": "postgresql://u@127.0.0.1:1/x", "NEWSCLEAN_DEBUG": ""}
STORY = "The harbor authority said on Monday that construction would begin in May and last two summers.\n"

BAD_SETTINGS = [
    ("quarantine:\n  max_ratio: .nan\n", "quarantine.max_ratio: expected a finite number, got nan"),
    ("repetition:\n  near_ratio: .nan\n", "repetition.near_ratio: expected a finite number, got nan"),
    ("quarantine:\n  sigmas: .inf\n", "quarantine.sigmas: expected a finite number, got inf"),
    ("quarantine:\n  sigmas: -.inf\n", "quarantine.sigmas: expected a finite number, got -inf"),
    ("limits:\n  seconds_per_document: .nan\n", "limits.seconds_per_document: expected a finite number"),
    ("input:\n  max_record_bytes: 0\n", "input.max_record_bytes: must be at least 1, got 0"),
]
RULE = "rules:\n  - id: a\n    category: ad\n    pattern: x\n"
BAD_RULES = [
    ("page_dump:\n  min_lines: abc\n", "page_dump.min_lines: expected a whole number, got 'abc'"),
    ("page_dump:\n  line_threshold: .nan\n", "page_dump.line_threshold: expected a finite number"),
    ("page_dump:\n  min_linez: 3\n", "page_dump: unknown setting 'min_linez'"),
    ("page_dump: 5\n", "page_dump: expected a mapping, got 5"),
    ("rules: 5\n", "rules: expected a list of rules, got 5"),
    ("bylines: 5\n", "bylines: expected a list of patterns"),
    ("datelines: [5]\n", "datelines: expected a list of patterns"),
    ("comment_thread: 5\n", "comment_thread: expected a mapping, got 5"),
    ("comment_thread:\n  buttons: 5\n", "comment_thread.buttons: expected a list of patterns"),
    ("rulez: []\n", "unknown key 'rulez'"),
    (RULE + "    max_words: abc\n", "rule a: max_words: expected a whole"),
    (RULE + "    takes_next: -1\n", "rule a: takes_next: expected a whole"),
    ("rules:\n  - id: a\n    category: ad\n    pattern: 5\n", "rule a: pattern: expected text, got 5"),
    ("rules:\n  - id: a\n    category: [ad]\n    pattern: x\n", "rule a: category: expected text"),
    (RULE + "    ignore_case: yes please\n", "rule a: ignore_case"),
    ("rules:\n  - id: a\n    category: nope\n    pattern: x\n", "rule a: category must be one of"),
    (RULE + "    patern: y\n", "rule a: unknown key 'patern'"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "cannot read rules"),
]


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def newsclean(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pipeline", *args]
    return subprocess.run(command, cwd=ROOT, env=NO_DATABASE, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("content", "message"), BAD_SETTINGS)
def test_settings_refuse_nan_and_infinities(tmp_path: Path, content: str, message: str) -> None:
    path = write(tmp_path / "my.yaml", content)
    with pytest.raises(SettingsError, match=message) as info:
        load_settings(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(("content", "message"), BAD_RULES)
def test_every_rules_file_key_is_type_checked(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = write(tmp_path / "bad.yaml", content)
    with pytest.raises(RulesError, match=message) as info:
        load_rules([path])
    assert str(path) in str(info.value)


@pytest.mark.parametrize("command", ["clean", "run"])
@pytest.mark.parametrize(
    ("option", "content", "message"),
    [("--rules", content, message) for content, message in BAD_RULES[::4]]
    + [("--settings", content, message) for content, message in BAD_SETTINGS[:2]],
)
def test_a_bad_file_stops_the_command_before_any_work(
    tmp_path: Path, command: str, option: str, content: str | bytes, message: str
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    write(folder / "story.txt", STORY)
    path = write(tmp_path / "bad.yaml", content)
    where = [str(folder)] if command == "clean" else ["--input", str(folder), "--batch", "b1"]
    done = newsclean(command, *where, option, str(path))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"error: {path}") and message.split(":")[-1].strip() in done.stderr
    assert "Traceback" not in done.stderr and not done.stdout


def test_shipped_rules_and_settings_pass_their_own_checks() -> None:
    assert load_rules().rules and load_settings() is not None


@pytest.mark.parametrize(("kind", "message"), [("file", "not a folder"), ("missing", "no such folder")])
def test_backfill_refuses_a_raw_dir_that_is_not_a_folder(tmp_path: Path, kind: str, message: str) -> None:
    raw = tmp_path / "raw"
    if kind == "file":
        raw.write_text(STORY, encoding="utf-8")
    done = newsclean("backfill", "--from", "2024-11-04", "--to", "2024-11-06", "--raw-dir", str(raw))
    assert done.returncode == 2 and not done.stdout
    assert done.stderr == f"error: {raw}: {message} (the raw dir holds one folder per day)\n"


def test_backfill_takes_the_raw_dir_from_the_environment_too(tmp_path: Path) -> None:
    env = {**NO_DATABASE, "ARTICLES_RAW_DIR": str(tmp_path / "nowhere")}
    command = [sys.executable, "-m", "pipeline", "backfill", "--from", "2024-11-04", "--to", "2024-11-04"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "nowhere: no such folder" in done.stderr
