"""Scoring on a WCXB-style folder (../shared/eval/wcxb-dev): pages of seven types with their main
content, must-have / must-not-have snippets, scored exactly as the benchmark's evaluate.py does.

Layout: `html/<id>.html.gz` (the page) and `ground-truth/<id>.json` (`ground_truth.main_content`,
`with`, `without`; the page type in `_internal.page_type.primary`).

Metric (word bag): tokens are `re.findall(r"\\w+", text.lower())`; per page precision =
|pred ∩ ref| / |pred| and recall = |pred ∩ ref| / |ref| over multisets, F1 their harmonic mean; an
empty reference scores 1 only for an empty prediction, an empty prediction scores 0. Corpus figures
are means of the page figures, overall and per page type. Snippet rates: per page the share of
`with` snippets found (case-insensitive substring) and of `without` snippets absent, then the mean
over the pages that have any. Pages without a `main_content` count for snippets only.

What is scored is what a reader of the stored article sees as its text: the dek (subtitle) and the
body paragraphs. A page the cleaner does not publish scores as an empty prediction.

Input forms, made from each page the way the other sets' files were made: `html` (the page),
`dump` (every visible text node, script/style/noscript/template and comments removed, one per
line) and `extracted` (trafilatura's default extraction, comments included).
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.clean.cleaner import Cleaner
from pipeline.clean.html.page_type import holds_back
from pipeline.core.document import Article
from pipeline.ingest.readers import ReadError, read_file

_WORD = re.compile(r"\w+")
FORMS = ("html", "extracted", "dump")
INVISIBLE = ("script", "style", "noscript", "template")


def is_wcxb_folder(folder: Path) -> bool:
    return (folder / "ground-truth").is_dir() and (folder / "html").is_dir()


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.lower()))


def word_scores(predicted: str, reference: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of one page, as the benchmark computes them."""
    pred, ref = words(predicted), words(reference)
    if not ref:
        return (1.0, 1.0, 1.0) if not pred else (0.0, 0.0, 0.0)
    if not pred:
        return 0.0, 0.0, 0.0
    common = sum((pred & ref).values())
    precision, recall = common / sum(pred.values()), common / sum(ref.values())
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def snippet_rates(predicted: str, with_: list[str], without: list[str]) -> tuple[float | None, float | None]:
    text = predicted.lower()
    found = sum(s.lower() in text for s in with_) / len(with_) if with_ else None
    absent = sum(s.lower() not in text for s in without) / len(without) if without else None
    return found, absent


def dump_text(html: str) -> str:
    """Every visible text node of the page, one per line (the other sets' `.dump.txt`)."""
    from lxml import etree
    from lxml.html import HTMLParser, document_fromstring

    try:
        tree = document_fromstring(html, parser=HTMLParser(remove_comments=True))
    except (etree.ParserError, ValueError):
        return ""
    etree.strip_elements(tree, *INVISIBLE, with_tail=False)
    lines = (" ".join(text.split()) for text in tree.itertext())
    return "".join(f"{line}\n" for line in lines if line)


def extracted_text(html: str) -> str:
    """trafilatura's default extraction (comments included), as the other sets' `.extracted.txt`."""
    import trafilatura

    return trafilatura.extract(html) or ""


@dataclass(frozen=True)
class Page:
    page_id: str
    page_type: str
    reference: str | None  # None: no main_content (scored on snippets only)
    with_: list[str]
    without: list[str]
    html_path: Path
    # the page's metadata labels (each may be None), scored by evaluation/metadata.py
    title: str | None = None
    author: str | None = None
    publish_date: str | None = None


def pages(folder: Path) -> Iterator[Page]:
    for truth_path in sorted((folder / "ground-truth").glob("*.json")):
        data = json.loads(truth_path.read_text(encoding="utf-8"))
        truth = data.get("ground_truth") or {}
        page_type = ((data.get("_internal") or {}).get("page_type") or {}).get("primary") or "unknown"
        html_path = folder / "html" / f"{truth_path.stem}.html.gz"
        if html_path.exists():
            with_, without = truth.get("with") or [], truth.get("without") or []
            yield Page(truth_path.stem, page_type, truth.get("main_content"), with_, without, html_path,
                       truth.get("title"), truth.get("author"), truth.get("publish_date"))  # fmt: skip


def reader_text(article: Article | None) -> str:
    if article is None:
        return ""
    parts = [article.subtitle] if article.subtitle else []
    return "\n".join([*parts, *(p.text for p in article.paragraphs)])


@dataclass
class _Means:
    sums: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, name: str, value: float | None) -> None:
        if value is not None:
            self.sums[name] += value
            self.counts[name] += 1

    def mean(self, name: str) -> float | None:
        return round(self.sums[name] / self.counts[name], 4) if self.counts[name] else None


@dataclass
class WcxbResult:
    input: str
    pages: int = 0
    f1: float | None = None
    precision: float | None = None
    recall: float | None = None
    snippets_kept: float | None = None
    snippets_dropped: float | None = None
    held_back: float | None = None  # the share of pages held back as not articles (issue 23)
    pages_per_s: float = 0.0
    read_errors: int = 0
    # per page type: {"pages", "f1", "precision", "recall", "snippets_kept", "snippets_dropped"}
    by_type: dict[str, dict[str, float | None]] = field(default_factory=dict)
    worst: list[dict[str, Any]] = field(default_factory=list)
    # The same figures for the text form itself, uncleaned (text forms only; None for HTML): a
    # cleaner whose "with" rate falls below its input's has lost content the input had.
    as_is: dict[str, dict[str, float | None]] | None = None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def make_input(form: str, page: Page, html: str, workdir: Path) -> Path:
    """The page as a raw dump of the given form, written where a reader can read it."""
    if form == "html":
        return page.html_path
    text = dump_text(html) if form == "dump" else extracted_text(html)
    path = workdir / f"{page.page_id}.{form}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def evaluate_wcxb(
    folder: Path,
    form: str = "html",
    cleaner: Cleaner | None = None,
    worst: int = 5,
    keep: Callable[[Page], bool] = lambda page: True,
) -> WcxbResult:
    """Clean every page of the folder in the given form and score it; `keep` selects pages."""
    if form not in FORMS:
        raise ValueError(f"unknown input form {form!r} for a WCXB folder (one of {', '.join(FORMS)})")
    cleaner = cleaner or Cleaner.from_files()
    cleaned, raw = _Tally(), _Tally()
    result, elapsed = WcxbResult(input=form), 0.0
    with tempfile.TemporaryDirectory(prefix="wcxb-") as tmp:
        for page in filter(keep, pages(folder)):
            html = gzip.decompress(page.html_path.read_bytes()).decode("utf-8", errors="replace")
            path = make_input(form, page, html, Path(tmp))
            started = time.perf_counter()
            article, failed = _clean_one(cleaner, path)
            elapsed += time.perf_counter() - started
            result.pages += 1
            result.read_errors += failed
            # a page held back as not an article (when the settings hold them back) is rejected by
            # the pipeline: it scores as an empty body
            held = article is not None and holds_back(article, cleaner.settings.page_types.keep_non_articles)
            cleaned.add(page, "" if held else reader_text(article), held)
            if form != "html":
                raw.add(page, path.read_text(encoding="utf-8"))
    result.pages_per_s = round(result.pages / elapsed, 1) if elapsed else 0.0
    overall = cleaned.figures()
    for name in FIGURES:
        setattr(result, name, overall.get("all", {}).get(name))
    result.by_type = {page_type: figures for page_type, figures in overall.items() if page_type != "all"}
    result.worst = [{"page": p, "type": t, "f1": round(f, 3)} for f, p, t in sorted(cleaned.scored)[:worst]]
    result.as_is = raw.figures() if form != "html" else None
    return result


METRICS = ("f1", "precision", "recall", "snippets_kept", "snippets_dropped")
# and the share of pages held back as not articles (issue 23), which score as empty bodies
FIGURES = (*METRICS, "held_back")


@dataclass
class _Tally:
    """Running means of one scored text per page (the cleaner's output, or the input as is)."""

    by_type: dict[str, _Means] = field(default_factory=lambda: defaultdict(_Means))
    scored: list[tuple[float, str, str]] = field(default_factory=list)  # (F1, page, type)

    def add(self, page: Page, text: str, held_back: bool = False) -> None:
        kept, dropped = snippet_rates(text, page.with_, page.without)
        figures: dict[str, float | None] = {"pages": 1, "snippets_kept": kept, "snippets_dropped": dropped,
                                            "held_back": float(held_back)}  # fmt: skip
        if page.reference is not None:
            precision, recall, f1 = word_scores(text, page.reference)
            figures.update(precision=precision, recall=recall, f1=f1)
            self.scored.append((f1, page.page_id, page.page_type))
        for means in (self.by_type["all"], self.by_type[page.page_type]):
            for name, value in figures.items():
                means.add(name, value)

    def figures(self) -> dict[str, dict[str, float | None]]:
        """{"all" or a page type: {"pages": n, metric: mean}}, "all" first, the types sorted."""
        order = ["all", *sorted(t for t in self.by_type if t != "all")]
        return {t: {"pages": self.by_type[t].counts["pages"]} | {m: self.by_type[t].mean(m) for m in FIGURES}
                for t in order if t in self.by_type}  # fmt: skip


def _clean_one(cleaner: Cleaner, path: Path) -> tuple[Article | None, bool]:
    """The page's article (None when the cleaner publishes none) and whether reading it failed."""
    for found in read_file(path):
        if isinstance(found, ReadError):
            return None, True
        return cleaner.clean(found), False
    return None, False
