"""Scoring a WCXB-style folder (pipeline/evaluation/wcxb.py): the benchmark's word-bag metric, the
snippet rates, the page forms made from each page, per page type, through `eval` as a user runs it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from pipeline.evaluation.wcxb import dump_text, evaluate_wcxb, is_wcxb_folder, snippet_rates, word_scores

from .conftest import run_cli

BODY = (
    "The harbour board approved the new sea wall on Tuesday after two years of studies and hearings.",
    "Work starts in spring and should be finished before the autumn storms of the following year.",
)
ARTICLE = f"""<html><head><title>Sea wall approved</title><script>var tracking = 1;</script></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Sea wall approved</h1><p>{BODY[0]}</p><!-- an editor's note --><p>{BODY[1]}</p></article>
<footer><p>Subscribe to our newsletter</p><p>Copyright 2024 Harbour Times</p></footer></body></html>"""


@pytest.mark.parametrize(
    ("predicted", "reference", "expected"),
    [
        ("", "", (1.0, 1.0, 1.0)),
        ("anything", "", (0.0, 0.0, 0.0)),
        ("", "a b", (0.0, 0.0, 0.0)),
        ("a b c d", "a b", (0.5, 1.0, 2 / 3)),
        ("A a b", "a a a b", (1.0, 0.75, 6 / 7)),  # multisets, lower-cased
    ],
)
def test_word_scores_follow_the_benchmark(predicted: str, reference: str, expected: tuple[float, ...]) -> None:
    assert word_scores(predicted, reference) == pytest.approx(expected)


def test_snippet_rates_are_case_insensitive_substrings() -> None:
    assert snippet_rates("The Sea Wall was approved", ["sea wall", "storm"], ["Home", "approved"]) == (0.5, 0.5)
    assert snippet_rates("text", [], []) == (None, None)


def test_a_dump_is_every_visible_text_node_one_per_line() -> None:
    lines = dump_text(ARTICLE).splitlines()
    assert lines[:4] == ["Sea wall approved", "Home", "News", "Sport"]
    assert BODY[0] in lines and BODY[1] in lines
    assert not any("tracking" in line or "editor's note" in line for line in lines)


def _folder(tmp_path: Path) -> Path:
    """Two pages of our own: an article and a listing the cleaner cannot make an article of."""
    root = tmp_path / "wcxb"
    (root / "html").mkdir(parents=True)
    (root / "ground-truth").mkdir()
    items = "".join(f'<li><a href="/p{i}">Item {i}</a></li>' for i in range(30))
    listing = f"<html><body><ul>{items}</ul></body></html>"
    pages = {
        "0001": ("article", ARTICLE, "\n\n".join(BODY), [BODY[0][:40]], ["Subscribe to our newsletter"]),
        "0002": ("listing", listing, "Item 1 Item 2 Item 3", ["Item 1"], []),
    }
    for page_id, (page_type, html, main, with_, without) in pages.items():
        (root / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode("utf-8")))
        truth = {"ground_truth": {"main_content": main, "with": with_, "without": without},
                 "_internal": {"page_type": {"primary": page_type}}}  # fmt: skip
        (root / "ground-truth" / f"{page_id}.json").write_text(json.dumps(truth), encoding="utf-8")
    return root


@pytest.mark.parametrize("form", ["html", "extracted", "dump"])
def test_every_form_is_scored_per_page_type(tmp_path: Path, form: str) -> None:
    root = _folder(tmp_path)
    assert is_wcxb_folder(root)
    result = evaluate_wcxb(root, form)
    assert result.pages == 2 and set(result.by_type) == {"article", "listing"}
    article = result.by_type["article"]
    assert article["f1"] is not None and article["f1"] > 0.9, (form, article)
    assert article["snippets_kept"] == 1.0 and article["snippets_dropped"] == 1.0
    assert result.f1 == pytest.approx(((article["f1"] or 0) + (result.by_type["listing"]["f1"] or 0)) / 2, abs=1e-4)


def test_text_forms_are_also_scored_as_is(tmp_path: Path) -> None:
    result = evaluate_wcxb(_folder(tmp_path), "dump")
    assert result.as_is is not None and evaluate_wcxb(_folder(tmp_path / "b"), "html").as_is is None
    raw, cleaned = result.as_is["article"], result.by_type["article"]
    assert raw["snippets_kept"] == 1.0 and raw["snippets_dropped"] == 0.0  # the dump keeps its footer
    assert (cleaned["snippets_dropped"] or 0) > (raw["snippets_dropped"] or 0)
    assert (cleaned["precision"] or 0) > (raw["precision"] or 0)


def test_eval_command_reads_a_wcxb_folder(tmp_path: Path) -> None:
    root = _folder(tmp_path)
    done = run_cli("eval", "--gold-dir", str(root), "--input", "html", "--input", "dump", "--json")
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["input"] for r in results] == ["html", "dump"]
    assert results[0]["by_type"]["article"]["pages"] == 1
    table = run_cli("eval", "--gold-dir", str(root))
    assert table.returncode == 0 and "article" in table.stdout and "listing" in table.stdout
    wrong = run_cli("eval", "--gold-dir", str(root), "--input", ".txt")
    assert wrong.returncode == 2 and "one of html, extracted, dump" in wrong.stderr
