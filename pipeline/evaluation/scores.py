"""Scoring the cleaner on labelled pages: 4-gram shingle P/R/F1 against gold bodies, and snippets.

Metric (the article-extraction-benchmark's): tokens are maximal runs of Unicode word characters,
case kept; units are overlapping 4-token shingles (a text of 1-3 tokens is one shingle of all of
them); per page TP is the multiset intersection of predicted and gold shingles. Corpus precision
is the mean page precision over pages that predicted something, corpus recall the mean page
recall over pages whose gold has something, F1 their harmonic mean.

Snippet sets (`<id>.snippets.json`, {"with": [...], "without": [...]}) are scored over all snippets of
all pages: keep = must-keep snippets found in the body, drop = must-drop snippets absent from it,
both compared after Unicode NFC and whitespace squashing (the body is the paragraphs joined by
newlines; title, dek and captions are not body).

For the text forms the raw file, uncleaned, is scored the same way beside the cleaner ("as is"):
a cleaner that scores below its own input on keep has lost article text.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.clean.cleaner import Cleaner
from pipeline.clean.html.page_type import holds_back
from pipeline.core.document import Article
from pipeline.ingest.readers import ReadError, read_file

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


def snippet_key(text: str) -> str:
    """How snippets and bodies are compared: Unicode NFC, whitespace squashed (the sets' metric)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass
class _Tally:
    """Running sums of one scored form (the cleaner's output, or the input as is)."""

    scores: list[PageScore] = field(default_factory=list)
    misses: list[tuple[int, str, int, int]] = field(default_factory=list)  # (-misses, page, keep, drop missed)
    kept: int = 0
    wanted: int = 0
    dropped: int = 0
    unwanted: int = 0

    def add(self, page_id: str, body: str, gold: str | None, labels: dict[str, Any] | None) -> None:
        if gold is not None:
            self.scores.append(score_page(page_id, body, gold))
        if labels is not None:
            squashed = snippet_key(body)
            keep = [snippet_key(s) for s in labels.get("with", [])]
            drop = [snippet_key(s) for s in labels.get("without", [])]
            lost, left = sum(s not in squashed for s in keep), sum(s in squashed for s in drop)
            self.wanted += len(keep)
            self.kept += len(keep) - lost
            self.unwanted += len(drop)
            self.dropped += len(drop) - left
            if lost or left:
                self.misses.append((-(lost + left), page_id, lost, left))

    def figures(self) -> dict[str, float | None]:
        out: dict[str, float | None] = {"f1": None, "precision": None, "recall": None}
        if self.scores:
            out.update(corpus_scores(self.scores))
        out["snippets_kept"] = round(self.kept / self.wanted, 4) if self.wanted else None
        out["snippets_dropped"] = round(self.dropped / self.unwanted, 4) if self.unwanted else None
        return out


@dataclass
class EvalResult:
    input: str
    pages: int = 0
    f1: float | None = None  # shingle figures: None when the folder has no gold bodies
    precision: float | None = None
    recall: float | None = None
    pages_per_s: float = 0.0
    snippets_kept: float | None = None  # share of must-keep snippets found in the output
    snippets_dropped: float | None = None  # share of must-drop snippets absent from the output
    read_errors: int = 0
    held_back: int = 0  # pages judged not articles (issue 23): scored as empty bodies
    worst: list[dict[str, Any]] = field(default_factory=list)
    worst_snippets: list[dict[str, Any]] = field(default_factory=list)  # pages missing the most snippets
    # The same figures for the raw input file, uncleaned (text forms only; None for HTML).
    as_is: dict[str, float | None] | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def evaluate(gold_dir: Path, input_kind: str, cleaner: Cleaner | None = None, worst: int = 5) -> EvalResult:
    """Clean every `<id><suffix>` page of gold_dir and score it against `<id>.gold.txt` and/or
    `<id>.snippets.json` ({"with": [...], "without": [...]}); text inputs are also scored as is."""
    suffix = INPUT_SUFFIXES.get(input_kind, input_kind)
    cleaner = cleaner or Cleaner.from_files()
    pages = sorted(p for p in gold_dir.iterdir() if p.name.endswith(suffix))
    text_form = suffix.endswith(".txt")
    result = EvalResult(input=input_kind)
    cleaned, as_is = _Tally(), _Tally()
    elapsed = 0.0
    for page in pages:
        page_id = page.name[: -len(suffix)]
        started = time.perf_counter()
        article = _clean_one(cleaner, page, suffix)
        elapsed += time.perf_counter() - started
        result.read_errors += article is None
        # a page held back as not an article (when the settings hold them back): scored as empty
        held = article is not None and holds_back(article, cleaner.settings.page_types.keep_non_articles)
        result.held_back += held
        gold_path, snippets_path = gold_dir / f"{page_id}.gold.txt", gold_dir / f"{page_id}.snippets.json"
        gold = gold_path.read_text(encoding="utf-8") if gold_path.exists() else None
        labels = json.loads(snippets_path.read_text(encoding="utf-8")) if snippets_path.exists() else None
        cleaned.add(page_id, "" if held else predicted_body(article), gold, labels)
        if text_form:
            as_is.add(page_id, page.read_text(encoding="utf-8", errors="replace"), gold, labels)
    result.pages = len(pages)
    result.pages_per_s = round(len(pages) / elapsed, 1) if elapsed else 0.0
    figures = cleaned.figures()
    result.f1, result.precision, result.recall = figures["f1"], figures["precision"], figures["recall"]
    result.snippets_kept, result.snippets_dropped = figures["snippets_kept"], figures["snippets_dropped"]
    by_f1 = sorted((s for s in cleaned.scores if s.f1 < 1), key=lambda s: s.f1)
    result.worst = [{"page": s.page, "f1": round(s.f1, 3), "precision": round(s.precision, 3),
                     "recall": round(s.recall, 3)} for s in by_f1[:worst]]  # fmt: skip
    result.worst_snippets = [
        {"page": page, "keep_missed": lost, "drop_missed": left}
        for _, page, lost, left in sorted(cleaned.misses)[:worst]
    ]
    if text_form:
        result.as_is = as_is.figures()
    return result


def _clean_one(cleaner: Cleaner, page: Path, suffix: str) -> Article | None:
    # Pages are named <id>.extracted.txt / <id>.dump.txt: read them by their last suffix.
    name = page.name if suffix in (".html", ".txt") else page.name[: -len(suffix)] + Path(suffix).suffix
    for result in read_file(page, name):
        return None if isinstance(result, ReadError) else cleaner.clean(result)
    return None
