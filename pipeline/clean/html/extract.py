"""HTML pages: one lxml parse; metadata from JSON-LD / OpenGraph / <meta>, figure captions and the
body (trafilatura on the same tree, else the page's article container)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement, HTMLParser, document_fromstring

from pipeline.clean.bylines import BylineWords
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
from pipeline.clean.html.metadata import JsonLd, json_ld_articles, json_ld_scripts, meta_map, page_url_of, read_metadata
from pipeline.clean.html.page_type import Extracted, accessible_for_free, page_features
from pipeline.core.document import BlockStructure
from pipeline.core.settings import SHIPPED, DatesSettings, HtmlSettings
from pipeline.core.text import squash_spaces

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
    seo_title: str | None = None  # the page's <title> when it differs from the displayed headline
    published: str | None = None
    updated: str | None = None
    authors: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)  # agency ids (bylines.yaml), apart from the people
    section: str | None = None
    url: str | None = None
    # the page-type model's features of the page (page_type.FEATURES), None for a bare fragment
    page_features: list[float] | None = None
    # the page's JSON-LD isAccessibleForFree (False: the publisher says a paywall cuts it)
    free: bool | None = None
    # per block of in_order, where it sat in the page (only when asked: the furniture model on for HTML)
    structure: list[BlockStructure] = field(default_factory=list)


def extract_html(
    html: str,
    settings: HtmlSettings = SHIPPED.html,
    latest: str | None = None,
    dates: DatesSettings = SHIPPED.dates,
    byline_words: BylineWords | None = None,
    structure: bool = False,
) -> HtmlContent:
    """The page is parsed once and the tree is only read, never changed. Metadata come from our
    own pass over it, figure captions from its <figure> elements, the body from trafilatura on the
    same tree (it weighs text density, link density and page structure better than a container
    guess): a quick recall-first pass whose furniture blocks blocks.py drops by their place in
    the page, trafilatura's full cascade when that pass under-delivered, the page's article
    container when trafilatura finds nothing. `byline_words`: the cleaner's (else loaded here);
    `structure`: each block's place in the page as well (HtmlContent.structure)."""
    tree, whole_page = parse_html(html)
    content = HtmlContent()
    if tree is None:
        return content
    # Every element's Python proxy built once and kept until the end: lxml then hands the same
    # objects to each later walk (metadata, PageText, page type) instead of building them again
    # (lxml.html's class lookup runs in Python for each new proxy).
    alive = list(tree.iter())
    scripts = json_ld_scripts(tree)  # read by the metadata, the page-type features and the paywall flag
    _read_metadata(tree, content, latest, dates, byline_words, scripts)
    content.captions = _captions(tree)
    if whole_page:
        page = PageText(tree)
        body = select_blocks(page, _trafilatura_blocks(tree, quick=True), settings, structure)
        if _needs_full_cascade(body, page, tree, settings):
            body = select_blocks(page, _trafilatura_blocks(tree, quick=False), settings, structure)
        content.blocks = body.kept
        content.in_order = body.in_order
        content.structure = body.structure
    if not content.blocks:
        content.blocks = list(container_blocks(_main_container(tree)))
        content.in_order = [(block, None) for block in content.blocks]
        content.structure = []  # the container's paragraphs were not located: no evidence either way
    if whole_page:
        extracted = Extracted(content.blocks, content.url, bool(content.title), bool(content.published),
                              bool(content.authors or content.agencies), content.title or "")  # fmt: skip
        content.page_features = page_features(tree, extracted, scripts)
    content.free = accessible_for_free(tree, scripts)
    del alive  # (kept until here)
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


def _read_metadata(
    tree: HtmlElement,
    content: HtmlContent,
    latest: str | None,
    dates: DatesSettings,
    words: BylineWords | None,
    scripts: list[JsonLd],
) -> None:
    found = read_metadata(tree, latest, dates, words, scripts)
    content.title, content.seo_title = found.title, found.seo_title
    content.published, content.updated = found.published, found.updated
    content.authors, content.agencies = found.authors, found.agencies
    content.section, content.url = found.section, found.url


def page_url(tree: HtmlElement) -> str | None:
    """The page's own URL, as the metadata pass reads it (the learn pass names sources by it too)."""
    return page_url_of(tree, json_ld_articles(tree), meta_map(tree))
