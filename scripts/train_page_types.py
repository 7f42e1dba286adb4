"""Fit the page-type model (pipeline/data/page_type_model.json) on WCXB's development pages and
report it cross-validated: folds grouped by site, the threshold chosen inside the training folds.

Usage: python scripts/train_page_types.py [--eval-dir ../shared/eval] [--folds 5] [--write]

Each page of ../shared/eval/wcxb-dev is parsed and extracted as the pipeline does, and its
features computed (pipeline/clean/html/page_type.py). The article model ("article or not") is
gradient-boosted trees and a logistic regression (numpy, L2, Newton steps) fitted on the same
pages, their log-odds averaged (--model blend; trees or logistic alone on request): deterministic,
nothing random. A logistic regression per other page type, fitted on the non-articles, names the
reason. Reported:

- nested cross-validation: for each outer fold (sites the fit never saw), the threshold is the
  highest whose article loss, measured by an inner cross-validation over the training sites
  alone, stays at or below MAX_ARTICLE_LOSS; the outer fold is then scored with it. The figures
  are the share of non-articles and of articles held back over the outer folds, per page type;
- leave-one-set-out: the model fitted on all of wcxb-dev scores the pages of the other sets
  (scrapinghub, multilingual: all articles), which it never saw; the share of them held back.

--write fits on every wcxb-dev page and writes the model file, with the threshold the median of
the nested outer folds' thresholds at --max-article-loss (the same rule, applied inside each
training part). Deterministic: nothing random (quantile cuts, Newton leaves, folds by a CRC of
the site), so two runs write the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import zlib
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.clean.html.extract import extract_html  # noqa: E402
from pipeline.clean.html.page_type import ARTICLE, FEATURES, PAGE_TYPES  # noqa: E402

MODEL_PATH = ROOT / "pipeline" / "data" / "page_type_model.json"
L2 = 1.0
MAX_ARTICLE_LOSS = 0.01  # the share of held-out articles a threshold may hold back (--max-article-loss)
REPORTED_LOSSES = (0.01, 0.02)  # each also reported nested (the issue allows 2 %; the shipped one is above)
THRESHOLDS = tuple(float(t) for t in np.round(np.arange(0.5, 0.0, -0.005), 3))
# The article model (--model): gradient-boosted trees, a logistic regression, or "blend" — both
# fitted on the same pages and their log-odds averaged (issue 23, item 3, third pass: the two err on
# different pages; 3 fold assignments out-of-fold, 0.712 -> 0.741 of non-articles at 2 % article
# loss, 0.600 -> 0.666 at 1 %, better on each of the three)
MODEL = "blend"
ROUNDS = 150  # boosting rounds
TREE_DEPTH = 3
LEARNING_RATE = 0.1
TREE_L2 = 1.0
MIN_LEAF = 10  # pages a leaf holds at least
BINS = 32  # quantile cuts per feature
OTHER_TYPES = tuple(kind for kind in PAGE_TYPES if kind != ARTICLE)


def features_of(html: str) -> list[float] | None:
    """The page's features as the cleaner computes them; None for a page with nothing to parse."""
    if not html.strip():
        return None
    return extract_html(html).page_features


def load_wcxb(eval_dir: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    folder = eval_dir / "wcxb-dev"
    files = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))["files"]
    rows, labels, sites = [], [], []
    for truth_path in sorted((folder / "ground-truth").glob("*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        html = gzip.decompress((folder / "html" / f"{truth_path.stem}.html.gz").read_bytes()).decode("utf-8", "replace")
        row = features_of(html)
        if row is None:
            continue
        rows.append(row)
        labels.append(truth["_internal"]["page_type"]["primary"])
        sites.append(files.get(truth_path.stem, {}).get("domain") or truth_path.stem)
    return np.array(rows, dtype=float), np.array(labels), np.array(sites)


def load_articles(folder: Path) -> np.ndarray:
    rows = []
    for path in sorted(folder.glob("*.html")):
        row = features_of(path.read_bytes().decode("utf-8", "replace"))
        if row is not None:
            rows.append(row)
    return np.array(rows, dtype=float)


def fit_logistic(rows: np.ndarray, targets: np.ndarray) -> dict[str, list[float]]:
    means, scales = rows.mean(0), rows.std(0)
    scales[scales < 1e-6] = 1.0  # a feature constant in these rows: its weight stays 0
    z = np.hstack([(rows - means) / scales, np.ones((len(rows), 1))])
    w = np.zeros(z.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(z @ w, -50, 50)))
        gradient = z.T @ (p - targets) + L2 * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + L2 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return {"means": means.tolist(), "scales": scales.tolist(), "weights": w.tolist()}


def probability(model: dict[str, Any], rows: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(log_odds(model, rows), -50, 50)))


def log_odds(model: dict[str, Any], rows: np.ndarray) -> np.ndarray:
    if "members" in model:  # a blend: its members' log-odds averaged
        return np.mean([log_odds(member, rows) for member in model["members"]], axis=0)
    if "trees" in model:
        return np.full(len(rows), model["bias"]) + sum(_tree_values(tree, rows) for tree in model["trees"])
    means, scales, w = (np.array(model[key]) for key in ("means", "scales", "weights"))
    return ((rows - means) / scales) @ w[:-1] + w[-1]


def _tree_values(tree: list[list[float]], rows: np.ndarray) -> np.ndarray:
    """A tree's leaf value per row; nodes are [feature, threshold, left, right, value], a leaf's
    feature -1 (the layout pipeline/clean/html/page_type.py walks)."""
    node = np.zeros(len(rows), dtype=int)
    for _ in range(TREE_DEPTH + 1):
        feature = np.array([tree[n][0] for n in node], dtype=int)
        inner = feature >= 0
        if not inner.any():
            break
        threshold = np.array([tree[n][1] for n in node])
        go_left = rows[np.arange(len(rows)), np.maximum(feature, 0)] <= threshold
        nxt = np.where(go_left, [tree[n][2] for n in node], [tree[n][3] for n in node]).astype(int)
        node = np.where(inner, nxt, node)
    return np.array([tree[n][4] for n in node])


def fit_trees(rows: np.ndarray, targets: np.ndarray) -> dict[str, Any]:
    """Gradient-boosted trees for log loss (Newton leaves, histogram splits on quantile cuts):
    deterministic, nothing random."""
    cuts = [np.unique(np.quantile(rows[:, j], np.linspace(0.02, 0.98, BINS))) for j in range(rows.shape[1])]
    bins = np.stack([np.searchsorted(cuts[j], rows[:, j], side="left") for j in range(rows.shape[1])], axis=1)
    prior = float(np.clip(targets.mean(), 1e-3, 1 - 1e-3))
    bias = float(np.log(prior / (1 - prior)))
    z = np.full(len(rows), bias)
    trees = []
    for _ in range(ROUNDS):
        p = 1 / (1 + np.exp(-z))
        tree: list[list[float]] = []
        _grow(tree, np.arange(len(rows)), p - targets, p * (1 - p), bins, cuts, 0)
        trees.append(tree)
        z += _tree_values(tree, rows)
    return {"bias": bias, "trees": trees}


def _grow(tree: list[list[float]], index: np.ndarray, g: np.ndarray, h: np.ndarray, bins: np.ndarray,
          cuts: list[np.ndarray], depth: int) -> int:  # fmt: skip
    here = len(tree)
    big_g, big_h = g[index].sum(), h[index].sum()
    tree.append([-1, 0.0, 0, 0, float(-big_g / (big_h + TREE_L2) * LEARNING_RATE)])
    if depth == TREE_DEPTH or len(index) < 2 * MIN_LEAF:
        return here
    best = (0.0, -1, 0)
    parent = big_g**2 / (big_h + TREE_L2)
    for j in range(bins.shape[1]):
        width = len(cuts[j]) + 1
        g_left = np.cumsum(np.bincount(bins[index, j], weights=g[index], minlength=width))[:-1]
        h_left = np.cumsum(np.bincount(bins[index, j], weights=h[index], minlength=width))[:-1]
        n_left = np.cumsum(np.bincount(bins[index, j], minlength=width))[:-1]
        ok = (n_left >= MIN_LEAF) & (len(index) - n_left >= MIN_LEAF)
        if not ok.any():
            continue
        gain = g_left**2 / (h_left + TREE_L2) + (big_g - g_left) ** 2 / (big_h - h_left + TREE_L2) - parent
        gain[~ok] = -np.inf
        k = int(np.argmax(gain))
        if gain[k] > best[0] + 1e-12:
            best = (float(gain[k]), j, k)
    if best[1] < 0:
        return here
    _, j, k = best
    left_mask = bins[index, j] <= k
    tree[here][0], tree[here][1] = j, float(cuts[j][k])
    tree[here][2] = _grow(tree, index[left_mask], g, h, bins, cuts, depth + 1)
    tree[here][3] = _grow(tree, index[~left_mask], g, h, bins, cuts, depth + 1)
    return here


def fit_article(rows: np.ndarray, targets: np.ndarray, kind: str) -> dict[str, Any]:
    if kind == "blend":
        return {"members": [fit_trees(rows, targets), fit_logistic(rows, targets)]}
    return fit_trees(rows, targets) if kind == "trees" else fit_logistic(rows, targets)


def fold_of(sites: np.ndarray, folds: int, salt: str = "") -> np.ndarray:
    return np.array([zlib.crc32((salt + site).encode("utf-8")) % folds for site in sites])


def held_out_article_probability(
    rows: np.ndarray, labels: np.ndarray, sites: np.ndarray, folds: int, salt: str, kind: str
) -> np.ndarray:
    fold = fold_of(sites, folds, salt)
    out = np.zeros(len(rows))
    for k in range(folds):
        model = fit_article(rows[fold != k], (labels[fold != k] == ARTICLE).astype(float), kind)
        out[fold == k] = probability(model, rows[fold == k])
    return out


def choose_threshold(p_article: np.ndarray, is_article: np.ndarray, max_loss: float) -> float:
    """The highest threshold whose article loss stays within max_loss."""
    for threshold in THRESHOLDS:
        if (p_article[is_article] < threshold).mean() <= max_loss:
            return threshold
    return 0.0


def nested(
    rows: np.ndarray, labels: np.ndarray, sites: np.ndarray, folds: int, kind: str, max_loss: float
) -> tuple[np.ndarray, list[float]]:
    """Whether each page is held back, judged by a model and threshold that never saw its site."""
    fold = fold_of(sites, folds)
    held = np.zeros(len(rows), dtype=bool)
    chosen = []
    for k in range(folds):
        train = fold != k
        inner = held_out_article_probability(rows[train], labels[train], sites[train], folds, f"inner{k}", kind)
        threshold = choose_threshold(inner, labels[train] == ARTICLE, max_loss)
        model = fit_article(rows[train], (labels[train] == ARTICLE).astype(float), kind)
        held[fold == k] = probability(model, rows[fold == k]) < threshold
        chosen.append(threshold)
    return held, chosen


def fit(rows: np.ndarray, labels: np.ndarray, threshold: float, kind: str) -> dict[str, object]:
    others = labels != ARTICLE
    return {
        "features": list(FEATURES),
        "threshold": threshold,
        "article": fit_article(rows, (labels == ARTICLE).astype(float), kind),
        "types": {kind: fit_logistic(rows[others], (labels[others] == kind).astype(float)) for kind in OTHER_TYPES},
    }


def report(held: np.ndarray, labels: np.ndarray, chosen: list[float]) -> None:
    article = labels == ARTICLE
    print(f"nested CV thresholds per outer fold: {chosen}")
    print(f"non-articles held back: {held[~article].mean():.3f} ({held[~article].sum()} of {(~article).sum()})")
    print(f"articles held back:     {held[article].mean():.3f} ({held[article].sum()} of {article.sum()})")
    for kind in PAGE_TYPES:
        mask = labels == kind
        print(f"  {kind:<14} {mask.sum():>4} pages  held back {held[mask].mean():.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--model", choices=("blend", "trees", "logistic"), default=MODEL)
    parser.add_argument("--max-article-loss", type=float, default=MAX_ARTICLE_LOSS)
    parser.add_argument("--cache", type=Path, help="an .npz of the features, made by an earlier run")
    args = parser.parse_args()
    if args.cache and args.cache.exists():
        data = np.load(args.cache)
        rows, labels, sites = data["rows"], data["labels"], data["sites"]
        other_sets = {name: data[name] for name in ("scrapinghub", "multilingual") if name in data}
    else:
        rows, labels, sites = load_wcxb(args.eval_dir)
        other_sets = {
            name: load_articles(args.eval_dir / name)
            for name in ("scrapinghub", "multilingual")
            if (args.eval_dir / name).is_dir()
        }
        if args.cache:
            np.savez(args.cache, rows=rows, labels=labels, sites=sites, **other_sets)
    print(f"{len(rows)} pages, {len(set(sites))} sites, {args.folds} folds grouped by site")
    shipped_choices: list[float] = []
    for max_loss in sorted({args.max_article_loss, *REPORTED_LOSSES}):
        shipped = " (shipped)" if max_loss == args.max_article_loss else ""
        print(f"-- threshold at <= {max_loss:.3f} inner article loss{shipped}")
        held, chosen = nested(rows, labels, sites, args.folds, args.model, max_loss)
        report(held, labels, chosen)
        if shipped:
            shipped_choices = chosen
    # The shipped threshold: the median of the outer folds' choices (each by the same rule inside
    # its own training part). One cross-validation over every page is one noisy draw (the folds
    # chose 0.02 to 0.085 on wcxb-dev); their median is the steadier estimate of the same rule.
    threshold = float(np.median(shipped_choices))
    all_pages = held_out_article_probability(rows, labels, sites, args.folds, "all", args.model)
    is_article = labels == ARTICLE
    lost, caught = (all_pages[is_article] < threshold).mean(), (all_pages[~is_article] < threshold).mean()
    print(f"shipped threshold {threshold}: one CV over all pages holds back articles {lost:.4f}, others {caught:.3f}")
    model: dict[str, Any] = _rounded(fit(rows, labels, threshold, args.model))  # type: ignore[assignment]
    for name, other in other_sets.items():
        lost = probability(model["article"], other) < threshold
        print(
            f"leave-one-set-out: {name}: {lost.sum()} of {len(other)} articles held back ({lost.mean():.3f})"
            f"{': rows ' + str(np.flatnonzero(lost).tolist()) if lost.any() else ''}"
        )
    if args.write:
        MODEL_PATH.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH.relative_to(ROOT)} (threshold {threshold})")


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


if __name__ == "__main__":
    main()
