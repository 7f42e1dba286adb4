"""What kind of page an HTML page is: an article, or a listing / collection / product / forum /
documentation / service page, judged from evidence that carries across sites and languages — the
page's structured data (JSON-LD types, og:type, itemprops, a publication date), its shape (prose
paragraphs, link density, runs of link cards, headings that are links, links to story-like URLs,
forms, code, prices, dates written out), the words its markup names its parts with (class and id:
comment, cart, toc, byline, card, pagination...; the meta generator's software), its URL's shape
and words, and what our own extractor kept of it (body words, paragraphs, their length, the share
of the page's text kept, kept blocks that are a link's text, a headline and its length, a date, an
author).

The model (pipeline/data/page_type_model.json, fitted by scripts/train_page_types.py on WCXB's
development pages, cross-validated with folds grouped by site) is gradient-boosted trees and a
logistic regression blended (their log-odds averaged) for "article or not", and a logistic
regression per other page type to name the reason. A page is held
back only when its article probability is under the model's threshold, chosen inside the training
folds so that held-out articles are almost never held back (a list article, a recipe, a Q&A, a
long read that links a lot stay articles). Inference is plain Python over the shipped numbers:
deterministic and cheap.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from pipeline.clean.html.metadata import JsonLd, json_ld_scripts
from pipeline.clean.html.page_tags import PageTags, document_elements, elements
from pipeline.core.arrays import load_json_model
from pipeline.core.document import Article

ARTICLE = "article"
NOT_AN_ARTICLE = "not an article: "  # a held-back page's rejection reason, its type after it
PAGE_TYPES = (ARTICLE, "collection", "documentation", "forum", "listing", "product", "service")

_LD_KINDS: dict[str, tuple[str, ...]] = {
    "ld_article": ("article", "newsarticle", "blogposting", "report", "reportagenewsarticle", "analysisnewsarticle",
                   "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting",
                   "scholarlyarticle", "socialmediaposting", "review"),
    "ld_howto": ("recipe", "howto"),
    "ld_tech": ("techarticle", "apireference", "softwaresourcecode"),
    "ld_product": ("product", "offer", "aggregateoffer", "productgroup", "softwareapplication", "book", "car"),
    "ld_list": ("itemlist", "collectionpage", "searchresultspage"),
    "ld_breadcrumb": ("breadcrumblist",),
    "ld_forum": ("discussionforumposting", "qapage", "question", "answer", "comment"),
    "ld_faq": ("faqpage",),
    "ld_org": ("organization", "localbusiness", "contactpage", "aboutpage", "service", "corporation", "event",
               "place", "restaurant", "store", "medicalorganization", "educationalorganization"),
    "ld_profile": ("profilepage", "person"),
}  # fmt: skip
_WORD = re.compile(r"\w+")
# "$ 5", "5.99 €", "12 EUR". Written as one character class and then the branch that character
# opens (told by a look back at it): a pattern that opens with a class lets the regex engine skip
# to the next currency mark or digit in C instead of trying both branches at every character.
_PRICE = re.compile(r"[$€£¥₹\d](?:(?<=[$€£¥₹])\s?\d|(?<=\d)(?:[.,]\d\d)?\s?(?:[$€£¥₹]|EUR|USD|GBP|zł|kr)\b)")
_DATE_IN_PATH = re.compile(r"/(?:19|20)\d\d[/-](?:0?[1-9]|1[0-2])(?:[/-]|$)|/(?:19|20)\d\d(?:0[1-9]|1[0-2])\d\d")
_ID_IN_PATH = re.compile(r"\d{5,}")
_LISTING_PATH = re.compile(
    r"/(?:tags?|topics?|themen?|thema|categor(?:y|ies)|section|rubri(?:k|que)|archives?|authors?|autor(?:en)?"
    r"|auteurs?|search|suche|recherche|page|seite|live)(?:/|$)",
    re.I,
)
# Words of class and id attributes (and of itemprop, the meta generator, the URL path) that name
# what a part of the page is. CSS and URL words are mostly English whatever the page's language.
_CLASS_FAMILIES: dict[str, tuple[str, ...]] = {  # whole words of class and id values, split at non-letters
    "comment": ("comment", "comments", "reply", "replies", "disqus", "respond"),
    "forum": ("forum", "forums", "thread", "threads", "topic", "topics", "postbody", "message", "messages", "bbcode",
              "vote", "votes", "voting", "answer", "answers", "question", "questions", "discussion", "signature",
              "avatar", "username", "member", "members"),
    "product": ("product", "products", "price", "prices", "cart", "basket", "checkout", "sku", "quantity", "qty",
                "variant", "variants", "stock", "shop", "wishlist", "swatch", "rating", "buy", "woocommerce"),
    "docs": ("doc", "docs", "documentation", "toc", "admonition", "highlight", "highlighted", "sphinx", "docusaurus",
             "mkdocs", "md", "rst", "api", "reference", "endpoint", "param", "params", "version", "versions"),
    "article": ("article", "story", "entry", "byline", "author", "dateline", "headline", "lede", "kicker",
                "published", "timestamp", "share", "social"),
    "listing": ("card", "cards", "teaser", "teasers", "tile", "tiles", "grid", "listing", "list", "item", "items",
                "result", "results", "feed", "archive", "more", "filter", "filters", "sort", "facet", "facets"),
    "pagination": ("pagination", "pager", "paginate", "paging", "next", "prev", "previous"),
    "breadcrumb": ("breadcrumb", "breadcrumbs", "crumbs"),
    "service": ("contact", "service", "services", "team", "pricing", "plan", "plans", "testimonial", "testimonials",
                "hero", "cta", "feature", "features", "faq", "accordion", "about", "location", "locations", "booking",
                "appointment", "quote"),
}  # fmt: skip
_ITEMPROP_FAMILIES: dict[str, tuple[str, ...]] = {
    "article": ("articlebody", "headline", "datepublished", "author", "articlesection"),
    "product": ("price", "pricecurrency", "offers", "sku", "availability", "gtin13", "brand", "aggregaterating"),
    "forum": ("text", "upvotecount", "answercount", "commentcount", "dateCreated".lower(), "suggestedanswer"),
}
_GENERATORS: tuple[tuple[str, float], ...] = (  # the meta generator's software: what a page of it serves
    ("sphinx", 1.0), ("docusaurus", 1.0), ("mkdocs", 1.0), ("gitbook", 1.0), ("hugo", 0.5), ("jekyll", 0.5),
    ("discourse", 2.0), ("phpbb", 2.0), ("vbulletin", 2.0), ("xenforo", 2.0), ("invision", 2.0), ("mybb", 2.0),
    ("shopify", 3.0), ("woocommerce", 3.0), ("magento", 3.0), ("prestashop", 3.0), ("wix", 4.0),
    ("squarespace", 4.0), ("wordpress", 5.0), ("drupal", 5.0), ("joomla", 5.0),
)  # fmt: skip
_URL_FAMILIES: dict[str, str] = {
    "docs": r"docs?|documentation|api|reference|guide|manual|help|support|kb|wiki|learn|tutorials?",
    "shop": r"shop|store|products?|p|item|buy|cart|collections?|catalog",
    "forum": r"forums?|threads?|topics?|t|community|questions?|discussions?|board|viewtopic",
    "service": r"about|contact|services?|pricing|team|careers?|jobs|locations?|company|faq|solutions?",
}
_DATE_LINK = re.compile(r"/(?:19|20)\d\d[/-]\d\d?[/-]")
_PROSE_WORDS = 20  # a paragraph this long is prose, not a teaser or a label
_NOT_SHOWN = ("script", "style", "noscript", "template")

FEATURES = (
    *_LD_KINDS,
    "ld_article_body",
    "og_article",
    "og_product",
    "has_published",
    "log_page_words",
    "link_density",
    "prose_share",
    "log_prose_paragraphs",
    "log_prose_run",
    "log_cards",
    "card_share",
    "log_headings",
    "linked_heading_share",
    "log_forms",
    "log_inputs",
    "log_code",
    "log_times",
    "log_articles",
    "log_prices",
    "log_tables",
    "log_list_items",
    "url_depth",
    "url_slug_words",
    "url_date",
    "url_id",
    "url_root",
    "url_query",
    "url_listing",
    "log_body_words",
    "log_body_paragraphs",
    "body_paragraph_words",
    "body_long_share",
    "body_share",
    "headline_found",
    "date_found",
    "author_found",
    # issue 23, item 3 (second pass): the markup's own words and what the extractor kept
    *(f"class_{family}" for family in _CLASS_FAMILIES),
    *(f"itemprop_{family}" for family in _ITEMPROP_FAMILIES),
    "generator_kind",
    "rel_next",
    "log_h1",
    "log_nav_aside",
    "log_images",
    "log_article_links",
    "article_link_share",
    "title_question",
    *(f"url_{family}" for family in _URL_FAMILIES),
    "log_headline_words",
    "headline_in_h1",
    "body_link_block_share",
    "log_linked_blocks",
    "log_page_dates",
)


@dataclass(frozen=True)
class Extracted:
    """What the extractor made of the page: the kept body blocks and the metadata it found."""

    blocks: Sequence[str]
    url: str | None
    headline: bool
    dated: bool
    authored: bool
    headline_text: str = ""  # the headline the metadata pass found ("" when none)


@dataclass(frozen=True)
class PageJudgement:
    page_type: str  # ARTICLE, or the likeliest other type when the page is held back
    article_probability: float


def _log(count: float) -> float:
    return math.log1p(count)


def _ld_nodes(scripts: list[JsonLd]) -> Iterator[Any]:
    return (script.data for script in scripts if script.error is None)


def _types_of(data: Any, depth: int = 0) -> Iterator[tuple[str, dict[str, Any]]]:
    """(type, node) for every typed node of a JSON-LD document, a few levels deep."""
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data[:50]:
            yield from _types_of(item, depth + 1)
    elif isinstance(data, dict):
        kind = data.get("@type")
        for value in kind if isinstance(kind, list) else [kind]:
            if isinstance(value, str):
                yield value.rsplit("/", 1)[-1].lower(), data
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if isinstance(data.get(key), dict | list):
                yield from _types_of(data[key], depth + 1)


def _meta(tree: HtmlElement, tags: PageTags | None = None) -> dict[str, str]:
    values: dict[str, str] = {}
    for tag in elements(tree, "meta", tags):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        if key and key not in values:
            values[key] = (tag.get("content") or "").strip().lower()
    return values


def _visible(tree: HtmlElement) -> tuple[list[HtmlElement], list[str], list[str]]:
    """The shown elements of the body, their tags (lxml builds a tag's string at each ask) and
    their texts (each element's text, then its tail; the empty ones left out), in one walk."""
    body = tree.find("body")
    root = body if body is not None else tree
    elements: list[HtmlElement] = []
    tags: list[str] = []
    texts: list[str] = []
    for element in root.iter():
        tag = element.tag
        if isinstance(tag, str) and tag not in _NOT_SHOWN:
            elements.append(element)
            tags.append(tag)
            if text := element.text:
                texts.append(text)
            if tail := element.tail:
                texts.append(tail)
    return elements, tags, texts


# body.itertext()'s texts, in the same order, from one XPath in C (~0.3 vs ~0.4 ms a page): the
# text nodes below the element, its own tail not among them, comments' and instructions' not either
_TEXT_NODES = etree.XPath("descendant::text()", smart_strings=False)


def _words(text: str | None) -> int:
    return len(_WORD.findall(text)) if text else 0


# A word takes a character and all but the last one a separator after it: a text shorter than
# this holds fewer than _PROSE_WORDS words (three in ten of the eval pages' paragraphs: no regex for them)
_PROSE_CHARACTERS = 2 * _PROSE_WORDS - 1


def _prose_words(text: str) -> int:
    """The text's word count when it is prose (_PROSE_WORDS or more), else 0 or the count."""
    return _words(text) if len(text) >= _PROSE_CHARACTERS else 0


def _text(element: HtmlElement) -> str:
    return " ".join(element.itertext())


def _texts(element: HtmlElement) -> Iterable[str]:
    """element.itertext(), without building lxml's iterator for an element with no child (most
    links and many paragraphs): then its text alone."""
    if len(element):
        texts: Iterable[str] = element.itertext()
        return texts
    return (element.text,) if element.text else ()


def _holding_links(links: Iterable[HtmlElement]) -> set[HtmlElement]:
    """Every element with a link below it, found by walking up from each link once (instead of a
    search below every child). The caller keeps the elements alive, so lxml hands out the same
    proxy objects and identity in a set holds."""
    holding: set[HtmlElement] = set()
    for element in links:
        parent = element.getparent()
        while parent is not None and parent not in holding:
            holding.add(parent)
            parent = parent.getparent()
    return holding


def _card_runs(elements: Iterable[HtmlElement], holding_links: set[HtmlElement]) -> int:
    """The most sibling elements of one tag and class that each hold a link: a grid of teasers."""
    best = 0
    for element in elements:
        if element not in holding_links:
            continue  # no child of it holds a link, nor is one
        fewest = max(3, best + 1)
        if len(element) < fewest:
            continue  # its children, comments and all, are fewer: no list of its elements needed
        children = [c for c in element if isinstance(c.tag, str)]
        if len(children) < fewest:
            continue  # too few children for a grid, or to make a longer run than the best one
        shapes = Counter((c.tag, c.get("class") or "") for c in children if c.tag == "a" or c in holding_links)
        if shapes:
            best = max(best, shapes.most_common(1)[0][1])
    return best


# Every price _PRICE finds holds one of these, at most _PRICE_REACH characters after its start
# ("5.99 €": digit, separator, two digits, a space, the mark). So a price can only start in the
# few characters before a mark: the regex is tried there, found with str.find (the page text holds
# its scripts, tens of kB of digits, which the regex would otherwise try one by one), unless the
# page has so many marks that one scan of the whole text is cheaper. Same count either way.
_CURRENCY_MARKS = ("$", "€", "£", "¥", "₹", "EUR", "USD", "GBP", "zł", "kr")
_PRICE_REACH = 5
_CHARACTERS_PER_MARK = 100  # fewer characters of text per mark than this: one scan of it all


def _prices(text: str) -> int:
    marks: list[int] = []
    most = len(text) // _CHARACTERS_PER_MARK
    for mark in _CURRENCY_MARKS:
        at = text.find(mark)
        while at >= 0:
            marks.append(at)
            if len(marks) > most:
                return len(_PRICE.findall(text))
            at = text.find(mark, at + 1)
    count = end = 0
    tried = -1
    for position in sorted(marks):
        # as findall goes on: from the end of the last price, each start position once
        for start in range(max(position - _PRICE_REACH, end, tried + 1), position + 1):
            tried = start
            found = _PRICE.match(text, start)
            if found:
                count += 1
                end = found.end()
                break
    return count


def _url_features(url: str | None) -> list[float]:
    if not url:
        return [0.0] * 7
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    last = re.sub(r"\.(?:html?|php|aspx?|jsp)$", "", segments[-1]) if segments else ""
    slug_words = len([w for w in re.split(r"[-_+]", last) if w]) if last else 0
    return [
        float(min(len(segments), 8)),
        float(min(slug_words, 20)),
        1.0 if _DATE_IN_PATH.search(parts.path) else 0.0,
        1.0 if _ID_IN_PATH.search(parts.path) else 0.0,
        1.0 if not segments else 0.0,
        1.0 if parts.query else 0.0,
        1.0 if _LISTING_PATH.search(parts.path) else 0.0,
    ]


def _structured(scripts: list[JsonLd]) -> list[float]:
    typed = [pair for data in _ld_nodes(scripts) for pair in _types_of(data)]
    types = {kind for kind, _ in typed}
    article_body = max(
        (len(str(node.get("articleBody") or "")) for kind, node in typed if kind in _LD_KINDS["ld_article"]), default=0
    )
    row = [1.0 if types & set(kinds) else 0.0 for kinds in _LD_KINDS.values()]
    return [*row, _log(article_body)]


@dataclass(frozen=True)
class _Page:
    """What several feature groups read of the page, gathered once."""

    tree: HtmlElement
    elements: list[HtmlElement]
    tags: list[str]
    counts: Counter[str]  # elements per tag
    links: list[HtmlElement]
    link_texts: list[str]  # each link's text, its pieces joined by spaces
    page_text: str  # the body's text, its scripts' with it (as the price count always read it)
    shown_text: str  # the shown elements' texts, one a line
    page_tags: PageTags | None = None  # the elements of a few tags, gathered in one walk (page_tags.py)


def _page(tree: HtmlElement, page_tags: PageTags | None = None) -> _Page:
    elements, tags, texts = _visible(tree)
    links = [e for e, tag in zip(elements, tags, strict=True) if tag == "a"]
    body = tree.find("body")
    shown = "\n".join(texts)
    page_text = " ".join(_TEXT_NODES(body)) if body is not None else ""
    link_texts = [" ".join(_texts(e)) for e in links]
    return _Page(tree, elements, tags, Counter(tags), links, link_texts, page_text, shown, page_tags)


def _shape(page: _Page) -> tuple[list[float], int]:
    """The page's shape features, and its visible word count."""
    tree, elements, tags, counts, links = page.tree, page.elements, page.tags, page.counts, page.links
    meta = _meta(tree, page.page_tags)
    # One regex pass over the joined texts: a word never spans the line break (or the space)
    # between two of them, so the count is the sum of each text's.
    page_words = _words(page.shown_text)
    link_words = _words("\n".join(page.link_texts))
    paragraphs = [(p, _prose_words(" ".join(_texts(p)))) for p, tag in zip(elements, tags, strict=True) if tag == "p"]
    prose = [words for _, words in paragraphs if words >= _PROSE_WORDS]
    run = best_run = 0
    previous_parent = None
    for paragraph, words in paragraphs:
        long_enough = words >= _PROSE_WORDS
        same = paragraph.getparent() is previous_parent
        run = run + 1 if long_enough and (same or run == 0) else (1 if long_enough else 0)
        best_run = max(best_run, run)
        previous_parent = paragraph.getparent()
    headings = [e for e, tag in zip(elements, tags, strict=True) if tag in ("h2", "h3", "h4")]
    linked = sum(1 for h in headings if h.find(".//a") is not None or getattr(h.getparent(), "tag", "") == "a")
    cards = _card_runs(elements, _holding_links(links))
    published = bool(meta.get("article:published_time") or meta.get("datepublished") or counts["time"])

    def share(count: float) -> float:
        return min(count / page_words, 1.0) if page_words else 0.0

    row = [
        1.0 if meta.get("og:type") == "article" else 0.0,
        1.0 if meta.get("og:type", "").startswith("product") else 0.0,
        1.0 if published else 0.0,
        _log(page_words),
        share(link_words),
        share(sum(prose)),
        _log(len(prose)),
        _log(best_run),
        _log(cards),
        share(cards * 12),
        _log(len(headings)),
        linked / len(headings) if headings else 0.0,
        _log(counts["form"]),
        _log(counts["input"] + counts["select"] + counts["textarea"] + counts["button"]),
        _log(counts["pre"] + counts["code"]),
        _log(counts["time"]),
        _log(counts["article"]),
        _log(_prices(page.page_text)),
        _log(counts["table"]),
        _log(counts["li"]),
    ]
    return row, page_words


def _kept(extracted: Extracted, page_words: int, counts: list[int]) -> list[float]:
    body_words = sum(counts)
    return [
        _log(body_words),
        _log(len(counts)),
        body_words / len(counts) / 100 if counts else 0.0,
        sum(1 for n in counts if n >= _PROSE_WORDS) / len(counts) if counts else 0.0,
        min(body_words / page_words, 1.0) if page_words else 0.0,
        1.0 if extracted.headline else 0.0,
        1.0 if extracted.dated else 0.0,
        1.0 if extracted.authored else 0.0,
    ]


_CLASS_TOKEN = re.compile(r"[a-z]+")
# Read in one call each (lxml's XPath in C: no Python proxy per element)
_CLASS_OR_ID = etree.XPath("//body//@class | //body//@id", smart_strings=False)
_ITEMPROPS = etree.XPath("//@itemprop", smart_strings=False)
# XPath's translate(@name, 'GENERATOR', 'generator') and translate(@rel, 'NEXT', 'next'): those
# capitals only lowered (the meta and link elements are read by lxml's iteration in C, which here
# is cheaper than an XPath's walk of the whole document; the same values in the same order)
_GENERATOR_CAPITALS = str.maketrans("GENERATOR", "generator")
_NEXT_CAPITALS = str.maketrans("NEXT", "next")


def _generators(tree: HtmlElement, tags: PageTags | None = None) -> list[str]:
    """The content of every <meta name="generator"> (the name in any case), in page order:
    //meta[translate(@name, 'GENERATOR', 'generator') = 'generator']/@content."""
    return [
        content
        for meta in document_elements(tree, "meta", tags)
        if (content := meta.get("content")) is not None
        and (meta.get("name") or "").translate(_GENERATOR_CAPITALS) == "generator"
    ]


def _rel_next(tree: HtmlElement, tags: PageTags | None = None) -> bool:
    """A <link> or <a> whose rel says next: boolean(//link[contains(translate(@rel, 'NEXT',
    'next'), 'next')] | //a[...]) (which of them comes first does not change the answer)."""
    return any(
        "next" in (element.get("rel") or "").translate(_NEXT_CAPITALS)
        for tag in ("link", "a")
        for element in document_elements(tree, tag, tags)
    )


def _first_title(tree: HtmlElement, tags: PageTags | None) -> HtmlElement | None:
    """tree.find(".//title"): the first <title> below the tree (not the tree itself)."""
    if tags is None or tags.tree is not tree:
        return tree.find(".//title")
    return next((title for title in tags.of("title") if title is not tree), None)


_URL_PATTERNS = {family: re.compile(rf"(?:^|[/_.-])(?:{words})(?:$|[/_.-])") for family, words in _URL_FAMILIES.items()}


def _families_of_words() -> dict[str, list[int]]:
    """Each family word: the families it is in (their places in _CLASS_FAMILIES, once per listing)."""
    families: dict[str, list[int]] = {}
    for place, words in enumerate(_CLASS_FAMILIES.values()):
        for word in words:
            families.setdefault(word, []).append(place)
    return families


_WORD_FAMILIES = _families_of_words()


def _family_counts(names: list[str]) -> list[int]:
    """The words of the page's class and id values that fall in each family. A page repeats its
    class values (~490 values, ~215 of them different): each different value is split into words
    once and counted as often as it occurs. Words never span two values (they were joined by
    spaces), and lowering a value alone lowers it as in the joined text (no letter of a-z comes
    from a neighbour: only a final sigma's lower case depends on one)."""
    counts = [0] * len(_CLASS_FAMILIES)
    for name, times in Counter(names).items():
        for word in _CLASS_TOKEN.findall(name.lower()):
            for family in _WORD_FAMILIES.get(word, ()):
                counts[family] += times
    return counts


def _article_like(href: str) -> bool:
    """A link to a story: a date in its path, or a slug of five words or more as its last part."""
    path = href.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return path.rsplit("/", 1)[-1].count("-") >= 4 or bool(_DATE_LINK.search(path))


def _markup(page: _Page) -> list[float]:
    """What the page's markup calls its parts: elements per class/id word family, itemprops per
    family, the generator's software, a rel=next link, h1s, nav/aside, images, links to article-like
    URLs (a date or a long slug in the path), a question as the title."""
    tree, counts = page.tree, page.counts
    families = _family_counts(_CLASS_OR_ID(tree))
    props = Counter(str(value).lower() for value in _ITEMPROPS(tree))
    itemprops = [sum(props[p] for p in kinds) for kinds in _ITEMPROP_FAMILIES.values()]
    generator = " ".join(value.lower() for value in _generators(tree, page.page_tags))
    kind = next((value for name, value in _GENERATORS if name in generator), 0.0)
    hrefs = {e.get("href") or "" for e in page.links}
    # the test in front is what _article_like needs at the least (4 hyphens, or "/19" or "/20" of a
    # year): most links fail it without a call
    article_links = sum(1 for h in hrefs if (h.count("-") >= 4 or "/19" in h or "/20" in h) and _article_like(h))
    rel_next = _rel_next(tree, page.page_tags)
    title = _first_title(tree, page.page_tags)
    title_text = (title.text or "") if title is not None else ""
    return [
        *(_log(n) for n in families),
        *(_log(n) for n in itemprops),
        kind,
        1.0 if rel_next else 0.0,
        _log(counts["h1"]),
        _log(counts["nav"] + counts["aside"]),
        _log(counts["img"]),
        _log(article_links),
        article_links / len(hrefs) if hrefs else 0.0,
        1.0 if "?" in title_text else 0.0,
    ]


# "2024-05-02", "02.05.2024", "2/5/2024": opening with a digit lets the engine skip to the next one in C
_NUMERIC_DATE = re.compile(r"\d(?<!\d\d)(?:\d\d\d[-/.]\d\d?[-/.]\d\d?|\d?[./]\d\d?[./]\d{4})(?!\d)")


def _headline_and_links(page: _Page, extracted: Extracted) -> list[float]:
    """The headline's length and whether an <h1> says it; the kept blocks that are a link's text
    (teasers kept as body); the dates written in the page's text (a listing shows many)."""
    headline = " ".join(extracted.headline_text.split()).lower()
    h1_elements = elements(page.tree, "h1", page.page_tags) if page.counts["h1"] else ()
    h1s = [" ".join(_text(e).split()).lower() for e in h1_elements]
    blocks = [" ".join(block.split()).lower() for block in extracted.blocks if block.strip()]
    # squashing spaces only shortens a text: a link shorter than the shortest block cannot be one
    shortest = min((len(block) for block in blocks), default=0)
    link_texts = {" ".join(text.split()).lower() for text in page.link_texts if len(text) >= shortest}
    link_texts.discard("")
    linked = sum(1 for block in blocks if block in link_texts)
    return [
        _log(_words(headline)),
        1.0 if headline and any(headline in h1 or h1 in headline for h1 in h1s if h1) else 0.0,
        linked / len(blocks) if blocks else 0.0,
        _log(linked),
        _log(len(_NUMERIC_DATE.findall(page.shown_text))),
    ]


def _url_words(url: str | None) -> list[float]:
    path = urlsplit(url).path.lower() if url else ""
    return [1.0 if rx.search(path) else 0.0 for rx in _URL_PATTERNS.values()]


def page_features(
    tree: HtmlElement, extracted: Extracted, scripts: list[JsonLd] | None = None, tags: PageTags | None = None
) -> list[float]:
    """The FEATURES of one parsed page, in order (`scripts`: its JSON-LD, when already parsed;
    `tags`: its elements of a few tags, when already gathered)."""
    page = _page(tree, tags)
    shape, page_words = _shape(page)
    block_words = [_words(block) for block in extracted.blocks]
    structured = _structured(json_ld_scripts(tree) if scripts is None else scripts)
    return [
        *structured,
        *shape,
        *_url_features(extracted.url),
        *_kept(extracted, page_words, block_words),
        *_markup(page),
        *_url_words(extracted.url),
        *_headline_and_links(page, extracted),
    ]


def probability(row: Sequence[float], model: dict[str, Any]) -> float:
    """The model's probability for one page: gradient-boosted trees (nodes [feature, threshold,
    left, right, value], a leaf's feature -1) summed over a bias, a logistic regression (features
    standardised with the model's means and scales, weighed, the bias last), or a blend of such
    models ("members": their log-odds averaged)."""
    z = _log_odds(row, model)
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def _log_odds(row: Sequence[float], model: dict[str, Any]) -> float:
    if "members" in model:
        members = model["members"]
        return sum(_log_odds(row, member) for member in members) / len(members)
    if "trees" in model:
        bias: float = model["bias"]
        return bias + sum(_leaf_value(tree, row) for tree in model["trees"])
    weights = model["weights"]
    scaled = zip(row, model["means"], model["scales"], weights, strict=False)
    return float(weights[-1] + sum((x - m) / s * w for x, m, s, w in scaled))


def _leaf_value(tree: list[list[float]], row: Sequence[float]) -> float:
    node = tree[0]
    while node[0] >= 0:
        node = tree[int(node[2] if row[int(node[0])] <= node[1] else node[3])]
    return node[4]


@cache
def shipped_model() -> dict[str, Any]:
    return load_json_model("page_type_model.json", FEATURES, "scripts/train_page_types.py")


def judge_page(row: Sequence[float], model: dict[str, Any] | None = None) -> PageJudgement:
    """Article, or the likeliest other page type when the article probability of the page's
    features is under the model's threshold."""
    model = model or shipped_model()
    article = probability(row, model["article"])
    if article >= model["threshold"]:
        return PageJudgement(ARTICLE, article)
    others = {kind: probability(row, weights) for kind, weights in model["types"].items()}
    return PageJudgement(max(sorted(others), key=lambda kind: others[kind]), article)


def accessible_for_free(tree: HtmlElement, scripts: list[JsonLd] | None = None) -> bool | None:
    """The page's JSON-LD isAccessibleForFree (false or "False": the publisher marks the page as
    cut by a paywall), None when no node says."""
    for data in _ld_nodes(json_ld_scripts(tree) if scripts is None else scripts):
        for _, node in _types_of(data):
            value = node.get("isAccessibleForFree")
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in ("true", "false"):
                return value.strip().lower() == "true"
    return None


def holds_back(article: Article, keep_non_articles: bool) -> bool:
    """Whether the pipeline rejects the article as not one ('not an article: <type>')."""
    return article.page_type != ARTICLE and not keep_non_articles
