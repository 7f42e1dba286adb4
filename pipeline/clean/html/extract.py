"""HTML pages: one lxml parse; metadata from JSON-LD / OpenGraph / <meta>, figure captions and the
body (trafilatura on the same tree, else the page's article container)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement, HTMLParser, document_fromstring

from pipeline.clean.dates import to_iso
from pipeline.clean.html.blocks import (
    FURNITURE_TAGS,
    HIDDEN_TAGS,
    PageText,
    Selection,
    container_blocks,
    hidden,
    hidden_below,
    select_blocks,
    text_of,
)
from pipeline.core.settings import SHIPPED, HtmlSettings
from pipeline.core.text import squash_spaces

ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "blogposting",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "webpage",
    "report",
    "socialmediaposting",
    "liveblogposting",
}
_CREDIT_CLASS = re.compile(r"credit|byline|copyright|source", re.I)
_CREDIT_LABEL = re.compile(r"^(?:photo(?:graph)?|image|picture|credit)s?\s*(?::|by)\s*", re.I)
# For markup trafilatura's loader refuses (a fragment such as "<p>text</p>" in a JSONL record).
_FRAGMENT_PARSER = HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)


@dataclass
class HtmlContent:
    blocks: list[str] = field(default_factory=list)
    # every block the extractor returned, in page order, with the structural rule that dropped it
    # (None: kept), so the cleaner audits those drops like any other removal
    in_order: list[tuple[str, str | None]] = field(default_factory=list)
    captions: list[tuple[str, str | None]] = field(default_factory=list)
    title: str | None = None
    published: str | None = None
    updated: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    url: str | None = None


def extract_html(html: str, settings: HtmlSettings = SHIPPED.html) -> HtmlContent:
    """The page is parsed once and the tree is only read, never changed. Metadata come from our
    own pass over it, figure captions from its <figure> elements, the body from trafilatura on the
    same tree (it weighs text density, link density and page structure better than a container
    guess): a quick recall-first pass whose furniture blocks blocks.py drops by their place in
    the page, trafilatura's full cascade when that pass under-delivered, the page's article
    container when trafilatura finds nothing."""
    tree, whole_page = parse_html(html)
    content = HtmlContent()
    if tree is None:
        return content
    _read_metadata(tree, content)
    content.captions = _captions(tree)
    if whole_page:
        page = PageText(tree)
        body = select_blocks(page, _trafilatura_blocks(tree, quick=True), settings)
        if _needs_full_cascade(body, page, tree, settings):
            body = select_blocks(page, _trafilatura_blocks(tree, quick=False), settings)
        content.blocks = body.kept
        content.in_order = body.in_order
    if not content.blocks:
        content.blocks = list(container_blocks(_main_container(tree)))
        content.in_order = [(block, None) for block in content.blocks]
    return content


def _needs_full_cascade(body: Selection, page: PageText, tree: HtmlElement, settings: HtmlSettings) -> bool:
    """Whether the quick pass under-delivered: no body; mostly furniture (more than half of its
    words dropped); or a stray block while the article container holds 4x more prose (blocks of
    9+ words) and over 150 words of it. Then trafilatura's full cascade decides: on 13 of the 654
    readable pages of ../shared/eval, so the quick pass sets the pace."""
    if not body.kept or body.dropped_words > body.words - body.dropped_words:
        return True
    kept = sum(len(block.split()) for block in body.kept)
    if page.words <= max(settings.cascade_min_prose_words, settings.cascade_container_factor * kept):
        return False  # the container cannot hold that much prose: spare the container pass
    prose = sum(
        words
        for block in container_blocks(_main_container(tree))
        if (words := len(block.split())) > settings.cascade_prose_block_words
    )
    return prose > settings.cascade_min_prose_words and kept < settings.cascade_kept_share * prose


def parse_html(html: str) -> tuple[HtmlElement | None, bool]:
    """The one parse of a page: trafilatura's own loader (its parser settings, encoding and doctype
    repairs), so the tree handed to it is the tree it would have built. Markup it refuses as not
    a page (a bare fragment) is parsed as a document body; the flag says whether it was a page."""
    from trafilatura import load_html  # imported lazily: only HTML input needs it

    tree = load_html(html)
    if tree is not None:
        return tree, True
    try:
        return document_fromstring(html, parser=_FRAGMENT_PARSER), False
    except (ValueError, TypeError):  # lxml.etree.ParserError is a ValueError: nothing to parse
        return None, False


def _trafilatura_blocks(tree: HtmlElement, quick: bool) -> list[str]:
    """trafilatura's body blocks. The quick pass is its recall mode without fallback extractors
    (it keeps more text, and furniture with it, which select_blocks then drops by structure); the
    full pass is its default balanced cascade (readability and jusText comparisons, a recall
    retry for short results), as a peer runs it."""
    import trafilatura

    # deduplicate=False: trafilatura's dedup cache is process-global, which would make one
    # article's output depend on the articles cleaned before it. Repetition is our own step.
    # Given a tree, trafilatura works on a copy of it.
    text = trafilatura.extract(
        tree, include_comments=False, include_tables=True, fast=quick, favor_recall=quick, deduplicate=False,
        output_format="txt",
    )  # fmt: skip
    lines = (squash_spaces(line) for line in (text or "").split("\n"))
    # trafilatura writes list items as "- item"; the item is the paragraph.
    return [line[2:] if line.startswith("- ") else line for line in lines if line and line != "-"]


def _captions(tree: HtmlElement) -> list[tuple[str, str | None]]:
    """Each <figure>'s <figcaption> as (text, credit), the credit from an element whose class
    says credit/byline/copyright/source."""
    captions: list[tuple[str, str | None]] = []
    for figure in tree.iter("figure"):
        if any(ancestor.tag in HIDDEN_TAGS for ancestor in figure.iterancestors()):
            continue  # goes with the figure around it, or sits in page furniture
        caption = next(
            (tag for tag in figure.iterdescendants("figcaption") if not hidden_below(tag, figure, FURNITURE_TAGS)), None
        )
        if caption is None:
            continue
        credits = (
            tag
            for tag in caption.iterdescendants()
            if isinstance(tag.tag, str)
            and _CREDIT_CLASS.search(tag.get("class", ""))
            and not hidden_below(tag, caption, FURNITURE_TAGS)
        )
        credit_tag = next(credits, None)
        credit = _CREDIT_LABEL.sub("", squash_spaces(text_of(credit_tag))) if credit_tag is not None else None
        text = squash_spaces(text_of(caption, skip=credit_tag))
        if text:
            captions.append((text, credit or None))
    return captions


def _main_container(tree: HtmlElement) -> HtmlElement:
    candidates = [tag for tag in tree.xpath('//*[@itemprop="articleBody"]') or tree.iter("article") if not hidden(tag)]
    if candidates:
        return max(
            candidates, key=lambda tag: sum(len(text_of(p, "")) for p in tag.iterdescendants("p") if not hidden(p))
        )
    main = next((tag for tag in tree.iter("main") if not hidden(tag)), None)
    if main is not None:
        return main
    body = tree.find("body")
    return body if body is not None else tree


def _read_metadata(tree: HtmlElement, content: HtmlContent) -> None:
    nodes = list(_json_ld_articles(tree))
    for node in nodes:
        content.title = content.title or _value(node.get("headline") or node.get("name"))
        content.published = content.published or to_iso(_value(node.get("datePublished")))
        content.updated = content.updated or to_iso(_value(node.get("dateModified")))
        content.authors = content.authors or _authors(node.get("author"))
        content.section = content.section or _value(node.get("articleSection"))
    meta = _meta_map(tree)
    content.title = content.title or meta.get("og:title") or meta.get("twitter:title")
    content.published = content.published or to_iso(
        meta.get("article:published_time") or meta.get("date") or meta.get("pubdate") or meta.get("publishdate")
    )
    content.updated = content.updated or to_iso(meta.get("article:modified_time") or meta.get("og:updated_time"))
    content.section = content.section or meta.get("article:section")
    if not content.authors and meta.get("author") and not meta["author"].startswith("http"):
        content.authors = [meta["author"]]
    content.url = _url(tree, nodes, meta)
    if not content.title:
        heading = next(tree.iter("h1"), None)
        heading = heading if heading is not None else next(tree.iter("title"), None)
        content.title = squash_spaces(text_of(heading)) if heading is not None else None
    if not content.published:
        time_tag = next((tag for tag in tree.iter("time") if tag.get("datetime") is not None), None)
        if time_tag is not None:
            content.published = to_iso(time_tag.get("datetime"))


def page_url(tree: HtmlElement) -> str | None:
    """The page's own URL, as the metadata pass reads it (the learn pass names sources by it too)."""
    return _url(tree, list(_json_ld_articles(tree)), _meta_map(tree))


def _url(tree: HtmlElement, json_ld: list[dict[str, Any]], meta: dict[str, str]) -> str | None:
    """The first JSON-LD article's url, else og:url, else the canonical link."""
    for node in json_ld:
        url = _value(node.get("url"))
        if url:
            return url
    canonicals = (link.get("href") for link in tree.iter("link") if "canonical" in link.get("rel", "").split())
    return meta.get("og:url") or next(canonicals, None)


def _meta_map(tree: HtmlElement) -> dict[str, str]:
    values: dict[str, str] = {}
    for tag in tree.iter("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        value = tag.get("content")
        if key and value and key.lower() not in values:
            values[key.lower()] = squash_spaces(value)
    return values


def _json_ld_articles(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.iter("script"):
        if script.get("type") != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, TypeError):
            continue
        yield from _article_nodes(data)


def _article_nodes(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _article_nodes(item)
    elif isinstance(data, dict):
        kinds = data.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if any(isinstance(k, str) and k.lower() in ARTICLE_TYPES for k in kinds):
            yield data
        if "@graph" in data:
            yield from _article_nodes(data["@graph"])


def _value(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return squash_spaces(value) or None
    return None


def _authors(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and squash_spaces(name) and not name.startswith("http"):
            names.append(squash_spaces(name))
    return names
