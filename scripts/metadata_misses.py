"""Issue 24: the headline / published date / authors misses of one half of a WCXB-shaped folder's
article pages (wcxb-dev), one line each: page id, field, ours, the label, and where each came from.
No page text is printed beyond the three fields' values and the label (both already in the eval's
own comparison), and nothing is written into the repository.

    .venv/bin/python scripts/metadata_misses.py --gold-dir ../shared/eval/wcxb-dev --half A
    .venv/bin/python scripts/metadata_misses.py --gold-dir ../shared/eval/wcxb-dev --half A --field authors

Sources:
- title: which of the page's headline candidates give ours and the label (normalized as the eval
  does): `h1` (any shown <h1>), `ld` (JSON-LD headline), `og`/`twitter`/... (<meta> titles), `title`
  (the <title>), `title-stripped` (a metadata title with the site name cut off); `none` when no candidate gives it.
- published: the sources offering our day and the label's among the page's date candidates
  (clean/html/date_candidates.py: ld_published, meta_modified, printed, url, ...); `cascade` alone
  means a fallback (a <time>'s text, a posted line, htmldate); `text` when the label's day is printed
  somewhere in the page's text but is no candidate, `nowhere` when the page prints it in no form read.
- authors: per label name, where the page holds it: `ld`, `meta`, `marked` (a byline element the
  reader reads), `prefixed` (a "By ..." line), `links` (an author page link), `nav`/`header`/`footer`/
  `aside` (the name's text inside such an element), `text` (elsewhere in the page), `nowhere`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml.html import HtmlElement  # noqa: E402

from pipeline.clean import bylines  # noqa: E402
from pipeline.clean.cleaner import Cleaner  # noqa: E402
from pipeline.clean.dates import days_in_text  # noqa: E402
from pipeline.clean.html import date_candidates, metadata  # noqa: E402
from pipeline.clean.html.blocks import text_of  # noqa: E402
from pipeline.clean.html.extract import parse_html  # noqa: E402
from pipeline.core.document import RawArticle  # noqa: E402
from pipeline.core.settings import SHIPPED  # noqa: E402
from pipeline.evaluation.metadata import (  # noqa: E402
    author_set,
    authors_f1,
    half_of,
    normalize_title,
    same_day,
    wcxb_pages,
)
from pipeline.ingest.readers import read_file  # noqa: E402

FIELDS = ("title", "published", "authors")
_HOLDERS = ("nav", "header", "footer", "aside")


@dataclass
class Miss:
    page_id: str
    field: str
    ours: str | None
    label: str
    ours_from: str
    label_from: str

    def line(self) -> str:
        values = f"{self.ours!r}\t{self.label!r}"
        return f"{self.page_id}\t{self.field}\t{values}\tours<-{self.ours_from}\tlabel<-{self.label_from}"


class _Recorder:
    """A metadata.DateChooser that keeps the page's date candidates and the cascade's own date."""

    def __init__(self) -> None:
        self.candidates: list[date_candidates.DateCandidate] = []

    def __call__(self, *args: Any) -> str | None:
        self.candidates = date_candidates.collect(*args)
        return args[-1]  # type: ignore[no-any-return]


def misses(gold: Path, half: str, fields: tuple[str, ...]) -> Iterator[Miss]:
    cleaner = Cleaner.from_files()
    words = bylines.load_byline_words()
    for page in wcxb_pages(gold):
        if half != "all" and half_of(page.page_id) != half:
            continue
        raw = next((item for item in read_file(page.path, page.path.name) if isinstance(item, RawArticle)), None)
        if raw is None or raw.html is None:
            continue
        article = cleaner.clean(raw)
        tree, _ = parse_html(raw.html)
        if tree is None:
            continue
        labels = page.labels
        if "title" in fields and labels.title and normalize_title(article.title) != normalize_title(labels.title):
            sources = _title_sources(tree)
            yield Miss(
                page.page_id, "title", article.title, labels.title,
                _where(sources, article.title), _where(sources, labels.title),
            )  # fmt: skip
        if "published" in fields and labels.published and not same_day(article.published, labels.published):
            yield _date_miss(page.page_id, tree, words, article.published, labels.published)
        if "authors" in fields and author_set(labels.authors):
            ours = "; ".join(article.authors) or None
            if authors_f1(ours, labels.authors) < 1.0:
                yield _author_miss(page.page_id, tree, words, ours, labels.authors or "")


def _title_sources(tree: HtmlElement) -> dict[str, list[str]]:
    nodes = metadata.json_ld_articles(tree)
    meta = metadata.meta_map(tree)
    sites = metadata._site_names(nodes, meta, metadata.page_url_of(tree, nodes, meta))
    found: dict[str, list[str]] = {"h1": [text_of(tag) for tag in tree.iter("h1")]}
    found["ld"] = [str(node.get("headline") or "") for node in nodes]
    for key in metadata.TITLE_KEYS:
        found[key.split(":")[0]] = [meta.get(key, "")]
    found["title"] = [text_of(tag) for tag in tree.iter("title")]
    every = [text for texts in found.values() for text in texts]
    found["title-stripped"] = [metadata.strip_site_name(text, sites) for text in every]
    return found


def _where(sources: dict[str, list[str]], value: str | None) -> str:
    key = normalize_title(value)
    hits = [name for name, texts in sources.items() if key and any(normalize_title(text) == key for text in texts)]
    return ",".join(hits) or "none"


def _date_miss(page_id: str, tree: HtmlElement, words: Any, ours: str | None, label: str) -> Miss:
    recorder = _Recorder()
    metadata.read_metadata(tree, None, SHIPPED.dates, words, choose_date=recorder)

    def offered(day: str | None) -> str:
        return next((",".join(sorted(c.sources)) for c in recorder.candidates if day and same_day(c.day, day)), "")

    label_from = offered(label)
    if not label_from:
        printed = {day for _, day in days_in_text(" ".join(tree.itertext()))}
        label_from = "text" if any(same_day(day, label) for day in printed) else "nowhere"
    return Miss(page_id, "published", ours, label, offered(ours) or "none", label_from)


def _author_miss(page_id: str, tree: HtmlElement, words: Any, ours: str | None, label: str) -> Miss:
    nodes = metadata.json_ld_articles(tree)
    meta = metadata.meta_map(tree)
    shown, outside = metadata._shown(tree)
    language = metadata._language(tree, meta)
    stages = {
        "ld": metadata._json_ld_authors(nodes)[0],
        "meta": metadata._meta_values(tree.iter("meta"), metadata.AUTHOR_KEYS),
        "marked": list(metadata._marked_bylines(outside)),
        "prefixed": list(metadata._prefixed_bylines(outside, words.words_for(words.prefixes, language))),
        "links": list(metadata._author_links(outside)),
    }
    holders = {tag: " ".join(" ".join(e.itertext()) for e in tree.iter(tag)) for tag in _HOLDERS}
    whole = normalize_title(" ".join(tree.itertext()))
    places = []
    for name in sorted(author_set(label)):
        hits = [stage for stage, texts in stages.items() if name in normalize_title(" ; ".join(texts))]
        hits += [tag for tag, text in holders.items() if name in normalize_title(text)]
        places.append(f"{name}:{'+'.join(hits) or ('text' if name in whole else 'nowhere')}")
    decided = next((stage for stage, texts in stages.items() if texts), "none")
    return Miss(page_id, "authors", ours, label, decided, " ".join(places))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold-dir", type=Path, required=True)
    parser.add_argument("--half", choices=("A", "B", "all"), default="A")
    parser.add_argument("--field", choices=FIELDS, action="append", help="repeatable; default: all three")
    args = parser.parse_args(argv)
    counts = dict.fromkeys(FIELDS, 0)
    for miss in misses(args.gold_dir, args.half, tuple(args.field or FIELDS)):
        counts[miss.field] += 1
        print(miss.line(), flush=True)
    print("misses: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
