"""The golden gate: cleaning quality may not fall below pinned floors (trafilatura-style).

Our own labelled pages (tests/fixtures/golden, built by build.py) always run; the real sets of
../shared/eval run when that folder is present: the 181 pages of scrapinghub (shingle F1/P/R) and
the 489 pages of multilingual (must-keep / must-drop snippet rates) and the 1,497 pages of wcxb-dev
(word-bag F1 overall and on its articles, with / without snippet rates), each input form.
"""

from __future__ import annotations

import json

import pytest

from pipeline.evaluation.scores import corpus_scores, evaluate, score_page, shingles
from pipeline.evaluation.wcxb import evaluate_wcxb

from .conftest import FIXTURES, shared_path

GOLDEN = FIXTURES / "golden"
FLOORS = json.loads((GOLDEN / "floors.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", sorted(FLOORS["golden"]))
def test_golden_pages_meet_their_floors(kind: str) -> None:
    result = evaluate(GOLDEN, kind).to_json()
    assert result["pages"] == 5
    for metric, floor in FLOORS["golden"][kind].items():
        assert result[metric] >= floor, f"{kind} {metric} {result[metric]} fell below its floor {floor}"


REAL_SETS = {"scrapinghub": 181, "multilingual": 489}


@pytest.mark.parametrize(("name", "kind"), [(name, kind) for name in REAL_SETS for kind in sorted(FLOORS[name])])
def test_real_pages_meet_their_floors(name: str, kind: str) -> None:
    pages = shared_path("eval", name)
    result = evaluate(pages, kind).to_json()
    assert result["pages"] == REAL_SETS[name]
    for metric, floor in FLOORS[name][kind].items():
        assert result[metric] >= floor, f"{name} {kind} {metric} {result[metric]} fell below its floor {floor}"


@pytest.mark.parametrize("kind", sorted(FLOORS["wcxb-dev"]))
def test_wcxb_pages_meet_their_floors(kind: str) -> None:
    """wcxb-dev (1,497 pages of seven types): the word-bag F1 over all pages and the article pages'
    F1 and snippet rates. A key "article.f1" reads the figure of that page type."""
    result = evaluate_wcxb(shared_path("eval", "wcxb-dev"), kind).to_json()
    assert result["pages"] == 1497
    for key, floor in FLOORS["wcxb-dev"][kind].items():
        page_type, _, metric = key.rpartition(".")
        value = result["by_type"][page_type][metric] if page_type else result[metric]
        assert value >= floor, f"wcxb-dev {kind} {key} {value} fell below its floor {floor}"


def test_text_forms_are_also_scored_as_is() -> None:
    result = evaluate(GOLDEN, "extracted").to_json()
    assert result["as_is"]["snippets_dropped"] < result["snippets_dropped"]  # the raw file keeps its noise
    assert result["as_is"]["snippets_kept"] == 1.0
    assert evaluate(GOLDEN, "html").as_is is None


def test_snippets_are_compared_after_nfc_and_space_squashing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # "é" composed in the snippet, decomposed (e + combining accent) in the page; spacing differs too.
    (tmp_path / "p.extracted.txt").write_text(
        "The caf\u0065\u0301 on the  corner reopened on Monday after a year of repairs to its roof.\n", encoding="utf-8"
    )
    labels = {"with": ["caf\u00e9 on the corner reopened"], "without": ["Sign up"]}
    (tmp_path / "p.snippets.json").write_text(json.dumps(labels), encoding="utf-8")
    result = evaluate(tmp_path, "extracted")
    assert (result.snippets_kept, result.snippets_dropped) == (1.0, 1.0)


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
    keys = {"f1", "precision", "recall", "pages_per_s", "snippets_kept", "snippets_dropped"}
    assert all(keys <= set(r) for r in lines)
    assert all({"f1", "snippets_kept", "snippets_dropped"} <= set(r["as_is"]) for r in lines)
