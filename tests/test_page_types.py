"""Issue 23, item 3: pages that are not articles are not published as articles. Hand-written
pages of the kinds a news site serves besides its stories (tests/page_type_pages.py: a section
front, a tag page, a live-ticker index, an author page) are judged not articles; articles that
look like lists (a list article, a recipe, a Q&A) stay articles. The real `python -m pipeline run`,
with settings that hold non-articles back (page_types.keep_non_articles: false; the shipped
settings keep them), rejects one with 'not an article: <type>', the report counts it, and
`run --keep-non-articles` keeps it with articles.page_type."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import sqlalchemy as sa
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pipeline import Cleaner, RawArticle
from pipeline.clean.html.page_type import ARTICLE, FEATURES, PAGE_TYPES, judge_page, probability, shipped_model

from .conftest import ROOT
from .page_type_pages import ARTICLES, NON_ARTICLES, bare_story, section_front, tag_page

BATCH = "2024-05-02"


def _cleaned(cleaner: Cleaner, html: str) -> str:
    return cleaner.clean(RawArticle(source_file="page.html", html=html)).page_type


@pytest.mark.parametrize("kind", sorted(NON_ARTICLES))
def test_a_news_site_page_that_is_no_article_is_judged_so(cleaner: Cleaner, kind: str) -> None:
    assert _cleaned(cleaner, NON_ARTICLES[kind]()) in set(PAGE_TYPES) - {ARTICLE}


@pytest.mark.parametrize("kind", sorted(ARTICLES))
def test_an_article_that_looks_like_a_list_stays_an_article(cleaner: Cleaner, kind: str) -> None:
    assert _cleaned(cleaner, ARTICLES[kind]()) == ARTICLE


@pytest.mark.parametrize("text", ["Council approves budget\n\nThe council approved the budget on Monday.", ""])
def test_text_input_is_an_article(clean_text, text: str) -> None:  # type: ignore[no-untyped-def]
    assert clean_text(text).page_type == ARTICLE


def test_the_shipped_model_matches_the_features() -> None:
    model = shipped_model()
    assert tuple(model["features"]) == FEATURES
    assert 0 < model["threshold"] < 0.5  # a page is held back only when the model is fairly sure
    assert set(model["types"]) == set(PAGE_TYPES) - {ARTICLE}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=len(FEATURES), max_size=len(FEATURES)))
def test_any_feature_row_gets_one_known_type_the_same_every_time(row: list[float]) -> None:
    first = judge_page(row)
    assert first.page_type in PAGE_TYPES
    assert 0.0 <= first.article_probability <= 1.0
    assert judge_page(row) == first
    assert (first.page_type == ARTICLE) == (first.article_probability >= shipped_model()["threshold"])


ROWS = st.lists(st.floats(min_value=-1e3, max_value=1e3), min_size=len(FEATURES), max_size=len(FEATURES))


@cache
def training_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_page_types", ROOT / "scripts" / "train_page_types.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_article_model_blends_trees_and_a_logistic_regression() -> None:
    members = shipped_model()["article"]["members"]
    assert ["trees" in member for member in members] == [True, False]
    assert len(members[1]["weights"]) == len(FEATURES) + 1  # one weight per feature, the bias last


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1), min_size=len(FEATURES), max_size=len(FEATURES)))
def test_a_blend_averages_its_members_log_odds(row: list[float]) -> None:
    """(Rows of shares and flags: each member's log-odds stay well inside the +-50 clip.)"""

    def log_odds(p: float) -> float:
        return math.log(p / (1 - p))

    model = shipped_model()["article"]
    members = [probability(row, member) for member in model["members"]]
    assume(all(1e-12 < p < 1 - 1e-12 for p in members))
    blended = probability(row, model)
    assert log_odds(blended) == pytest.approx(sum(log_odds(p) for p in members) / len(members), abs=1e-6)
    assert min(members) <= blended <= max(members)


@settings(max_examples=50, deadline=None)
@given(st.lists(ROWS, min_size=1, max_size=5))
def test_the_training_script_and_the_cleaner_score_a_page_alike(rows: list[list[float]]) -> None:
    """The script picks the threshold with numpy; the cleaner applies it in plain Python."""
    model = shipped_model()["article"]
    expected = training_script().probability(model, np.array(rows, dtype=float))
    assert [probability(row, model) for row in rows] == pytest.approx(expected.tolist(), rel=1e-9, abs=1e-12)


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    folder = tmp_path / BATCH
    folder.mkdir()
    (folder / "politics.html").write_text(section_front(), encoding="utf-8")
    (folder / "elections.html").write_text(tag_page(), encoding="utf-8")
    (folder / "bridge.html").write_text(bare_story(), encoding="utf-8")
    return folder


def _run(db_url: sa.URL, folder: Path, *options: str) -> dict[str, object]:
    env = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False)}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--input", str(folder), "--batch", BATCH, "--json", "--workers", "1",
         *options],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    return report


def test_run_holds_back_non_articles_then_keeps_them_when_asked(
    engine: sa.Engine, db_url: sa.URL, batch: Path, tmp_path: Path
) -> None:
    holding = tmp_path / "hold_back.yaml"
    holding.write_text("page_types:\n  keep_non_articles: false\n", encoding="utf-8")
    held = _run(db_url, batch, "--settings", str(holding))
    with engine.connect() as connection:
        rejected = connection.execute(sa.text("SELECT source_file, reason FROM rejected_inputs ORDER BY 1")).all()
        stored = connection.execute(sa.text("SELECT source_file, page_type FROM clean_articles")).all()
    assert [(Path(f).name, r.startswith("not an article: ")) for f, r in rejected] == [
        ("elections.html", True), ("politics.html", True),
    ]  # fmt: skip
    assert [(Path(f).name, t) for f, t in stored] == [("bridge.html", ARTICLE)]
    assert held["articles"] == 1 and held["rejected"] == 2
    assert sum(held["not_articles_held_back"].values()) == 2  # type: ignore[attr-defined]

    kept = _run(db_url, batch, "--settings", str(holding), "--keep-non-articles")
    with engine.connect() as connection:
        rejected = connection.execute(sa.text("SELECT count(*) FROM rejected_inputs WHERE batch_id = :b"), {"b": BATCH})
        stored = connection.execute(sa.text("SELECT source_file, page_type FROM clean_articles ORDER BY 1")).all()
    assert rejected.scalar_one() == 0
    types = {Path(f).name: t for f, t in stored}
    assert types["bridge.html"] == ARTICLE
    assert {types["elections.html"], types["politics.html"]} <= set(PAGE_TYPES) - {ARTICLE}
    assert kept["articles"] == 3 and sum(kept["not_articles_kept"].values()) == 2  # type: ignore[attr-defined]
