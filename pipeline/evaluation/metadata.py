"""Scoring headline, published date and authors against labelled pages, beside trafilatura's metadata.

Pages: a WCXB-shaped folder (`html/<id>.html.gz` + `ground-truth/<id>.json`, whose
`ground_truth` has `title`, `author`, `publish_date`; only pages whose
`_internal.page_type.primary` is `article` count), or a folder of inputs with a folder of
expected JSON (`title`, `authors`, `published`; the seeds' `spec/expected`).

Each field is scored over the pages whose label has a value; a page where we give nothing scores 0.
The same normalization applies to ours, trafilatura's and the label:

- headline: HTML entities decoded, Unicode NFKC, case folded, every run of non-word characters
  (punctuation, quotes, dashes, spaces) one space, trimmed; then exact equality.
- published date: the first 10 characters (`YYYY-MM-DD`, the day as the page states it, in its
  own time zone); equal days agree. A label of year and month only agrees with the same month.
- authors: the list joined with "; " (trafilatura gives one string), then it and the label split
  on `,` `;` `&` `/` `|` and the words `and` / `und`; each name normalized as a headline; parts
  that are credentials (every token at most 5 characters and upper case, dotted or numeric:
  "MS", "Ph.D.", "RN") left out; then the F1 of the two sets.

Pages are split in two halves by a hash of their id (`half`: "A" when the first byte of the
SHA-1 of the id is even), so a rule fitted to one half shows as a gap on the other.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.clean.cleaner import Cleaner
from pipeline.core.document import Article, RawArticle
from pipeline.evaluation import wcxb

FIELDS = ("title", "published", "authors")
_NON_WORD = re.compile(r"[\W_]+")
_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;&/|]|\band\b|\bund\b)\s*", re.IGNORECASE)
_CREDENTIAL_TOKEN = re.compile(r"^(?=.{1,5}$)(?:[A-Z0-9-]+|\S*\.\S*)$")


@dataclass(frozen=True)
class Labels:
    title: str | None
    published: str | None
    authors: str | None


@dataclass(frozen=True)
class Predicted:
    title: str | None
    published: str | None
    authors: str | None  # names joined by "; "


@dataclass(frozen=True)
class LabelledPage:
    page_id: str
    path: Path
    labels: Labels


def normalize_title(text: str | None) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", html.unescape(text)).casefold()
    return _NON_WORD.sub(" ", text).strip()


def same_day(predicted: str | None, label: str | None) -> bool:
    if not predicted or not label:
        return False
    return predicted[: len(label[:10])] == label[:10]


def author_set(text: str | None) -> set[str]:
    names = set()
    for part in _AUTHOR_SPLIT.split(text or ""):
        tokens = part.split()
        if not tokens or all(_CREDENTIAL_TOKEN.match(token) for token in tokens):
            continue
        name = normalize_title(part)
        if name:
            names.add(name)
    return names


def authors_f1(predicted: str | None, label: str | None) -> float:
    got, want = author_set(predicted), author_set(label)
    if not got or not want:
        return 0.0
    return 2 * len(got & want) / (len(got) + len(want))


def half_of(page_id: str) -> str:
    return "A" if hashlib.sha1(page_id.encode("utf-8")).digest()[0] % 2 == 0 else "B"


@dataclass
class FieldTally:
    """Sums of one extractor's agreement per field, over the pages whose label has that field."""

    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0.0))
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))

    def add(self, predicted: Predicted, labels: Labels) -> None:
        if labels.title:
            self._add("title", float(normalize_title(predicted.title) == normalize_title(labels.title)))
        if labels.published:
            self._add("published", float(same_day(predicted.published, labels.published)))
        if author_set(labels.authors):
            self._add("authors", authors_f1(predicted.authors, labels.authors))

    def _add(self, name: str, score: float) -> None:
        self.sums[name] += score
        self.counts[name] += 1

    def figures(self) -> dict[str, float | None]:
        return {name: round(self.sums[name] / n, 4) if (n := self.counts[name]) else None for name in FIELDS}


@dataclass
class MetadataResult:
    pages: int = 0
    # "ours" / "trafilatura" -> part ("all", "A", "B") -> field -> agreement
    figures: dict[str, dict[str, dict[str, float | None]]] = field(default_factory=dict)
    labelled: dict[str, int] = field(default_factory=dict)  # field -> pages whose label has it

    def to_json(self) -> dict[str, Any]:
        return {"pages": self.pages, "labelled": self.labelled, "figures": self.figures}


def wcxb_pages(folder: Path) -> Iterator[LabelledPage]:
    """The pages of a WCXB-shaped folder typed `article`, in id order."""
    for page in wcxb.pages(folder):
        if page.page_type == "article":
            yield LabelledPage(page.page_id, page.html_path, Labels(page.title, page.publish_date, page.author))


def expected_pages(inputs: Path, expected: Path) -> Iterator[LabelledPage]:
    """Inputs beside their expected JSON (`<name>.json` for input `<name>.<suffix>`)."""
    for wanted in sorted(expected.glob("*.json")):
        found = [path for path in inputs.glob(f"{wanted.stem}.*") if path.is_file()]
        if not found:
            continue
        data = json.loads(wanted.read_text(encoding="utf-8"))
        authors = "; ".join(data.get("authors") or []) or None
        yield LabelledPage(wanted.stem, found[0], Labels(data.get("title"), data.get("published"), authors))


def ours(cleaner: Cleaner) -> Callable[[Path], Predicted]:
    from pipeline.ingest.readers import ReadError, read_file

    def extract(path: Path) -> Predicted:
        for result in read_file(path, path.name):
            if isinstance(result, RawArticle):
                return _predicted(cleaner.clean(result))
            assert isinstance(result, ReadError)
        return Predicted(None, None, None)

    return extract


def _predicted(article: Article) -> Predicted:
    return Predicted(article.title, article.published, "; ".join(article.authors) or None)


def trafilatura_metadata(path: Path) -> Predicted | None:
    """trafilatura 2.x's metadata of an HTML page (None for other inputs: it reads only HTML)."""
    if not path.name.endswith((".html", ".html.gz", ".htm")):
        return None
    import trafilatura

    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    document = trafilatura.bare_extraction(raw.decode("utf-8", errors="replace"), with_metadata=True)
    if document is None:
        return Predicted(None, None, None)
    if isinstance(document, dict):  # as_dict=True's shape; bare_extraction gives a Document by default
        return Predicted(document.get("title"), document.get("date"), document.get("author"))
    return Predicted(document.title, document.date, document.author)


def evaluate_metadata(pages: list[LabelledPage], cleaner: Cleaner | None = None, peer: bool = True) -> MetadataResult:
    """Our headline, date and authors beside trafilatura's (peer=True), overall and per half."""
    extractors: dict[str, Callable[[Path], Predicted | None]] = {"ours": ours(cleaner or Cleaner.from_files())}
    if peer:
        extractors["trafilatura"] = trafilatura_metadata
    tallies = {name: {part: FieldTally() for part in ("all", "A", "B")} for name in extractors}
    result = MetadataResult(pages=len(pages), labelled=dict.fromkeys(FIELDS, 0))
    for page in pages:
        for name, extract in extractors.items():
            predicted = extract(page.path)
            if predicted is None:
                continue
            tallies[name]["all"].add(predicted, page.labels)
            tallies[name][half_of(page.page_id)].add(predicted, page.labels)
    for name, parts in tallies.items():
        if any(parts["all"].counts.values()):
            result.figures[name] = {part: tally.figures() for part, tally in parts.items()}
    first = next(iter(tallies.values()))["all"]
    result.labelled = dict(first.counts)
    return result
