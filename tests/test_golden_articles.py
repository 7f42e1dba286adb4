"""Each seed (when ../shared is present) and each of our own fixture articles cleans to its expected JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import EXPECTED_FIELDS, FIXTURES, SHARED, cli_json, shared_path

SEED_NAMES = sorted(p.stem for p in (SHARED / "seeds").glob("*.txt")) if (SHARED / "seeds").exists() else ["(absent)"]
FIXTURE_NAMES = sorted(p.stem for p in (FIXTURES / "articles").glob("*.json"))


def assert_matches_expected(got: dict, expected: dict) -> None:  # type: ignore[type-arg]
    assert got["source_file"] == expected["source_file"]
    for field in EXPECTED_FIELDS:
        assert got[field] == expected[field], f"field {field!r} differs"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_cleans_to_expected(name: str) -> None:
    seed = shared_path("seeds", f"{name}.txt")
    expected = json.loads(shared_path("spec", "expected", f"{name}.json").read_text(encoding="utf-8"))
    [got] = cli_json(str(seed))
    assert_matches_expected(got, expected)
    removed_text = " ".join(r["text"] for r in got["removed"])
    if expected["captions"]:
        assert "Combined Shape Caption" in removed_text
        assert {r["category"] for r in got["removed"]} >= {"caption", "repetition"}


def test_seed_noise_lands_in_removed() -> None:
    seed = shared_path("seeds", "001_2c48480b0b1c91d5.txt")
    [got] = cli_json(str(seed))
    rules = {r["rule"] for r in got["removed"]}
    assert "agency.anadolu_subscription" in rules
    assert "repeat.title" in rules


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_article_cleans_to_expected(name: str) -> None:
    expected = json.loads((FIXTURES / "articles" / f"{name}.json").read_text(encoding="utf-8"))
    [got] = cli_json(str(FIXTURES / "articles" / expected["source_file"]))
    assert_matches_expected(got, expected)


def test_every_removed_piece_names_rule_category_and_position() -> None:
    for path in sorted((FIXTURES / "articles").glob("*.txt")):
        [got] = cli_json(str(path))
        for removal in got["removed"]:
            assert removal["rule"] and removal["category"] and removal["text"]
            assert isinstance(removal["position"], int) and removal["position"] >= 0


def test_folder_input_names_files_relative_to_folder(tmp_path: Path) -> None:
    nested = tmp_path / "agency"
    nested.mkdir()
    (nested / "story.txt").write_text((FIXTURES / "articles" / "agency_page.txt").read_text(encoding="utf-8"))
    [got] = cli_json(str(tmp_path))
    assert got["source_file"] == "agency/story.txt"
