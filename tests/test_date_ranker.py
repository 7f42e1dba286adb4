"""Issue 24, the learned choice among an HTML page's date candidates (clean/html/date_candidates.py,
settings dates.learned_choice): which days are candidates and from which sources, never a day after
the fetch or a bare year, the cascade's own value kept when its day is chosen, the shipped model's
shape, and the training script reproducing the shipped model (when ../shared is there)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clean.html import date_candidates
from pipeline.clean.html.date_candidates import FEATURES, SOURCES, DateCandidate, best, shipped_ranker
from pipeline.clean.html.extract import extract_html, parse_html
from pipeline.clean.html.metadata import read_metadata
from pipeline.core.settings import SHIPPED

ROOT = Path(__file__).resolve().parent.parent
WCXB = ROOT.parent / "shared" / "eval" / "wcxb-dev"
LEARNED = replace(SHIPPED.dates, learned_choice=True)
BODY = "<p>The council voted on Tuesday to rebuild the old bridge over the river before next winter.</p>"


def page(head: str = "", under: str = "", url: str = "") -> str:
    link = f"<link rel='canonical' href='{url}'>" if url else ""
    return (
        f"<!doctype html><html lang='en'><head>{head}{link}</head><body>"
        f"<h1>Bridge to be rebuilt</h1>{under}{BODY}</body></html>"
    )


def ld(**dates: str) -> str:
    fields = "".join(f', "{key}": "{value}"' for key, value in dates.items())
    return f'<script type="application/ld+json">{{"@type": "NewsArticle"{fields}}}</script>'


def meta(key: str, value: str) -> str:
    return f'<meta property="{key}" content="{value}">'


class Recorder:
    """A metadata.DateChooser that keeps the candidates it was handed and the cascade's date."""

    def __init__(self) -> None:
        self.candidates: list[DateCandidate] = []

    def __call__(self, *args: Any) -> str | None:
        self.candidates = date_candidates.collect(*args)
        return args[-1]  # type: ignore[no-any-return]


def candidates_of(html: str, latest: str | None = None) -> dict[str, set[str]]:
    tree, _ = parse_html(html)
    assert tree is not None
    recorder = Recorder()
    read_metadata(tree, latest, LEARNED, choose_date=recorder)
    return {candidate.day: candidate.sources for candidate in recorder.candidates}


@pytest.mark.parametrize(
    ("html", "wanted"),
    [
        (
            page(ld(datePublished="2023-01-10T09:00:00+00:00", dateModified="2024-03-09")),
            {"2023-01-10": {"cascade", "ld_published"}, "2024-03-09": {"ld_modified"}},
        ),
        (
            page(meta("article:published_time", "2023-01-10"), "<p>By Jane Roe · Updated March 9, 2024</p>"),
            {"2023-01-10": {"cascade", "meta_published"}, "2024-03-09": {"printed_update"}},
        ),
        (
            page(ld(dateCreated="2023-01-10"), "<p>By Jane Roe, January 12, 2023</p>", "https://x.org/2023/01/11/a"),
            {
                "2023-01-10": {"ld_created"},
                "2023-01-12": {"cascade", "printed", "printed_first"},
                "2023-01-11": {"url"},
            },
        ),
        (
            page("", "<p><time datetime='2023-01-10' class='published'>10 Jan</time></p>"),
            {"2023-01-10": {"cascade", "time_marked", "time_first"}},
        ),
        (
            page("", "<p><time datetime='2023-01-10'>x</time><time datetime='2024-03-09' class='updated'>y</time></p>"),
            {"2023-01-10": {"cascade", "time_first"}, "2024-03-09": {"time_update"}},
        ),
        (page(ld(datePublished="2023") + meta("article:published_time", "© 2023")), {}),  # bare years: none
    ],
)
def test_candidates_and_their_sources(html: str, wanted: dict[str, set[str]]) -> None:
    assert candidates_of(html) == wanted


def test_no_candidate_after_the_fetch() -> None:
    html = page(ld(datePublished="2030-01-01", dateModified="2031-05-05"), "<p>By Jane Roe, March 2, 2024</p>")
    assert candidates_of(html, latest="2024-06-01") == {"2024-03-02": {"cascade", "printed", "printed_first"}}
    assert set(candidates_of(html)) == {"2030-01-01", "2031-05-05", "2024-03-02"}  # no fetch known: no cap


NEWS_DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
DAYS = NEWS_DATES.map(lambda day: day.isoformat())


@settings(max_examples=40, deadline=None)
@given(DAYS, DAYS, DAYS, DAYS, NEWS_DATES)
def test_the_learned_choice_is_never_after_the_fetch(published, modified, timed, printed, fetch) -> None:  # type: ignore[no-untyped-def]
    head = ld(datePublished=published, dateModified=modified)
    under = f"<p>By Jane Roe, {printed}</p><p><time datetime='{timed}'>then</time></p>"
    latest = fetch.isoformat()
    found = extract_html(
        page(head, under, f"https://x.org/{printed.replace('-', '/')}/a"), latest=latest, dates=LEARNED
    )
    offered = {published, modified, timed, printed}
    if any(day <= latest for day in offered):
        assert found.published is not None and found.published[:10] <= latest
        assert found.published[:10] in offered
    else:
        assert found.published is None or found.published[:10] <= latest  # htmldate's reading, capped too


@pytest.mark.parametrize("head", [ld(datePublished="2023"), meta("article:published_time", "2023"), ""])
def test_a_bare_year_is_never_the_date(head: str) -> None:
    found = extract_html(page(head, "<footer>© 2023 The Harbour Times</footer>"), dates=LEARNED)
    assert found.published is None


def test_the_cascades_value_is_kept_when_its_day_is_chosen() -> None:
    """A day every source agrees on is dated as the cascade dates it (the markup's timestamp)."""
    head = ld(datePublished="2023-01-10T09:00:00+01:00") + meta("article:published_time", "2023-01-10")
    html = page(head, "<p>By Jane Roe, January 10, 2023</p>")
    assert extract_html(html, dates=LEARNED).published == "2023-01-10T09:00:00+01:00"
    assert extract_html(html, dates=replace(LEARNED, learned_choice=False)).published == "2023-01-10T09:00:00+01:00"


@pytest.mark.parametrize(
    ("scores", "index"),
    [([0.0, 2.0, 1.0], 1), ([3.0, 3.0], 0), ([-1.0], 0), ([-2.0, -1.0, -1.0], 1)],  # ties: the earlier offer
)
def test_best_takes_the_highest_score(scores: list[float], index: int) -> None:
    model = {"mean": [0.0], "scale": [1.0], "weights": [1.0]}
    assert best([[score] for score in scores], model) == index


def test_the_shipped_model_fits_the_features() -> None:
    model = shipped_ranker()
    assert tuple(model["features"]) == FEATURES
    assert len(model["mean"]) == len(model["scale"]) == len(model["weights"]) == len(FEATURES)
    assert all(scale > 0 for scale in model["scale"])
    assert set(SOURCES) < set(FEATURES)


@pytest.mark.skipif(not WCXB.is_dir(), reason="../shared/eval/wcxb-dev is not there")
def test_the_training_script_writes_the_shipped_model(tmp_path: Path) -> None:
    """`--write` twice gives the same bytes, and they are the shipped file's (the model is the
    script's, nothing tuned by hand)."""
    written = []
    for run in range(2):
        target = tmp_path / f"model{run}.json"
        command = [sys.executable, str(ROOT / "scripts" / "train_date_ranker.py"), "--gold-dir", str(WCXB)]
        command += ["--cache", str(tmp_path / "pages.json"), "--write", "--model", str(target)]
        result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
        assert result.returncode == 0, result.stderr
        written.append(target.read_bytes())
    assert written[0] == written[1]
    assert written[0] == (ROOT / "pipeline" / "data" / "date_ranker.json").read_bytes()
