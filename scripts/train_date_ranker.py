"""Issue 24: a learned choice among an HTML page's date candidates (clean/html/date_candidates.py),
measured against the hand-written cascade (metadata._dates) on a WCXB-shaped folder's labelled
article pages (wcxb-dev: 659 of 793 carry a date).

    .venv/bin/python scripts/train_date_ranker.py --gold-dir ../shared/eval/wcxb-dev            # figures
    .venv/bin/python scripts/train_date_ranker.py --gold-dir ../shared/eval/wcxb-dev --write    # + the model

It prints the oracle ceiling (the share of labelled pages where some candidate is the label's
day), the cascade's agreement and the ranker's, cross-validated in 5 folds grouped by site (a
site's pages are all in one fold), per half (evaluation.metadata.half_of) and overall. The ranker
is a logistic regression over the candidates' features (L2, Newton's method from zeros: closed in
its steps, no randomness); `--write` fits it on every page and writes pipeline/data/date_ranker.json
(the same bytes every time). The page read is cached in --cache (delete it after a code change).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.clean.bylines import load_byline_words  # noqa: E402
from pipeline.clean.html import date_candidates  # noqa: E402
from pipeline.clean.html.extract import parse_html  # noqa: E402
from pipeline.clean.html.metadata import _date_in_url, _local_day_of_url, read_metadata  # noqa: E402
from pipeline.core.document import RawArticle  # noqa: E402
from pipeline.core.settings import SHIPPED  # noqa: E402
from pipeline.evaluation.metadata import half_of, same_day, wcxb_pages  # noqa: E402
from pipeline.ingest.readers import read_file  # noqa: E402

MODEL = ROOT / "pipeline" / "data" / "date_ranker.json"
FOLDS = 5
L2 = 10.0  # the penalty of the printed figure: the one --write picks (chosen_penalty) on wcxb-dev


@dataclass
class PageRows:
    page_id: str
    half: str
    site: str
    label: str
    cascade: str | None  # as the cascade gives it (its URL day applied)
    url_day: str | None  # the date in the page's URL: metadata applies it to the choice as to the cascade's
    days: list[str]
    values: list[str]
    rows: list[list[float]]


def read_pages(gold: Path) -> Iterator[PageRows]:
    """Each labelled page's candidates as the cleaner's hook sees them: read_metadata runs with a
    chooser that records its arguments and keeps the cascade's date."""
    files = json.loads((gold / "metadata.json").read_text())["files"]
    words = load_byline_words()
    for page in wcxb_pages(gold):
        if not page.labels.published:
            continue
        raw = next(result for result in read_file(page.path, page.path.name) if isinstance(result, RawArticle))
        assert raw.html is not None
        tree, _ = parse_html(raw.html)
        recorder = _Recorder()
        cascade = read_metadata(tree, None, SHIPPED.dates, words, choose_date=recorder).published if tree else None
        yield PageRows(
            page.page_id,
            half_of(page.page_id),
            files.get(page.page_id, {}).get("domain", page.page_id),
            page.labels.published,
            cascade,
            _date_in_url(recorder.url),
            [candidate.day for candidate in recorder.candidates],
            [candidate.value for candidate in recorder.candidates],
            date_candidates.features(recorder.candidates),
        )


class _Recorder:
    """A metadata.DateChooser that keeps the candidates and the URL it was handed, and the cascade's date."""

    def __init__(self) -> None:
        self.candidates: list[date_candidates.DateCandidate] = []
        self.url: str | None = None

    def __call__(self, *args: Any) -> str | None:
        self.candidates = date_candidates.collect(*args)
        self.url = args[3]
        return args[-1]  # type: ignore[no-any-return]


def compare(folders: list[Path]) -> None:
    """On HTML pages without date labels (scrapinghub, multilingual): how often the shipped ranker
    takes the cascade's day, over the pages whose markup states a published date and over all."""
    words = load_byline_words()
    for folder in folders:
        tally = {"markup": [0, 0], "other": [0, 0]}  # pages, same day as the cascade
        for path in sorted(folder.glob("*.html")):
            raw = next((result for result in read_file(path, path.name) if isinstance(result, RawArticle)), None)
            tree = parse_html(raw.html)[0] if raw is not None and raw.html else None
            if tree is None:
                continue
            recorder = _Recorder()
            cascade = read_metadata(tree, None, SHIPPED.dates, words, choose_date=recorder).published
            if not recorder.candidates:
                continue
            features = date_candidates.features(recorder.candidates)
            best = recorder.candidates[date_candidates.best(features, date_candidates.shipped_ranker())]
            chosen = _local_day_of_url(best.value, _date_in_url(recorder.url))
            markup = any(candidate.sources & _MARKUP for candidate in recorder.candidates)
            counts = tally["markup" if markup else "other"]
            counts[0] += 1
            counts[1] += (chosen or "")[:10] == (cascade or "")[:10]
        for kind, (pages, same) in tally.items():
            print(f"{folder.name}: {kind} date pages {pages}, the ranker's day is the cascade's on {same}")


_MARKUP = {"ld_published", "ld_created", "meta_published"}


def load(gold: Path, cache: Path) -> list[PageRows]:
    if cache.exists():
        return [PageRows(**item) for item in json.loads(cache.read_text())]
    pages = list(read_pages(gold))
    cache.write_text(json.dumps([page.__dict__ for page in pages]))
    return pages


# --- figures ------------------------------------------------------------------------------------


def agreement(pages: list[PageRows], chosen: dict[str, str | None]) -> dict[str, float]:
    parts: dict[str, list[bool]] = {"A": [], "B": [], "all": []}
    for page in pages:
        hit = same_day(chosen.get(page.page_id), page.label)
        parts[page.half].append(hit)
        parts["all"].append(hit)
    return {part: round(sum(hits) / len(hits), 4) if hits else 0.0 for part, hits in parts.items()}


def oracle(pages: list[PageRows]) -> dict[str, float]:
    chosen: dict[str, str | None] = {}
    for page in pages:
        chosen[page.page_id] = next((day for day in page.days if same_day(day, page.label)), None)
    return agreement(pages, chosen)


# --- the ranker ---------------------------------------------------------------------------------


@dataclass
class Ranker:
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # bias first

    def choose(self, page: PageRows) -> str | None:
        """As date_candidates.choose does with the model's JSON (the same arithmetic)."""
        if not page.rows:
            return page.cascade
        model = json.loads(model_json(self))
        return _local_day_of_url(page.values[date_candidates.best(page.rows, model)], page.url_day)


def fit_softmax(pages: list[PageRows], l2: float = L2) -> Ranker:
    """A conditional logit: per page, a softmax over its candidates' scores, the label's day the
    target (Newton's method from zero weights, 25 steps; no bias: it cancels within a page)."""
    groups = []
    for page in pages:
        hits = np.asarray([float(same_day(day, page.label)) for day in page.days])
        if len(page.days) >= 2 and hits.any():
            groups.append((np.asarray(page.rows, dtype=float), hits / hits.sum()))
    stacked = np.vstack([x for x, _ in groups])
    mean = stacked.mean(axis=0)
    scale = stacked.std(axis=0)
    scale[scale == 0] = 1.0
    groups = [((x - mean) / scale, y) for x, y in groups]
    weights = np.zeros(stacked.shape[1])
    for _ in range(25):
        gradient = l2 * weights
        hessian = l2 * np.eye(len(weights))
        for x, y in groups:
            s = x @ weights
            p = np.exp(s - s.max())
            p /= p.sum()
            gradient += x.T @ (p - y)
            hessian += x.T @ (np.diag(p) - np.outer(p, p)) @ x
        weights = weights - np.linalg.solve(hessian, gradient)
    return Ranker(mean, scale, np.concatenate([[0.0], weights]))


def fit(pages: list[PageRows], l2: float = L2) -> Ranker:
    """Logistic regression over the candidates of pages with a choice to make (two candidates or
    more, one of them the label's day): Newton's method from zero weights, 25 steps."""
    rows: list[list[float]] = []
    targets: list[float] = []
    for page in pages:
        hits = [same_day(day, page.label) for day in page.days]
        if len(page.days) < 2 or not any(hits):
            continue
        rows.extend(page.rows)
        targets.extend(float(hit) for hit in hits)
    x = np.asarray(rows, dtype=float)
    y = np.asarray(targets)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    weights = np.zeros(z.shape[1])
    penalty = l2 * np.eye(z.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(25):
        p = 1.0 / (1.0 + np.exp(-(z @ weights)))
        gradient = z.T @ (p - y) + penalty @ weights
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        weights = weights - np.linalg.solve(hessian, gradient)
    return Ranker(mean, scale, weights)


def site_fold(site: str, salt: str = "") -> int:
    """A site's fold, from a hash of its name (salted for the inner folds of nested())."""
    return hashlib.sha1((salt + site).encode("utf-8")).digest()[0] % FOLDS


def cross_validated(
    pages: list[PageRows], l2: float = L2, softmax: bool = False, salt: str = ""
) -> dict[str, str | None]:
    chosen: dict[str, str | None] = {}
    for fold in range(FOLDS):
        train = [page for page in pages if site_fold(page.site, salt) != fold]
        ranker = fit_softmax(train, l2) if softmax else fit(train, l2)
        for page in pages:
            if site_fold(page.site, salt) == fold:
                chosen[page.page_id] = ranker.choose(page)
    return chosen


L2_GRID = (1.0, 3.0, 10.0, 30.0)


def chosen_penalty(pages: list[PageRows], salt: str = "") -> float:
    """The penalty of L2_GRID that agrees best in 5 folds by site over these pages (the larger of equals)."""
    figures = {l2: agreement(pages, cross_validated(pages, l2, True, salt))["all"] for l2 in L2_GRID}
    return max(reversed(L2_GRID), key=lambda l2: figures[l2])


def nested(pages: list[PageRows]) -> tuple[dict[str, str | None], list[float]]:
    """Cross-validated with the penalty chosen inside each training part (its own 5 folds by site,
    the best of L2_GRID over them): the figure of the whole recipe, the penalty's choice included.
    Returns the choices and the penalty each outer fold chose."""
    chosen: dict[str, str | None] = {}
    picked = []
    for fold in range(FOLDS):
        train = [page for page in pages if site_fold(page.site) != fold]
        l2 = chosen_penalty(train, salt=f"{fold}")
        picked.append(l2)
        ranker = fit_softmax(train, l2)
        for page in pages:
            if site_fold(page.site) == fold:
                chosen[page.page_id] = ranker.choose(page)
    return chosen, picked


def without_update_only(page: PageRows) -> PageRows:
    """The page without the days that only update sources offer, when it offers another day."""
    column = date_candidates.FEATURES.index("update_only")
    kept = [index for index, row in enumerate(page.rows) if not row[column]]
    if not kept or len(kept) == len(page.rows):
        return page
    return replace(
        page,
        days=[page.days[index] for index in kept],
        values=[page.values[index] for index in kept],
        rows=[page.rows[index] for index in kept],
    )


def model_json(ranker: Ranker) -> str:
    data = {
        "features": list(date_candidates.FEATURES),
        "mean": [round(float(value), 6) for value in ranker.mean],
        "scale": [round(float(value), 6) for value in ranker.scale],
        "weights": [round(float(value), 6) for value in ranker.weights[1:]],
    }
    return json.dumps(data, indent=1) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold-dir", type=Path, required=True)
    parser.add_argument("--compare", type=Path, nargs="*", default=[], help="folders of unlabelled HTML pages")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/date_candidates_cache.json"))
    parser.add_argument("--l2", type=float, default=L2, help="the penalty of the cross-validated figure")
    parser.add_argument("--nested", action="store_true", help="also the figure with the penalty chosen inside")
    parser.add_argument("--binary", action="store_true", help="a logistic regression per candidate instead")
    parser.add_argument(
        "--no-update-only",
        action="store_true",
        help="leave out a day only update sources offer when the page offers another (the figures of why it ships off)",
    )
    parser.add_argument("--write", action="store_true", help="fit on every page and write the model")
    parser.add_argument("--model", type=Path, default=MODEL, help="where --write writes (default: the shipped file)")
    args = parser.parse_args()
    pages = load(args.gold_dir, args.cache)
    if args.no_update_only:
        pages = [without_update_only(page) for page in pages]
    print(f"pages with a date label: {len(pages)}")
    print("oracle (some candidate is the label's day):", oracle(pages))
    print("cascade:", agreement(pages, {page.page_id: page.cascade for page in pages}))
    chosen = cross_validated(pages, args.l2, not args.binary)
    print(f"ranker, {FOLDS} folds by site (l2 {args.l2}):", agreement(pages, chosen))
    if args.nested:
        chosen, picked = nested(pages)
        print(f"ranker, nested (penalty from {L2_GRID} inside each training part: {picked}):", agreement(pages, chosen))
    compare(args.compare)
    if args.write:  # the recipe nested() measures: the penalty chosen by 5 folds by site, then a fit on all
        l2 = chosen_penalty(pages)
        args.model.write_text(model_json(fit_softmax(pages, l2)))
        print(f"wrote {args.model} (penalty {l2})")


if __name__ == "__main__":
    main()
