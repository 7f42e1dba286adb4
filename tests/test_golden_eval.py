"""The golden gate: cleaning quality may not fall below pinned floors (trafilatura-style).

Our own labelled pages (tests/fixtures/golden, built by build.py) always run; the 181 real pages
of ../shared/eval/scrapinghub run when that folder is present.
"""

from __future__ import annotations

import json

import pytest

from pipeline.evaluation import corpus_scores, evaluate, score_page, shingles

from .conftest import FIXTURES, shared_path

GOLDEN = FIXTURES / "golden"
FLOORS = json.loads((GOLDEN / "floors.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", sorted(FLOORS["golden"]))
def test_golden_pages_meet_their_floors(kind: str) -> None:
    result = evaluate(GOLDEN, kind).to_json()
    assert result["pages"] == 5
    for metric, floor in FLOORS["golden"][kind].items():
        assert result[metric] >= floor, f"{kind} {metric} {result[metric]} fell below its floor {floor}"


@pytest.mark.parametrize("kind", sorted(FLOORS["scrapinghub"]))
def test_real_pages_meet_their_floors(kind: str) -> None:
    pages = shared_path("eval", "scrapinghub")
    result = evaluate(pages, kind).to_json()
    assert result["pages"] == 181
    for metric, floor in FLOORS["scrapinghub"][kind].items():
        assert result[metric] >= floor, f"{kind} {metric} {result[metric]} fell below its floor {floor}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("one two", {("one", "two"): 1}),
        ("a b c d e", {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}),
        ("Ça va, très-bien!", {("Ça", "va", "très", "bien"): 1}),
    ],
)
def test_shingles(text: str, expected: dict[tuple[str, ...], int]) -> None:
    assert dict(shingles(text)) == expected


def test_page_and_corpus_scores() -> None:
    perfect = score_page("a", "w x y z v", "w x y z v")
    half = score_page("b", "w x y z v q", "w x y z")  # predicted 3 shingles, 1 right; gold 1
    empty = score_page("c", "", "w x y z")
    assert (perfect.precision, perfect.recall) == (1.0, 1.0)
    assert (round(half.precision, 3), half.recall) == (0.333, 1.0)
    assert (empty.tp, empty.fp, empty.fn) == (0, 0, 1)
    scores = corpus_scores([perfect, half, empty])
    # precision over pages that predicted something (a, b); recall over pages with gold (a, b, c)
    assert scores["precision"] == round((1 + 1 / 3) / 2, 4)
    assert scores["recall"] == round(2 / 3, 4)


def test_eval_command_prints_json_per_input() -> None:
    from .conftest import run_cli

    done = run_cli("eval", "--gold-dir", str(GOLDEN), "--input", "extracted", "--input", "dump", "--json")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["input"] for r in lines] == ["extracted", "dump"]
    assert all({"f1", "precision", "recall", "pages_per_s"} <= set(r) for r in lines)
