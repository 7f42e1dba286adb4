"""Which lines of a page dump are kept from the line model's scores (line_model.kept_lines): the
threshold, the gap fill, and a stretch dropped inside the article giving back its edge prose
(page_dump.extend_threshold / extend_gap, issue 23 item 5, fourth round)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.clean.dump.line_model import kept_lines
from pipeline.clean.dump.shapes import is_prose
from pipeline.core.settings import SHIPPED

# the growth on (as shipped since the fourth round) and off (extend_threshold at line_threshold)
SETTINGS = replace(SHIPPED.page_dump, extend_threshold=0.3, extend_gap=1)
OFF = replace(SETTINGS, extend_threshold=SETTINGS.line_threshold)
PROSE = (
    "The council approved the budget late on Wednesday after a session that ran for more than eleven hours "
    "and ended with a narrow vote."
)
LABEL = "Related stories"


def page(shapes: str) -> list[str]:
    """A page of prose lines (P) and navigation labels (N), each line distinct."""
    return [f"{PROSE} ({k})" if shape == "P" else f"{LABEL} {chr(97 + k % 26)}" for k, shape in enumerate(shapes)]


# Lines 0-2 and 9-11 are kept by the model; 3-8 are a dropped stretch inside the article (longer
# than line_gap, so the gap fill does not take it).
STRETCH = "PPP" + "PNNNNP" + "PPP"
HIGH, LOW = 0.9, 0.05


def scores_for(inside: list[float]) -> np.ndarray:
    return np.array([HIGH] * 3 + inside + [HIGH] * 3)


@pytest.mark.parametrize(
    ("inside", "given_back"),
    [
        ([0.35, LOW, LOW, LOW, LOW, 0.35], {3, 8}),  # prose at both edges, scoring over extend_threshold
        ([0.35, 0.35, LOW, LOW, LOW, LOW], {3}),  # a label next to it is not prose: the growth stops
        ([0.2, LOW, LOW, LOW, LOW, 0.2], set()),  # under extend_threshold
        ([LOW, LOW, LOW, LOW, LOW, LOW], set()),
    ],
)
def test_a_dropped_stretch_gives_back_its_edge_prose(inside: list[float], given_back: set[int]) -> None:
    lines = page(STRETCH)
    keep = kept_lines(lines, scores_for(inside), SETTINGS, None)
    assert {k for k in range(3, 9) if keep[k]} == given_back
    assert not any(kept_lines(lines, scores_for(inside), OFF, None)[3:9])


def test_prose_past_a_label_is_not_reached() -> None:
    # line 4 is prose scoring high enough, but two lines from the nearest kept line
    lines = page("PPP" + "NPNNNN" + "PPP")
    keep = kept_lines(lines, scores_for([LOW, 0.4, LOW, LOW, LOW, LOW]), SETTINGS, None)
    assert not any(keep[3:9])


def test_the_ends_do_not_grow() -> None:
    # prose scoring over extend_threshold right before the first and after the last kept line stays out
    lines = page("P" + "PPP" + "PNNNNP" + "PPP" + "P")
    scores = np.array([0.45, *scores_for([LOW] * 6), 0.45])
    keep = kept_lines(lines, scores, SETTINGS, None)
    assert not keep[0] and not keep[-1]


@given(st.lists(st.tuples(st.booleans(), st.floats(0.0, 1.0)), min_size=1, max_size=60))
def test_growth_only_adds_prose_inside_the_kept_span(rows: list[tuple[bool, float]]) -> None:
    lines = page("".join("P" if prose else "N" for prose, _ in rows))
    scores = np.array([score for _, score in rows])
    before = kept_lines(lines, scores, OFF, None)
    after = kept_lines(lines, scores, SETTINGS, None)
    added = [k for k in range(len(lines)) if after[k] and not before[k]]
    assert all(after[k] for k in range(len(lines)) if before[k])  # nothing kept before is dropped
    kept = [k for k, flag in enumerate(before) if flag]
    assert all(kept[0] < k < kept[-1] for k in added)  # never past the kept span's ends
    if added:  # the gap fill may close around them, but a grown line is prose scoring enough
        assert any(is_prose(lines[k], SETTINGS) and scores[k] >= SETTINGS.extend_threshold for k in added)


@pytest.mark.parametrize("on", [True, False])
def test_prose_between_the_headline_and_the_first_kept_line_is_a_lead(on: bool) -> None:
    # page_dump.headline_prose (measured, shipped off): the title, a menu, the headline, a lead of
    # label, a lead of prose the model scored low, then the body
    lines = ["Council approves budget | Riverside Post", *page("NNNN"), "Council approves budget", *page("NPPPP")]
    scores = np.array([LOW] * 7 + [0.2, HIGH, HIGH, HIGH])
    keep = kept_lines(lines, scores, replace(OFF, headline_prose=on), None)
    assert keep[7] is on and not any(keep[:7]) and all(keep[8:])
