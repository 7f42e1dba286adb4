"""Scoring the cleaner on labelled pages: 4-gram shingle P/R/F1 against gold bodies, and snippets.

Metric (the article-extraction-benchmark's): tokens are maximal runs of Unicode word characters,
case kept; units are overlapping 4-token shingles (a text of 1-3 tokens is one shingle of all of
them); per page TP is the multiset intersection of predicted and gold shingles. Corpus precision
is the mean page precision over pages that predicted something, corpus recall the mean page
recall over pages whose gold has something, F1 their harmonic mean.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cleaner import Cleaner
from .document import Article
from .readers import ReadError, read_file

_TOKEN = re.compile(r"\w+")
INPUT_SUFFIXES = {"html": ".html", "extracted": ".extracted.txt", "dump": ".dump.txt"}


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


@dataclass(frozen=True)
class PageScore:
    page: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)


def score_page(page: str, predicted: str, gold: str) -> PageScore:
    got, want = shingles(predicted), shingles(gold)
    tp = sum((got & want).values())
    return PageScore(page, tp, sum(got.values()) - tp, sum(want.values()) - tp)


def corpus_scores(pages: Iterable[PageScore]) -> dict[str, float]:
    pages = list(pages)
    precisions = [p.precision for p in pages if p.tp + p.fp > 0]
    recalls = [p.recall for p in pages if p.tp + p.fn > 0]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    return {"f1": round(f1(precision, recall), 4), "precision": round(precision, 4), "recall": round(recall, 4)}


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def predicted_body(article: Article | None) -> str:
    return "" if article is None else "\n".join(p.text for p in article.paragraphs)


@dataclass
class EvalResult:
    input: str
    pages: int = 0
    f1: float = 0.0
    precision: float = 0.0
    recall: float = 0.0
    pages_per_s: float = 0.0
    snippets_kept: float | None = None  # share of must-keep snippets found in the output
    snippets_dropped: float | None = None  # share of must-drop snippets absent from the output
    read_errors: int = 0
    worst: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def evaluate(gold_dir: Path, input_kind: str, cleaner: Cleaner | None = None, worst: int = 5) -> EvalResult:
    """Clean every `<id><suffix>` page of gold_dir and score it against `<id>.gold.txt` and/or
    `<id>.snippets.json` ({"with": [...], "without": [...]})."""
    suffix = INPUT_SUFFIXES.get(input_kind, input_kind)
    cleaner = cleaner or Cleaner.from_files()
    pages = sorted(p for p in gold_dir.iterdir() if p.name.endswith(suffix))
    result = EvalResult(input=input_kind)
    scores: list[PageScore] = []
    kept = wanted = dropped = unwanted = 0
    elapsed = 0.0
    for page in pages:
        page_id = page.name[: -len(suffix)]
        started = time.perf_counter()
        article = _clean_one(cleaner, page, suffix)
        elapsed += time.perf_counter() - started
        result.read_errors += article is None
        body = predicted_body(article)
        gold = gold_dir / f"{page_id}.gold.txt"
        if gold.exists():
            scores.append(score_page(page_id, body, gold.read_text(encoding="utf-8")))
        snippets = gold_dir / f"{page_id}.snippets.json"
        if snippets.exists():
            labels = json.loads(snippets.read_text(encoding="utf-8"))
            squashed = " ".join(body.split())
            wanted += len(labels.get("with", []))
            kept += sum(" ".join(s.split()) in squashed for s in labels.get("with", []))
            unwanted += len(labels.get("without", []))
            dropped += sum(" ".join(s.split()) not in squashed for s in labels.get("without", []))
    result.pages = len(pages)
    result.pages_per_s = round(len(pages) / elapsed, 1) if elapsed else 0.0
    if scores:
        result.__dict__.update(corpus_scores(scores))
        by_f1 = sorted(scores, key=lambda s: s.f1)
        result.worst = [{"page": s.page, "f1": round(s.f1, 3), "precision": round(s.precision, 3),
                         "recall": round(s.recall, 3)} for s in by_f1[:worst]]  # fmt: skip
    if wanted:
        result.snippets_kept = round(kept / wanted, 4)
    if unwanted:
        result.snippets_dropped = round(dropped / unwanted, 4)
    return result


def _clean_one(cleaner: Cleaner, page: Path, suffix: str) -> Article | None:
    # Pages are named <id>.extracted.txt / <id>.dump.txt: read them by their last suffix.
    name = page.name if suffix in (".html", ".txt") else page.name[: -len(suffix)] + Path(suffix).suffix
    for result in read_file(page, name):
        return None if isinstance(result, ReadError) else cleaner.clean(result)
    return None
