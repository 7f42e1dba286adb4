"""Thresholds as data: pipeline/data/settings.yaml loads into typed settings; a user's file (the
--settings option or NEWSCLEAN_SETTINGS) changes a threshold and with it the cleaner's behaviour;
a bad file is refused naming the file and the key."""

from __future__ import annotations

import json
import os
import re
from dataclasses import fields
from pathlib import Path

import pytest

from pipeline import Cleaner, RawArticle
from pipeline.clean.cleaner import parse
from pipeline.clean.steps import ApplyRules
from pipeline.core.settings import SETTINGS_ENV, SHIPPED, Settings, SettingsError, load_settings, shipped_settings_path

from .conftest import run_cli

PROSE = [
    "The harbour authority said on Monday that the new sea wall would be finished by the spring.",
    "Engineers said the old wall had been damaged by the storms of the last two winters in a row.",
    "The council will vote on the last part of the money for the works at its meeting next month.",
]


def test_the_shipped_file_loads_every_section_and_key() -> None:
    settings = load_settings()
    assert settings == SHIPPED
    assert SHIPPED.repetition.near_ratio == 0.85
    assert SHIPPED.rule_context.article_prose_words == 25
    assert SHIPPED.text.wrap_max_chars == 100
    assert SHIPPED.html.cascade_min_prose_words == 150
    assert SHIPPED.page_dump.unique_prose is True
    for section in fields(Settings):
        assert fields(getattr(SHIPPED, section.name)), section.name


def test_every_shipped_setting_says_why() -> None:
    """Each key of settings.yaml has a comment: on its line, or on the line(s) just above it."""
    lines = shipped_settings_path().read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if re.match(r"  \w+: ", line):
            above = lines[number - 1].strip()
            assert "#" in line or above.startswith("#"), f"line {number + 1}: {line.strip()} has no comment"


def test_no_environment_override_in_the_test_run() -> None:
    assert SETTINGS_ENV not in os.environ


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def clean(text: str, settings: Settings | None = None) -> list[str]:
    article = Cleaner.from_files(settings=settings).clean(RawArticle(source_file="a.txt", text=text))
    return [p.text for p in article.paragraphs]


REPEAT = "The mayor said the wall was needed now."  # 8 words, said twice
LONG_REPEAT = "The mayor said on Monday that the wall was needed before the next storms came in."  # 16 words


@pytest.mark.parametrize(
    ("override", "text", "default_count", "changed_count"),
    [
        # a verbatim repeat of 16 words goes; with min_words_exact above it (and near above too) it stays
        (
            "repetition:\n  min_words_exact: 20\n  min_words_near: 20\n",
            "\n\n".join([*PROSE, LONG_REPEAT, LONG_REPEAT]),
            4,
            5,
        ),
        # an 8-word repeat stays; with min_words_exact 5 it goes
        ("repetition:\n  min_words_exact: 5\n", "\n\n".join([*PROSE, REPEAT, REPEAT]), 5, 4),
        # a doubled 40-character span collapses to one; with min_span_chars 60 it is left as it is
        ("repetition:\n  min_span_chars: 60\n", "\n\n".join([*PROSE, f"{REPEAT} {REPEAT}"]), 4, 4),
    ],
    ids=["min_words_exact up", "min_words_exact down", "min_span_chars"],
)
def test_an_override_file_changes_a_threshold_and_the_behaviour(
    tmp_path: Path, override: str, text: str, default_count: int, changed_count: int
) -> None:
    changed = load_settings(write(tmp_path, override))
    assert changed != SHIPPED
    assert len(clean(text)) == default_count
    assert len(clean(text, changed)) == changed_count
    if "min_span_chars" in override:
        assert clean(text)[-1] == REPEAT and clean(text, changed)[-1] == f"{REPEAT} {REPEAT}"


def test_the_recheck_rounds_read_the_same_rule_context(tmp_path: Path) -> None:
    """The head/tail re-check after paragraphs moved applies the rules with the cleaner's own
    context thresholds, not the shipped ones."""
    changed = load_settings(write(tmp_path, "rule_context:\n  article_prose_words: 40\n  link_line_words: 9\n"))
    cleaner = Cleaner.from_files(settings=changed)
    rule_steps = [step for step in [*cleaner.steps, cleaner._recheck] if isinstance(step, ApplyRules)]
    assert [step.windowed_only for step in rule_steps] == [False, True]
    assert all(step.context == changed.rule_context != SHIPPED.rule_context for step in rule_steps)


def test_wrap_width_decides_hard_wrapped_blocks(tmp_path: Path) -> None:
    """A block of lines up to 100 characters is one hard-wrapped paragraph; with wrap_max_chars 40
    the same block is read as one paragraph per line."""
    block = "\n".join(["The harbour authority said on Monday that", "the new sea wall would be finished", "by spring."])
    raw = RawArticle(source_file="a.txt", text=f"{PROSE[0]}\n\n{block}\n\n{PROSE[1]}")
    narrow = load_settings(write(tmp_path, "text:\n  wrap_max_chars: 40\n"))
    assert len(parse(raw).paragraphs) == 3
    assert len(parse(raw, narrow).paragraphs) == 5


def test_cli_option_and_environment_variable(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("\n\n".join([*PROSE, REPEAT, REPEAT]), encoding="utf-8")
    settings = write(tmp_path, "repetition:\n  min_words_exact: 5\n")

    def paragraphs(*args: str, env: dict[str, str] | None = None) -> int:
        import subprocess
        import sys

        done = subprocess.run(
            [sys.executable, "-m", "pipeline", "clean", "--json", *args, str(article)],
            capture_output=True, text=True, env={**os.environ, **(env or {})},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return len(json.loads(done.stdout)["paragraphs"])

    assert paragraphs() == 5
    assert paragraphs("--settings", str(settings)) == 4
    assert paragraphs(env={SETTINGS_ENV: str(settings)}) == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour:\n  red: 1\n", "unknown section 'colour'"),
        ("repetition:\n  near_ratios: 0.9\n", "unknown setting repetition.near_ratios"),
        ("repetition:\n  near_ratio: high\n", "repetition.near_ratio: expected a number, got 'high'"),
        ("repetition:\n  near_ratio: 1.5\n", "repetition.near_ratio: must be between 0 and 1, got 1.5"),
        ("repetition:\n  min_words_near: 7.5\n", "repetition.min_words_near: expected a whole number, got 7.5"),
        ("text:\n  wrap_max_chars: -1\n", "text.wrap_max_chars: must not be negative, got -1"),
        ("page_dump:\n  unique_prose: maybe\n", "page_dump.unique_prose: expected true or false, got 'maybe'"),
        ("repetition: 0.9\n", "repetition: expected a mapping of settings"),
        ("- near_ratio\n", "expected a mapping of sections"),
        ("repetition:\n  near_ratio: [\n", "cannot read settings"),
    ],
    ids=["section", "key", "type", "range", "int", "negative", "bool", "not a mapping", "a list", "yaml"],
)
def test_a_bad_file_is_refused_naming_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SettingsError) as raised:
        load_settings(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)
    done = run_cli("clean", "--settings", str(path), str(path))  # a usage error, before any cleaning
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {path}: ") and message.split(":")[0] in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=re.escape(str(tmp_path / "none.yaml"))):
        load_settings(tmp_path / "none.yaml")
