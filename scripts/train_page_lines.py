"""Fit the page-dump line model (pipeline/clean/dump/line_weights.py) on ../shared/eval and report it.

Usage: python scripts/train_page_lines.py [--eval-dir ../shared/eval] [--write] [--folds 2]

Labels, per line of each page's dump.txt that the cleaner takes for a full-page dump:
- scrapinghub: the share of the line's tokens that a token alignment (difflib, blocks of 3+
  tokens) finds in the page's gold body; a line is article when half of its tokens are;
- multilingual: the lines a must-keep snippet covers are article, those a must-drop snippet
  covers are not (the other lines are unlabelled and not used). These pages weigh MULTILINGUAL_WEIGHT
  each line, scrapinghub lines the square root of their word count.
Two logistic models (Newton, L2 = 1 on standardized features): the first over FEATURES, the second
over NEIGHBOUR_FEATURES (the first's scores around each line) plus FEATURES.

Without --write it only reports: the figures of a k-fold split by page (each page scored by the
models fitted on the other folds) through the whole cleaner, then the in-sample figures of the
models fitted on every page. With --write it also writes pipeline/clean/dump/line_weights.py. The
weights are all it stores: no page text leaves ../shared/eval.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.clean.cleaner import Cleaner, parse  # noqa: E402
from pipeline.clean.dump import line_model, line_weights  # noqa: E402
from pipeline.clean.dump.region import article_region, is_page_dump  # noqa: E402
from pipeline.clean.rules import load_rules  # noqa: E402
from pipeline.core.text import squash_spaces  # noqa: E402
from pipeline.evaluation.scores import _clean_one, _Tally, evaluate, predicted_body, snippet_key  # noqa: E402
from pipeline.ingest.readers import ReadError, read_file  # noqa: E402

MULTILINGUAL_WEIGHT = 10.0
L2 = 1.0
_TOKEN = re.compile(r"\w+")
MODEL_PATH = Path(__file__).resolve().parents[1] / "pipeline" / "clean" / "dump" / "line_weights.py"


@dataclass
class Page:
    name: str
    page_id: str
    lines: list[str]
    rows: np.ndarray
    labels: dict[int, float] = field(default_factory=dict)  # line -> 1.0 article / 0.0 not
    weights: dict[int, float] = field(default_factory=dict)


def dump_lines(path: Path) -> list[str]:
    """The lines KeepArticleRegion judges: each non-empty line of the dump, spaces squashed."""
    for raw in read_file(path, path.name[: -len(".dump.txt")] + ".txt"):
        if isinstance(raw, ReadError):
            return []
        article = parse(raw)
        lines = [squash_spaces(line) for p in article.paragraphs for line in (p.lines or [p.text])]
        return [line for line in lines if line]
    return []


def gold_shares(lines: list[str], gold: str) -> list[float]:
    tokens: list[str] = []
    owner: list[int] = []
    for index, line in enumerate(lines):
        for token in _TOKEN.findall(line):
            tokens.append(token)
            owner.append(index)
    matched = [0] * len(lines)
    total = [0] * len(lines)
    for index in owner:
        total[index] += 1
    for a, _, size in SequenceMatcher(None, tokens, _TOKEN.findall(gold), autojunk=False).get_matching_blocks():
        if size >= 3:
            for k in range(a, a + size):
                matched[owner[k]] += 1
    return [matched[i] / total[i] if total[i] else 0.0 for i in range(len(lines))]


def snippet_lines(lines: list[str], snippet: str) -> list[int]:
    joined, starts = "", []
    for line in lines:
        starts.append(len(joined))
        joined += snippet_key(line) + " "
    key = snippet_key(snippet)
    at = joined.find(key)
    if at < 0 or not key:
        return []
    first = max(i for i, s in enumerate(starts) if s <= at)
    last = max(i for i, s in enumerate(starts) if s <= at + len(key) - 1)
    return list(range(first, last + 1))


def load_pages(eval_dir: Path) -> list[Page]:
    settings = load_rules().page_dump
    pages: list[Page] = []
    for name in ("scrapinghub", "multilingual"):
        for path in sorted((eval_dir / name).glob("*.dump.txt")):
            page_id = path.name[: -len(".dump.txt")]
            lines = dump_lines(path)
            if not lines or not is_page_dump(lines, settings):
                continue
            region = article_region(lines, settings)
            stops = line_model.stop_words(line_model.page_language(lines))
            page = Page(name, page_id, lines, line_model.line_features(lines, settings, region, stops))
            gold = path.with_name(page_id + ".gold.txt")
            snippets = path.with_name(page_id + ".snippets.json")
            if gold.exists():
                for index, share in enumerate(gold_shares(lines, gold.read_text(encoding="utf-8"))):
                    page.labels[index] = 1.0 if share >= 0.5 else 0.0
                    page.weights[index] = float(np.sqrt(max(1, len(lines[index].split()))))
            elif snippets.exists():
                labels = json.loads(snippets.read_text(encoding="utf-8"))
                for value, key in ((1.0, "with"), (0.0, "without")):
                    for snippet in labels.get(key, []):
                        for index in snippet_lines(lines, snippet):
                            page.labels[index] = value
                            page.weights[index] = MULTILINGUAL_WEIGHT
            pages.append(page)
    return pages


def fit_logistic(
    rows: np.ndarray, labels: np.ndarray, weights: np.ndarray
) -> tuple[list[float], list[float], list[float]]:
    means, scales = rows.mean(0), rows.std(0) + 1e-9
    z = np.hstack([(rows - means) / scales, np.ones((len(rows), 1))])
    w = np.zeros(z.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-z @ w))
        gradient = z.T @ (weights * (p - labels)) + L2 * w
        hessian = (z * (weights * p * (1 - p))[:, None]).T @ z + L2 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return [float(x) for x in means], [float(x) for x in scales], [float(x) for x in w]


Model = dict[str, list[float]]


def fit(pages: list[Page]) -> Model:
    def stack(parts: list[tuple[np.ndarray, Page]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows, labels, weights = [], [], []
        for matrix, page in parts:
            index = sorted(page.labels)
            rows.append(matrix[index])
            labels.extend(page.labels[i] for i in index)
            weights.extend(page.weights[i] for i in index)
        return np.vstack(rows), np.array(labels), np.array(weights)

    line_means, line_scales, line_weights = fit_logistic(*stack([(p.rows, p) for p in pages]))
    both = []
    for page in pages:
        first = line_model.logistic(page.rows, line_means, line_scales, line_weights)
        both.append((np.hstack([line_model.neighbour_features(first), page.rows]), page))
    context_means, context_scales, context_weights = fit_logistic(*stack(both))
    return {
        "LINE_MEANS": line_means, "LINE_SCALES": line_scales, "LINE_WEIGHTS": line_weights,
        "CONTEXT_MEANS": context_means, "CONTEXT_SCALES": context_scales, "CONTEXT_WEIGHTS": context_weights,
    }  # fmt: skip


@contextmanager
def using(model: Model) -> Iterator[None]:
    """Score with `model` for the duration (this script's evaluation only)."""
    saved = {key: getattr(line_weights, key) for key in model}
    for key, value in model.items():
        setattr(line_weights, key, tuple(value))
    try:
        yield
    finally:
        for key, value in saved.items():
            setattr(line_weights, key, value)


def fold_of(page_id: str, folds: int) -> int:
    return zlib.crc32(page_id.encode("utf-8")) % folds


def held_out_figures(eval_dir: Path, name: str, models: list[Model]) -> str:
    """The dump figures of every page of the set, each page cleaned with the model of its fold."""
    tally = _Tally()
    folds = len(models)
    paths = sorted((eval_dir / name).glob("*.dump.txt"))
    for fold, model in enumerate(models):
        cleaner = Cleaner.from_files()
        with using(model):
            for path in paths:
                page_id = path.name[: -len(".dump.txt")]
                if fold_of(page_id, folds) != fold:
                    continue
                gold, snippets = path.with_name(page_id + ".gold.txt"), path.with_name(page_id + ".snippets.json")
                tally.add(
                    page_id,
                    predicted_body(_clean_one(cleaner, path, ".dump.txt")),
                    gold.read_text(encoding="utf-8") if gold.exists() else None,
                    json.loads(snippets.read_text(encoding="utf-8")) if snippets.exists() else None,
                )
    return _format(tally.figures())


def in_sample_figures(eval_dir: Path, name: str, model: Model) -> str:
    with using(model):
        result = evaluate(eval_dir / name, "dump", Cleaner.from_files())
    return _format(result.to_json())


def _format(figures: dict[str, object]) -> str:
    if figures.get("f1") is not None:
        return f"F1 {figures['f1']:.4f} P {figures['precision']:.4f} R {figures['recall']:.4f}"
    return f"keep {figures['snippets_kept']:.4f} drop {figures['snippets_dropped']:.4f}"


def write_model(model: Model, pages: list[Page]) -> None:
    counts = {name: sum(p.name == name for p in pages) for name in ("scrapinghub", "multilingual")}
    lines = [
        '"""Weights of the page-dump line model (pipeline/clean/dump/line_model.py). Generated by',
        "scripts/train_page_lines.py from the per-line labels of "
        f"{counts['scrapinghub']} scrapinghub and {counts['multilingual']} multilingual",
        'page dumps of ../shared/eval; regenerate with `python scripts/train_page_lines.py --write`."""',
        "",
    ]
    for key, values in model.items():
        lines.append(f"{key} = (")
        lines.extend(f"    {value!r}," for value in values)
        lines.append(")")
    MODEL_PATH.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "eval")
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    pages = load_pages(args.eval_dir)
    print(f"{len(pages)} page dumps, {sum(len(p.labels) for p in pages)} labelled lines", flush=True)
    models = [fit([p for p in pages if fold_of(p.page_id, args.folds) != fold]) for fold in range(args.folds)]
    model = fit(pages)
    for name in ("multilingual", "scrapinghub"):
        held_out = held_out_figures(args.eval_dir, name, models)
        print(f"{name} dump, held out ({args.folds} folds): {held_out}", flush=True)
        print(f"{name} dump, in sample: {in_sample_figures(args.eval_dir, name, model)}", flush=True)
    if args.write:
        write_model(model, pages)
        print(f"wrote {MODEL_PATH}")


if __name__ == "__main__":
    main()
