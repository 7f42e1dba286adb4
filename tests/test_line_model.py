"""The page-dump line model's file, its hashed n-grams and its training script (issue 23, item 5)."""

from __future__ import annotations

import importlib.util
import os
import sys
import zlib
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.clean.dump import line_model
from pipeline.clean.dump.line_model import (
    MODEL_ENV,
    SHIPPED_MODEL,
    LineModel,
    article_scores,
    line_ngrams,
    load_model,
    word_buckets,
)
from pipeline.clean.dump.region import article_region
from pipeline.core.settings import SHIPPED

from .test_page_dump import BODY, FOOTER, MENU

ROOT = Path(__file__).resolve().parents[1]
PAGE = ["Council approves budget | Riverside Post", *MENU * 2, "Council approves budget", *BODY, *FOOTER]


def training_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_page_lines", ROOT / "scripts" / "train_page_lines.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_page_lines"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_the_shipped_model_is_small_and_complete() -> None:
    assert SHIPPED_MODEL.stat().st_size < 2_000_000
    model = load_model(SHIPPED_MODEL)
    features = len(model.line_means)  # every FEATURES column, or a model's before the page columns
    assert features in (len(line_model.FEATURES), line_model.PAGE_COLUMNS)
    after = len(line_model.AFTER_NEIGHBOUR_FEATURES) if features == len(line_model.FEATURES) else 0
    context = len(line_model.NEIGHBOUR_FEATURES) + features + after
    assert model.line_means.shape == model.line_scales.shape == (features,)
    assert model.line_weights.shape == (features + 1,)
    assert model.context_weights.shape == (context + 1,)
    assert all(np.isfinite(getattr(model, name)).all() for name in LineModel.__dataclass_fields__)


def test_buckets_are_crc32_of_the_word_and_its_4_grams() -> None:
    assert word_buckets("abo", 1 << 14) == tuple(zlib.crc32(g.encode()) % (1 << 14) for g in ("<abo>", "<abo", "abo>"))


@given(st.text(alphabet="aäbcdeßxyz 0123456789", max_size=80))
def test_ngrams_ignore_case_and_which_digits(line: str) -> None:
    assert line_ngrams(line, 4096) == line_ngrams(line.upper().replace("7", "3"), 4096)
    assert all(0 <= bucket < 4096 for bucket in line_ngrams(line, 4096))


@pytest.mark.parametrize(
    ("bias", "kept"),
    [(30.0, PAGE), (-30.0, [])],  # every line scored article / none
)
def test_the_environment_points_the_cleaner_at_another_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bias: float, kept: list[str]
) -> None:
    shipped = load_model(SHIPPED_MODEL)
    fields = {name: getattr(shipped, name) for name in LineModel.__dataclass_fields__}
    fields["context_weights"] = np.append(np.zeros(len(shipped.context_weights) - 1), bias)
    path = tmp_path / "other.npz"
    training_script().write_model(fields, path)
    monkeypatch.setenv(MODEL_ENV, str(path))
    settings = SHIPPED.page_dump
    scores = article_scores(PAGE, settings, article_region(PAGE, settings))
    assert [line for line, score in zip(PAGE, scores, strict=True) if score >= settings.line_threshold] == kept


def test_a_model_file_is_written_byte_for_byte_the_same(tmp_path: Path) -> None:
    script = training_script()
    model = load_model(SHIPPED_MODEL)
    fields = {name: getattr(model, name) for name in LineModel.__dataclass_fields__}
    script.write_model(fields, tmp_path / "a.npz")
    script.write_model(fields, tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


def test_fitting_is_deterministic_and_learns_furniture_words() -> None:
    script = training_script()
    settings = SHIPPED.page_dump
    pages = []
    for number, site in enumerate(["a.example", "b.example", "c.example", "d.example", "e.example", "f.example"]):
        furniture = [f"Jetzt abonnieren {number}", "Mehr zum Thema", f"Follow us {number}"]
        lines = [f"Budget news {number} | {site}", *MENU * 2, *furniture, *BODY, *furniture, *FOOTER]
        page = script.make_page("test", str(number), site, lines, 1 << 10)
        assert page is not None
        for index, line in enumerate(lines):
            page.labels[index], page.weights[index] = (1.0 if line in BODY else 0.0), 1.0
        pages.append(page)
    first, second = script.fit(pages, 1.0), script.fit(pages, 1.0)
    assert all(np.array_equal(first[name], second[name]) for name in first)
    assert first["ngram_weights"][list(word_buckets("abonnieren", 1 << 10))].sum() < 0
    assert settings.line_threshold > 0


def test_the_cleaner_scores_n_grams_as_the_training_script_counts_them() -> None:
    weights = np.random.default_rng(7).normal(size=1 << 10)
    lines = [*PAGE, "", "Jetzt abonnieren!", "Czytaj także: 12 komentarzy"]
    expected = training_script().ngram_matrix(lines, 1 << 10) @ weights
    assert np.allclose(line_model.ngram_scores(lines, weights), expected)


def test_a_replaced_model_file_is_read_again(tmp_path: Path) -> None:
    """A long-lived worker (Celery) cleans with the file as it is now, the one the digest names."""
    path = tmp_path / "model.npz"
    path.write_bytes(line_model.SHIPPED_MODEL.read_bytes())
    first = line_model.load_model(path)
    with np.load(line_model.SHIPPED_MODEL) as data:
        arrays = {name: np.asarray(data[name]) for name in data.files}
    arrays["line_weights"] = arrays["line_weights"] * 2
    np.savez(path, **arrays)
    os.utime(path, ns=(1, 1))  # a different stamp even on a coarse clock
    assert np.array_equal(line_model.load_model(path).line_weights, first.line_weights * 2)


# Page-type evidence and the article's end (issue 23, item 5, second round).
LINE_TEXTS = st.sampled_from(
    [*MENU[:4], *BODY, "12 Comments", "2 hours ago", "Reply", "Anna Smith", "Typical council.", "Budget - Post"]
)


@given(st.lists(LINE_TEXTS, min_size=1, max_size=60))
def test_a_model_fitted_before_the_page_columns_reads_the_same_first_columns(lines: list[str]) -> None:
    settings = SHIPPED.page_dump
    region, stops = article_region(lines, settings), line_model.stop_words("en")
    every = line_model.line_features(lines, settings, region, stops)
    assert every.shape == (len(lines), len(line_model.FEATURES))
    before = line_model.line_features(lines, settings, region, stops, line_model.PAGE_COLUMNS)
    assert np.array_equal(before, every[:, : line_model.PAGE_COLUMNS])


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=80))
def test_the_valley_never_rises_away_from_the_best_stretch(values: list[float]) -> None:
    scores = np.array(values)
    above, below, valley = line_model.after_neighbour_features(scores).T
    eps = 1e-12  # means taken as differences of running sums: a mean of ones may read 1 + 2e-16
    assert ((-eps <= above) & (above <= 1 + eps) & (-eps <= below) & (below <= 1 + eps)).all()
    best = int(np.argmax(valley))  # the best stretch's own smoothed score is never below a valley past it
    assert (np.diff(valley[best:]) <= 1e-12).all() and (np.diff(valley[: best + 1]) >= -1e-12).all()


def test_a_thread_past_a_navigation_run_reads_as_past_the_article() -> None:
    settings = SHIPPED.page_dump
    comments = [(f"Reader{n} Smith", f"{n + 2} hours ago", f"{BODY[n % 3]} ({n})", "Reply") for n in range(4)]
    thread = [line for comment in comments for line in comment]
    lines = ["Council approves budget | Riverside Post", *MENU, "Council approves budget", *BODY, *FOOTER, *thread]
    rows = line_model.line_features(lines, settings, article_region(lines, settings), line_model.stop_words("en"))
    column = {name: rows[:, k] for k, name in enumerate(line_model.FEATURES)}
    barrier = column["log longest navigation run between it and the headline (else the densest run's start)"]
    first_comment = lines.index(thread[2])
    assert barrier[lines.index(BODY[0])] == 0 and barrier[first_comment] == np.log1p(len(FOOTER))
    dated = column["a short line with a digit within 2 lines above (a comment's date)"]
    assert dated[first_comment] == 1 and dated[lines.index(BODY[1])] == 0
    alone = column["share of prose lines within 10 lines standing alone (no prose line above)"]
    assert alone[lines.index(thread[-2])] == 1 and alone[lines.index(BODY[1])] < 1


@pytest.mark.parametrize("threshold", [0.35, 0.5, 0.65])
def test_the_chosen_threshold_is_folded_into_the_bias(threshold: float, monkeypatch: pytest.MonkeyPatch) -> None:
    script = training_script()
    pages = []
    for number, site in enumerate(["a.example", "b.example", "c.example", "d.example"]):
        lines = [f"Budget news {number} | {site}", *MENU * 2, *BODY, *FOOTER]
        page = script.make_page("test", str(number), site, lines, 0)
        assert page is not None
        for index, line in enumerate(lines):
            page.labels[index], page.weights[index] = (1.0 if line in BODY else float(index % 2)), 1.0
        pages.append(page)
    plain, folded = script.fit(pages, 1.0), script.fit_with_threshold(pages, 1.0, threshold)
    for page in pages:
        assert ((script.predict(plain, page) >= threshold) == (script.predict(folded, page) >= 0.5)).all()


# The densest run cut at a long navigation run (issue 23, item 5, third round).
def test_the_densest_run_is_cut_where_a_footer_stands_between_it_and_a_thread() -> None:
    settings = SHIPPED.page_dump
    comments = [(f"Reader{n} Smith", f"{n + 2} hours ago", f"{BODY[n % 3]} ({n})", "Reply") for n in range(4)]
    thread = [line for comment in comments for line in comment]
    lines = ["Council approves budget | Riverside Post", *MENU, "Council approves budget", *BODY, *FOOTER, *thread]
    region = article_region(lines, settings)
    assert region is not None and region[1] == len(lines) - 2  # the merge takes the thread in
    rows = line_model.line_features(lines, settings, region, line_model.stop_words("en"))
    inside, past = rows[:, line_model.CUT_COLUMNS], rows[:, line_model.CUT_COLUMNS + 1]
    assert [bool(inside[lines.index(line)]) for line in BODY] == [True] * 3
    assert inside[lines.index(thread[2]) :].sum() == 0
    assert past[lines.index(thread[2])] == np.log1p(lines.index(thread[2]) - lines.index(BODY[2]))


@pytest.mark.parametrize(
    ("labels", "cut"),
    [
        ([0] * 4 + [1] * 2, (0, 5)),  # a run of 4 labels: shorter than CUT_NAVIGATION_RUN, no cut
        ([0] + [1] * 5 + [0], (0, 0)),  # 5 labels right under the anchor: the run ends at the anchor
        ([1] * 5 + [0] * 3 + [1] * 5, (5, 7)),  # cut on both sides
    ],
)
def test_the_cut_stops_before_the_first_long_navigation_run(labels: list[int], cut: tuple[int, int]) -> None:
    navigation = np.array(labels, dtype=float)
    anchor = cut[0]
    assert line_model.cut_region(navigation, (0, len(labels) - 1), anchor) == cut


@pytest.mark.parametrize("anchor", [3, 4, 7])
def test_an_anchor_inside_a_long_run_leaves_an_empty_cut(anchor: int) -> None:
    # the run of 5 labels (lines 3-7) is counted through the anchor, both ways (hypothesis found it)
    navigation = np.array([0, 0, 0, 1, 1, 1, 1, 1], dtype=float)
    assert line_model.cut_region(navigation, (0, 7), anchor) == (anchor + 1, anchor - 1)
    assert line_model.cut_region(navigation, (0, 6), 4) == (0, 6)  # 4 labels inside the region: no cut


@given(st.lists(st.booleans(), min_size=1, max_size=40), st.data())
def test_the_cut_region_lies_inside_the_region_and_holds_no_long_run(flags: list[bool], data: st.DataObject) -> None:
    first = data.draw(st.integers(0, len(flags) - 1))
    last = data.draw(st.integers(first, len(flags) - 1))
    anchor = data.draw(st.integers(first, last))
    low, high = line_model.cut_region(np.array(flags, dtype=float), (first, last), anchor)
    assert first <= low <= anchor + 1 and anchor - 1 <= high <= last  # empty when the anchor opens a run
    run = line_model.CUT_NAVIGATION_RUN
    assert not any(all(flags[k : k + run]) for k in range(low, high - run + 2))


def labelled_pages(script: ModuleType, sets: list[str]) -> list[object]:
    pages = []
    sites = ["a.example", "b.example", "c.example", "d.example"][: len(sets)]
    for number, (set_name, site) in enumerate(zip(sets, sites, strict=True)):
        lines = [f"Budget news {number} | {site}", *MENU * 2, *BODY, *FOOTER]
        page = script.make_page(set_name, str(number), site, lines, 0)
        assert page is not None
        for index, line in enumerate(lines):
            page.labels[index], page.weights[index] = (1.0 if line in BODY else 0.0), 1.0
        pages.append(page)
    return pages


def test_the_threshold_can_be_chosen_leaving_one_training_set_out() -> None:
    script = training_script()
    pages = labelled_pages(script, ["x", "x", "y", "y"])
    assert script.set_folds(pages) == [[0, 1], [2, 3]]
    assert script.set_folds(pages[:2]) == script.inner_folds(pages[:2])  # one set: by site
    assert script.inner_threshold(pages, 1.0, "set") in script.THRESHOLDS


@pytest.mark.parametrize("factor", [0.2, 1.0, 3.0])
def test_a_set_weight_scales_that_sets_share_of_the_training_weight(
    factor: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = training_script()
    pages = labelled_pages(script, ["x", "x", "y", "y"])
    monkeypatch.setattr(script, "SET_FACTORS", {"y": factor})
    _, weights, order = script.stack_labels(pages)
    per_set = {"x": 0.0, "y": 0.0}
    for page, index in zip(pages, order, strict=True):
        per_set[page.set_name] += float(weights[: len(index)].sum())
        weights = weights[len(index) :]
    assert per_set["y"] == pytest.approx(factor * per_set["x"])


def test_columns_left_out_are_stored_at_weight_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    script = training_script()
    pages = labelled_pages(script, ["x", "x", "y", "y"])
    monkeypatch.setattr(script, "COLUMNS", [0, 6, line_model.CUT_COLUMNS])
    monkeypatch.setattr(script, "AFTER", False)
    model = script.fit(pages, 1.0)
    kept = np.flatnonzero(model["line_weights"][:-1])
    assert set(kept) <= {0, 6, line_model.CUT_COLUMNS} and len(model["line_means"]) == len(line_model.FEATURES)
    neighbours, features = len(line_model.NEIGHBOUR_FEATURES), len(line_model.FEATURES)
    context = set(np.flatnonzero(model["context_weights"][:-1]))
    assert context <= {*range(neighbours), neighbours, neighbours + 6, neighbours + line_model.CUT_COLUMNS}
    assert len(model["context_means"]) == neighbours + features + len(line_model.AFTER_NEIGHBOUR_FEATURES)
