"""`eval --metadata`: headline / date / authors agreement (pipeline/evaluation/metadata.py), and
its floors on wcxb-dev in the golden gate (tests/fixtures/golden/floors.json, "wcxb-dev-metadata")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.evaluation.metadata import (
    FieldTally,
    Labels,
    Predicted,
    author_set,
    authors_f1,
    evaluate_metadata,
    expected_pages,
    half_of,
    normalize_title,
    same_day,
    wcxb_pages,
)

from .conftest import FIXTURES, run_cli, shared_path

FLOORS = json.loads((FIXTURES / "golden" / "floors.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("ours", "label", "agree"),
    [
        ("Stadt zerst&ouml;rt Brücke", "Stadt zerstört Brücke", True),
        ("“Nicht mehr” – sagt   der Rat", '"Nicht mehr" sagt der Rat', True),
        ("ＦＵＬＬ width", "full width", True),
        ("Bridge to be rebuilt - Harbour Times", "Bridge to be rebuilt", False),
        ("", "Bridge", False),
    ],
)
def test_headline_normalization(ours: str, label: str, agree: bool) -> None:
    assert (normalize_title(ours) == normalize_title(label)) is agree


@pytest.mark.parametrize(
    ("ours", "label", "agree"),
    [
        ("2023-04-28T23:30:00-04:00", "2023-04-28", True),  # the day as the page states it
        ("2023-04-29T03:30:00+00:00", "2023-04-28", False),
        ("2023-04-28", "2023-04", True),  # a label of year and month: the same month agrees
        (None, "2023-04-28", False),
    ],
)
def test_same_day(ours: str | None, label: str, agree: bool) -> None:
    assert same_day(ours, label) is agree


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Jane Roe, MS, RD, Ph.D.", {"jane roe"}),
        ("Jane Roe and John Doe", {"jane roe", "john doe"}),
        (
            "Anna Muster und Karl Beispiel; Eva Probe & Max Test",
            {"anna muster", "karl beispiel", "eva probe", "max test"},
        ),
        ("LEONARDO GARCIA", {"leonardo garcia"}),
        ("Alexandra Anderson", {"alexandra anderson"}),  # "and" inside a word is no joiner
    ],
)
def test_author_sets(text: str, names: set[str]) -> None:
    assert author_set(text) == names


def test_authors_f1() -> None:
    assert authors_f1("Jane Roe; John Doe", "Jane Roe") == pytest.approx(2 / 3)
    assert authors_f1(None, "Jane Roe") == 0.0
    assert authors_f1("jane roe", "Jane Roe") == 1.0


@given(st.text(min_size=1, max_size=12))
def test_halves_are_stable_and_two(page_id: str) -> None:
    assert half_of(page_id) == half_of(page_id) in ("A", "B")


def test_a_field_is_scored_only_over_pages_whose_label_has_it() -> None:
    tally = FieldTally()
    tally.add(Predicted("Bridge", "2023-04-28", None), Labels("Bridge", None, None))
    tally.add(Predicted("Other", None, "Jane Roe"), Labels("Bridge", None, "Jane Roe"))
    assert tally.figures() == {"title": 0.5, "published": None, "authors": 1.0}


def test_expected_pages_score_the_seeds_shape(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "want").mkdir()
    html = (
        "<html><head><title>Bridge to be rebuilt | Harbour Times</title><meta property='og:site_name'"
        " content='Harbour Times'><meta name='author' content='By Jane Roe'>"
        "<meta property='article:published_time' content='2023-04-28T09:30:00+02:00'></head>"
        "<body><h1>Bridge to be rebuilt</h1><p>The council voted on Tuesday to rebuild the bridge.</p></body></html>"
    )
    (tmp_path / "in" / "p1.html").write_text(html, encoding="utf-8")
    want = {"title": "Bridge to be rebuilt", "authors": ["Jane Roe"], "published": "2023-04-28"}
    (tmp_path / "want" / "p1.json").write_text(json.dumps(want), encoding="utf-8")
    result = evaluate_metadata(list(expected_pages(tmp_path / "in", tmp_path / "want")))
    assert result.figures["ours"]["all"] == {"title": 1.0, "published": 1.0, "authors": 1.0}
    assert set(result.figures) == {"ours", "trafilatura"}


def test_eval_metadata_command(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "want").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Bridge to be rebuilt\n\nBy Jane Roe\n\nThe council voted.\n", "utf-8")
    (tmp_path / "want" / "a.json").write_text(json.dumps({"title": "Bridge to be rebuilt"}), "utf-8")
    args = ("eval", "--metadata", "--gold-dir", str(tmp_path / "in"), "--expected", str(tmp_path / "want"))
    done = run_cli(*args, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["figures"]["ours"]["all"]["title"] == 1.0
    assert "trafilatura" not in result["figures"]  # it reads HTML only
    assert run_cli("eval", "--metadata", "--gold-dir", str(tmp_path / "in")).returncode == 2


def test_wcxb_dev_metadata_meets_its_floors_beside_trafilatura() -> None:
    pages = list(wcxb_pages(shared_path("eval", "wcxb-dev")))
    assert len(pages) == 793
    result = evaluate_metadata(pages)
    ours, peer = result.figures["ours"], result.figures["trafilatura"]
    for part, floors in FLOORS["wcxb-dev-metadata"].items():
        for name, floor in floors.items():
            figure = ours[part][name]
            assert figure is not None and figure >= floor, f"{part} {name} {figure} fell below its floor {floor}"
    for name in ("title", "authors"):
        assert (ours["all"][name] or 0) > (peer["all"][name] or 0), f"{name}: trafilatura is ahead"
    # Dates: level with trafilatura (whose date is htmldate's, our last resort), not ahead; the
    # pages both miss mostly show an update date or none (see README, Cleaning quality).
    assert (ours["all"]["published"] or 0) >= (peer["all"]["published"] or 0) - 0.005
