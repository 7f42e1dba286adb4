"""Structural evidence for the body blocks an extractor returned: where each block sits in the page.

An extractor such as trafilatura returns text, not elements. `PageText` finds each block's text
again in the parsed page (all text nodes of <body>, whitespace ignored, in document order), which
gives the element the block came from; from it, `BlockEvidence` says how much of the block is link
text and which containers hold it. `select_blocks` then drops page furniture by structure alone
(link density, position relative to the article's main container, repetition of the same item
shape, class names of containers), never by wording, so it holds for pages in any language; and it
adds back the article's lead, which extractors often leave in the page header.

Every rule was measured on both evaluation sets of ../shared/eval (shingle F1 on the 181
scrapinghub pages, keep/drop rates on the 489 multilingual pages) and kept only when it did not
buy one set's figure with the other's.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lxml.etree import XPath
from lxml.html import HtmlElement

from pipeline.core.document import BlockStructure
from pipeline.core.settings import SHIPPED, HtmlSettings
from pipeline.core.text import squash_spaces

# Text under these is never page text.
_SKIP = ("script", "style", "noscript", "template")
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# The element a block of text is read from: the nearest of these around its text.
BLOCK_TAGS = HEADINGS | frozenset(
    {"p", "li", "td", "th", "dd", "dt", "blockquote", "pre", "figcaption", "caption", "div", "section",
     "article", "main", "body", "header", "footer", "aside", "nav", "ul", "ol", "dl", "table", "tr", "form",
     "figure"}
)  # fmt: skip
_PARAGRAPH_TAGS = frozenset({"p", "div", "span"})
_CONTAINER_TAGS = frozenset(
    {"div", "section", "article", "main", "body", "html", "td", "th", "tr", "tbody", "table", "form", "header",
     "footer", "ul", "ol", "dl", "figure", "aside", "nav", "center", "font"}
)  # fmt: skip
_URL = re.compile(r"(?:https?://|www\.)\S+$", re.I)
_PIPE_OR_SPACE = re.compile(r"[\s|]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")

# The thresholds (main container share, prose block words, after-main and header block words)
# are the html section of pipeline/data/settings.yaml.
# Container class/id words that name furniture, matched against the first or last word of a name
# ("share-bar", "siteCookie", "related_posts"), only on containers below the main container.
# Not here, measured: sidebar and widget (page builders name content columns so), caption (some
# sites hold the whole article in a container named as a caption), comment (live tickers, forums).
FURNITURE_WORDS = frozenset(
    {"cookie", "consent", "gdpr", "copyright", "share", "sharing", "sharedaddy", "social", "related",
     "recommended", "newsletter", "subscribe", "signup", "breadcrumb", "breadcrumbs", "toc", "disclaimer",
     "disclosure", "categories", "tags", "popup", "modal", "overlay", "promo", "advert", "ads", "ad", "sponsor",
     "sponsored"}
)  # fmt: skip
_NAME_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
# A lead: 8+ words, two sentences or more, ending as a sentence, little link text, not in these.
_NOT_LEAD_TAGS = frozenset({"figure", "figcaption", "nav", "aside", "footer", "form", "button", "select", "label", "a"})
_NOT_LEAD_NAMES = re.compile(
    r"caption|credit|image|photo|media|byline|author|date|time|meta|signup|newsletter|widget|hidden|notif|related"
    r"|share|social",
    re.I,
)
_SENTENCE_END = (".", "!", "?", "…", '"', "”", "“", "»", "«", ")")
_SENTENCE_BREAK = re.compile(r"[.!?…][\"”»)]?\s+[\"„«(]?[A-ZÀ-ÖØ-Þ\u0391-\u03a9\u0410-\u042f]")


def _members(root: HtmlElement, *tags: str) -> set[HtmlElement]:
    """The elements with one of these tags under root, and everything inside them."""
    members: set[HtmlElement] = set()
    for element in root.iter(*tags):
        members.update(element.iter())
    return members


def word_count(text: str) -> int:
    """Words between spaces; in Chinese and Japanese, which have none, two characters count as one."""
    return len(text.split()) + len(_CJK.findall(text)) // 2


def compact(text: str) -> str:
    """Text with whitespace and table pipes removed: the key under which a block is found again
    (trafilatura writes table rows as "| a | b |" and joins inline runs with or without spaces)."""
    return _PIPE_OR_SPACE.sub("", text)


# Page furniture by tag: text under these never reaches a container body or a caption.
DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "template",
    "header",
    "menu",
    "dialog",
)
FURNITURE_TAGS = frozenset(DROP_TAGS)
# ... nor under a figure (its caption is read apart).
HIDDEN_TAGS = FURNITURE_TAGS | {"figure"}
# The paragraphs of a container: its innermost elements of these (a headline <h1> is metadata).
PARAGRAPH_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd", "dt")


def hidden(element: HtmlElement) -> bool:
    """Inside an element that never holds article text (or a figure, whose caption is read apart)."""
    return element.tag in HIDDEN_TAGS or any(ancestor.tag in HIDDEN_TAGS for ancestor in element.iterancestors())


def strings(element: HtmlElement, skip: HtmlElement | None = None) -> Iterator[str]:
    """The text nodes under an element, as get_text() has them, leaving out hidden subtrees (and
    `skip`); comments and processing instructions count for their tails only."""
    if element.text and isinstance(element.tag, str):
        yield element.text
    for child in element:
        if isinstance(child.tag, str) and child.tag not in HIDDEN_TAGS and child is not skip:
            yield from strings(child, skip)
        if child.tail:
            yield child.tail


def text_of(element: HtmlElement, separator: str = " ", skip: HtmlElement | None = None) -> str:
    return separator.join(strings(element, skip))


def hidden_below(element: HtmlElement, top: HtmlElement, hidden: frozenset[str] = HIDDEN_TAGS) -> bool:
    """Inside a hidden element below `top`."""
    for ancestor in element.iterancestors():
        if ancestor is top:
            return False
        if ancestor.tag in hidden:
            return True
    return False


def container_blocks(container: HtmlElement, lines: bool = True) -> Iterator[str]:
    """The innermost block elements of the container, each as one paragraph; the container's
    text lines when it has none (and `lines`)."""
    found = False
    for tag in container.iterdescendants(*PARAGRAPH_TAGS):
        if hidden_below(tag, container) or any(
            not hidden_below(inner, container) for inner in tag.iterdescendants(*PARAGRAPH_TAGS)
        ):
            continue  # hidden, or the inner blocks are yielded themselves
        text = squash_spaces(text_of(tag))
        if text:
            found = True
            yield text
    if not found and lines:
        for raw_line in text_of(container, "\n").split("\n"):
            line = squash_spaces(raw_line)
            if line:
                yield line


_TEXT_NODES = XPath("descendant::text()")


class PageText:
    """Every text node of the page body, whitespace removed, concatenated, with the element that
    holds each run (the element itself for its text, the parent for a tail) and whether the run is
    link text; where each <h1> starts; and the body's word count."""

    def __init__(self, tree: HtmlElement) -> None:
        body = tree.find("body")
        body = tree if body is None else body
        in_link = _members(body, "a")
        skipped = _members(body, *_SKIP)
        headings = {element: h1 for h1 in body.iter("h1") for element in h1.iter()}
        starts: list[int] = []
        owners: list[HtmlElement] = []
        links: list[bool] = []
        parts: list[str] = []
        headlines: list[tuple[int, HtmlElement]] = []
        size = words = 0
        for text in _TEXT_NODES(body):  # in document order; the loop runs in Python once per text node
            if text.isspace():
                continue  # 2 in 3 text nodes: the white space between tags (no run; its owner not asked)
            owner = text.getparent()
            if text.is_tail:
                owner = owner.getparent()
                if owner is None:
                    continue
            if owner in skipped:
                continue
            split = text.split()
            run = "".join(split).replace("|", "")  # = compact(text), cheaper per node
            if not run:
                continue
            h1 = headings.get(owner)
            if h1 is not None and (not headlines or headlines[-1][1] is not h1):
                headlines.append((size, h1))
            starts.append(size)
            owners.append(owner)
            links.append(owner in in_link)
            parts.append(run)
            size += len(run)
            words += len(split)
        self.text = "".join(parts)
        self.words = words
        # element -> (element, parent, ..., root); the dict also keeps the proxies alive, so lxml
        # hands out the same objects for the same nodes and `is` / `in` compare nodes.
        self._chains: dict[HtmlElement, tuple[HtmlElement, ...]] = {}
        self.headlines = headlines
        self._starts = starts
        self._owners = owners
        self._in_link = links

    def chain(self, element: HtmlElement) -> tuple[HtmlElement, ...]:
        """The element and its ancestors, innermost first (remembered)."""
        chain = self._chains.get(element)
        if chain is None:
            missing = [element]
            parent = element.getparent()
            while parent is not None and parent not in self._chains:
                missing.append(parent)
                parent = parent.getparent()
            chain = self._chains[parent] if parent is not None else ()
            for node in reversed(missing):
                chain = (node, *chain)
                self._chains[node] = chain
        return chain

    def block_of(self, element: HtmlElement) -> HtmlElement:
        """The nearest block element around (or at) an element."""
        return next((node for node in self.chain(element) if node.tag in BLOCK_TAGS), element)

    def find(self, text: str, start: int = 0) -> tuple[int, int] | None:
        key = compact(text)
        at = self.text.find(key, start) if key else -1
        return (at, at + len(key)) if at >= 0 else None

    def runs(self, start: int, end: int) -> Iterator[tuple[HtmlElement, bool, int]]:
        """(owner element, is link text, characters) of each text run overlapping [start, end)."""
        starts = self._starts
        k = max(0, bisect.bisect_right(starts, start) - 1)
        while k < len(starts) and starts[k] < end:
            run_end = starts[k + 1] if k + 1 < len(starts) else len(self.text)
            overlap = min(run_end, end) - max(starts[k], start)
            if overlap > 0:
                yield self._owners[k], self._in_link[k], overlap
            k += 1


@dataclass
class BlockEvidence:
    text: str
    element: HtmlElement | None = None  # the block element holding the text; None: not found
    start: int = 0  # offset in PageText.text
    link_share: float = 0.0  # share of the block's characters that are link text
    words: int = 0
    chain: tuple[HtmlElement, ...] = ()  # the element and its ancestors

    def inside(self, container: HtmlElement | None) -> bool:
        return container is not None and container in self.chain


@dataclass
class Selection:
    kept: list[str] = field(default_factory=list)
    words: int = 0  # words of the blocks given
    dropped_words: int = 0  # of those, in blocks dropped as furniture
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (rule, text)
    in_order: list[tuple[str, str | None]] = field(default_factory=list)  # (text, rule or None if kept)
    # per block of in_order, where it sits in the page (only when select_blocks is asked for it)
    structure: list[BlockStructure] = field(default_factory=list)


def locate(page: PageText, blocks: Iterable[str], cursor: int = 0) -> list[BlockEvidence]:
    """Each block found in the page, searching on from the previous one first (blocks come in
    page order, and a short block may also occur earlier, e.g. in a menu)."""
    evidence = []
    for block in blocks:
        item = BlockEvidence(block, words=word_count(block))
        span = page.find(block, cursor) or page.find(block)
        if span is not None:
            cursor = max(cursor, span[1])
            owners: list[HtmlElement] = []
            link_chars = 0
            for owner, is_link, chars in page.runs(*span):
                if not owners or owners[-1] is not owner:
                    owners.append(owner)
                link_chars += chars if is_link else 0
            item.element = page.block_of(_common_ancestor(page, owners))
            item.chain = page.chain(item.element)
            item.start = span[0]
            item.link_share = link_chars / max(1, span[1] - span[0])
        evidence.append(item)
    return evidence


def _common_ancestor(page: PageText, elements: list[HtmlElement]) -> HtmlElement:
    if len(elements) == 1:
        return elements[0]
    path = page.chain(elements[0])
    deepest = 0
    for element in elements[1:]:
        for ancestor in page.chain(element):
            if ancestor in path:
                deepest = max(deepest, path.index(ancestor))
                break
    return path[deepest]


def main_element(evidence: list[BlockEvidence], settings: HtmlSettings = SHIPPED.html) -> HtmlElement | None:
    """The article's container: the deepest element holding settings.main_share of the prose
    characters of the blocks (of settings.main_prose_words words or more), in two blocks or more."""
    weight: dict[HtmlElement, int] = {}
    count: dict[HtmlElement, int] = {}
    depth: dict[HtmlElement, int] = {}
    total = 0
    for item in evidence:
        if item.element is None or item.words < settings.main_prose_words:
            continue
        total += len(item.text)
        for level, ancestor in enumerate(reversed(item.chain)):
            weight[ancestor] = weight.get(ancestor, 0) + len(item.text)
            count[ancestor] = count.get(ancestor, 0) + 1
            depth[ancestor] = level
    candidates = [
        element for element in weight if weight[element] >= settings.main_share * total and count[element] >= 2
    ]
    return max(candidates, key=lambda element: depth[element], default=None)


def select_blocks(
    page: PageText, blocks: list[str], settings: HtmlSettings = SHIPPED.html, structure: bool = False
) -> Selection:
    """The extractor's blocks without page furniture, after the article's lead if it was left out;
    with `structure`, each block's place in the page for the furniture model too."""
    evidence = _split_runs(page, locate(page, blocks))
    rules = FurnitureRules(page, main_element(evidence, settings), settings)
    inside = [item.inside(rules.main) for item in evidence]
    main_end = max((item.start for item, within in zip(evidence, inside, strict=True) if within), default=0)
    reasons = [rules.drop_reason(item, within, main_end) for item, within in zip(evidence, inside, strict=True)]
    _drop_empty_sections(evidence, reasons)
    _drop_before_headline(evidence, reasons, settings)
    selection = Selection(kept=lead_blocks(page, evidence, settings), words=sum(item.words for item in evidence))
    selection.in_order = [(text, None) for text in selection.kept]
    for item, reason in zip(evidence, reasons, strict=True):
        selection.in_order.append((item.text, reason))
        if reason is None:
            selection.kept.append(item.text)
        else:
            selection.dropped.append((reason, item.text))
            selection.dropped_words += item.words
    if structure:
        leads = len(selection.in_order) - len(evidence)
        selection.structure = block_structures(rules, evidence, inside, reasons, leads)
    return selection


def _split_runs(page: PageText, evidence: list[BlockEvidence]) -> list[BlockEvidence]:
    """A block that runs over several paragraphs of the page (trafilatura's whole-text rescue for
    short pages, a cell of a layout table) is read as those paragraphs, so that the rules and the
    cleaning steps see them one by one (and a figure caption or headline inside it drops out):
    when the paragraphs of its element all lie inside it and make up half of it or more."""
    result: list[BlockEvidence] = []
    paragraphs: dict[HtmlElement, tuple[list[str], int]] = {}  # container -> (paragraphs, their size)
    for item in evidence:
        element = item.element
        if element is None or element.tag not in _CONTAINER_TAGS:
            result.append(item)
            continue
        if element not in paragraphs:
            parts = list(container_blocks(element, lines=False))
            paragraphs[element] = (parts, sum(len(compact(part)) for part in parts))
        parts, size = paragraphs[element]
        end = item.start + len(compact(item.text))
        if len(parts) < 2 or not 0.5 * (end - item.start) <= size <= end - item.start:
            result.append(item)  # too few paragraphs, or they cannot all lie inside this block
            continue
        located = locate(page, parts, item.start)
        if all(part.element is not None and item.start <= part.start < end for part in located):
            result.extend(located)
        else:
            result.append(item)
    return result


def _drop_before_headline(evidence: list[BlockEvidence], reasons: list[str | None], settings: HtmlSettings) -> None:
    """Short blocks above the headline (<h1>) when nothing longer comes before it: a kicker, a
    breadcrumb, a date; the cleaning steps then meet the headline first and read the header after
    it as they should (the dek becomes the subtitle)."""
    for index, item in enumerate(evidence):
        if item.element is not None and item.element.tag == "h1":
            for before in range(index):
                reasons[before] = reasons[before] or "before_headline"
            return
        if item.words >= settings.header_words:
            return


class FurnitureRules:
    """The furniture rules for one page, with what they learn about containers remembered (the
    dicts also hold the element proxies, which keeps them the same objects). drop_reason judges a
    block; in_card and in_furniture_container are also two of a block's structure numbers
    (block_structures), read from the same remembered containers."""

    def __init__(self, page: PageText, main: HtmlElement | None, settings: HtmlSettings) -> None:
        self.page = page
        self.settings = settings
        self.main = main
        self.main_chain = page.chain(main) if main is not None else ()
        self._lists: dict[HtmlElement, tuple[bool, bool]] = {}  # list -> (link list, teaser list)
        self._names: dict[HtmlElement, bool] = {}  # element -> a class/id names furniture

    def drop_reason(self, item: BlockEvidence, inside: bool, main_end: int) -> str | None:
        """Why a block is page furniture rather than article text, or None."""
        element = item.element
        if element is None:
            return None  # not found again: no evidence either way
        linked = item.link_share >= self.settings.link_block_share
        if element.tag in _PARAGRAPH_TAGS and linked and item.words >= 3:
            # the links inside the block, or the block itself when a link holds it
            in_link = any(node.tag == "a" for node in item.chain[1:])
            links = [item.text] if in_link else [text for text in _link_texts(element) if text]
            if links and not all(_URL.match(text) for text in links):
                return "link_paragraph"  # one teaser link standing as a paragraph ("related story" in the text)
        if element.tag == "li" and linked and self._list_kind(element)[0]:
            return "link_list"  # an item of a list of links (menus, "more stories")
        if self.in_furniture_container(item.chain, self.main if inside else None):
            return "furniture_container"
        if self.main is not None and not inside:
            if item.start > main_end and item.words < self.settings.after_main_words:
                return "after_main"
            list_item = next((a for a in item.chain if a.tag == "li"), None)
            if list_item is not None and self._list_kind(list_item)[1]:
                return "teaser_list"
        if element.tag in HEADINGS and linked and self.in_card(item.chain):
            return "teaser_heading"  # a linked headline in a story card (an <article> apart from the main one)
        return None

    def _list_kind(self, item: HtmlElement) -> tuple[bool, bool]:
        """Of the list around a list item: whether it is a list of links (list_min_items or more,
        link_list_share of them link text), and a list of teasers (as many, each holding a link)."""
        parent = item.getparent()
        if parent is None:
            return False, False
        kind = self._lists.get(parent)
        if kind is None:
            items = [child for child in parent if child.tag == "li"]
            linked = with_link = 0
            for child in items:
                text = len(compact(" ".join(child.itertext())))
                links = sum(len(compact(link)) for link in _link_texts(child))
                linked += text > 0 and links >= self.settings.link_block_share * text
                with_link += links > 0
            enough = len(items) >= self.settings.list_min_items
            kind = (enough and linked >= self.settings.link_list_share * len(items), enough and with_link == len(items))
            self._lists[parent] = kind
        return kind

    def in_card(self, chain: tuple[HtmlElement, ...]) -> bool:
        """Inside an <article> that neither is the main container nor holds it: a story card."""
        card = next((node for node in chain[1:] if node.tag == "article"), None)
        return card is not None and card not in self.main_chain

    def in_furniture_container(self, chain: tuple[HtmlElement, ...], main: HtmlElement | None) -> bool:
        """The block or a container around it (below `main`) has a class or id whose first or last
        word names page furniture."""
        for ancestor in chain:
            if ancestor is main or ancestor.tag == "body":
                return False
            named = self._names.get(ancestor)
            if named is None:
                named = self._names[ancestor] = any(
                    (words := _NAME_WORD.findall(name))
                    and (words[0].lower() in FURNITURE_WORDS or words[-1].lower() in FURNITURE_WORDS)
                    for name in _names(ancestor).split()
                )
            if named:
                return True
        return False


def _link_texts(element: HtmlElement) -> list[str]:
    return [" ".join(" ".join(link.itertext()).split()) for link in element.iter("a")]


def _names(element: HtmlElement) -> str:
    return f"{element.get('class', '')} {element.get('id', '')}"


def _drop_empty_sections(evidence: list[BlockEvidence], reasons: list[str | None]) -> None:
    """A heading whose section (the blocks up to the next heading of its level or above) kept no
    text block heads nothing: "Related stories" over a dropped link list, a heading ending the body."""
    levels = [_heading_level(item) for item in evidence]
    for index, level in enumerate(levels):
        if level is None or reasons[index] is not None:
            continue
        has_text = False
        for after, after_level in enumerate(levels[index + 1 :], start=index + 1):
            if after_level is not None and after_level <= level:
                break
            if after_level is None and reasons[after] is None:
                has_text = True
                break
        if not has_text:
            reasons[index] = "empty_section"


def _heading_level(item: BlockEvidence) -> int | None:
    tag = item.element.tag if item.element is not None else ""
    return int(tag[1]) if tag in HEADINGS else None


def lead_blocks(page: PageText, evidence: list[BlockEvidence], settings: HtmlSettings = SHIPPED.html) -> list[str]:
    """Prose between the headline (the last <h1> before the body) and the first body block: the
    article's lead, which extractors often leave out (it sits in the page header, or in a box
    named like a teaser). Only text written as sentences, two or more: a one-line dek or a byline
    stays out."""
    first = next((item for item in evidence if item.element is not None), None)
    headline = next((h for h in reversed(page.headlines) if first is not None and h[0] < first.start), None)
    if first is None or headline is None:
        return []
    start = headline[0] + len(compact(" ".join(headline[1].itertext())))
    seen: list[HtmlElement] = []  # holds the elements, so their proxies stay the same objects
    leads = []
    for owner, _is_link, _chars in page.runs(start, first.start):
        block = page.block_of(owner)
        if any(block is other for other in seen):
            continue
        seen.append(block)
        chain = page.chain(block)
        if any(
            a.tag in _NOT_LEAD_TAGS or _NOT_LEAD_NAMES.search(f"{a.get('class', '')} {a.get('id', '')}") for a in chain
        ):
            continue
        text = " ".join(" ".join(block.itertext()).split())
        if (
            word_count(text) < settings.lead_min_words
            or not text.endswith(_SENTENCE_END)
            or not _SENTENCE_BREAK.search(text)
        ):
            continue
        span = page.find(text, start)
        if span is None or span[1] > first.start:
            continue  # the block reaches into the body: a wrapper, not a lead
        if sum(len(compact(link)) for link in _link_texts(block)) > settings.lead_max_link_share * len(compact(text)):
            continue
        leads.append(text)
    return leads


# --- the furniture model's structural evidence (issue 23, item 2) ------------------------------

# The numbers block_structures gives each block, in this order (pipeline/clean/furniture.py reads
# them beside the paragraph's own features for HTML input).
STRUCTURE_FEATURES = (
    "found again in the page",
    "the page has a main container",
    "inside the main container",
    "before the main container",
    "after the main container",
    "link share",
    "log levels below the main container",
    "log depth in the page",
    "log siblings of its tag",
    "log siblings of its tag and class",
    "a heading",
    "a list item",
    "in a table cell",
    "in a container named as furniture",
    "in a story card",
    "the lead, taken from the page header",
    "position among the extractor's blocks",
    "the block before was dropped by structure",
    "the block after was dropped by structure",
)
# Tags of the block and its ancestors read as tokens, and ancestors whose class/id words are.
PATH_TAGS = 3
NAME_LEVELS = 4
NAME_WORDS_PER_ELEMENT = 8
_DIGIT = re.compile(r"\d")


def block_structures(
    rules: FurnitureRules, evidence: list[BlockEvidence], inside: list[bool], reasons: list[str | None], leads: int
) -> list[BlockStructure]:
    """Per block of Selection.in_order (the leads first): numbers named by STRUCTURE_FEATURES and
    tokens of its tag path ("t0:p", "path:p<div<article") and of its ancestors' class/id words
    ("c0:teaser", "c:related"). Read from the page parse the selection already made; no wording."""
    count = leads + len(evidence)
    starts = [item.start for item, within in zip(evidence, inside, strict=True) if within]
    main_span = (min(starts, default=0), max(starts, default=0))
    siblings: dict[HtmlElement, tuple[dict[str, int], dict[tuple[str, str], int]]] = {}
    found = [_lead_structure(index, count) for index in range(leads)]
    for index, item in enumerate(evidence):
        before, after = reasons[index - 1] if index else None, reasons[index + 1] if index + 1 < len(evidence) else None
        dropped = (before is not None, after is not None)
        place = _Place(leads + index, count, inside[index], main_span, dropped)
        found.append(_structure(rules, item, place, siblings))
    return found


@dataclass(frozen=True)
class _Place:
    index: int
    count: int
    inside: bool
    main_span: tuple[int, int]
    dropped_around: tuple[bool, bool]


def _lead_structure(index: int, count: int) -> BlockStructure:
    features = [0.0] * len(STRUCTURE_FEATURES)
    features[STRUCTURE_FEATURES.index("the lead, taken from the page header")] = 1.0
    features[STRUCTURE_FEATURES.index("position among the extractor's blocks")] = index / max(1, count - 1)
    return BlockStructure(tuple(features), ("lead",))


def _structure(
    rules: FurnitureRules,
    item: BlockEvidence,
    place: _Place,
    siblings: dict[HtmlElement, tuple[dict[str, int], dict[tuple[str, str], int]]],
) -> BlockStructure:
    position = place.index / max(1, place.count - 1)
    if item.element is None:
        unfound = [0.0] * len(STRUCTURE_FEATURES)
        unfound[STRUCTURE_FEATURES.index("position among the extractor's blocks")] = position
        return BlockStructure(tuple(unfound), ("unfound",))
    element, chain, main = item.element, item.chain, rules.main
    by_tag, by_shape = _sibling_counts(element, siblings)
    below_main = chain.index(main) if place.inside and main is not None else 0
    outside = main is not None and not place.inside
    features = (
        1.0,
        1.0 if main is not None else 0.0,
        1.0 if place.inside else 0.0,
        1.0 if outside and item.start < place.main_span[0] else 0.0,
        1.0 if outside and item.start > place.main_span[1] else 0.0,
        item.link_share,
        _log1p(below_main),
        _log1p(len(chain)),
        _log1p(by_tag.get(element.tag, 1) - 1),
        _log1p(by_shape.get((element.tag, element.get("class", "")), 1) - 1),
        1.0 if element.tag in HEADINGS else 0.0,
        1.0 if element.tag == "li" else 0.0,
        1.0 if any(node.tag in ("td", "th") for node in chain) else 0.0,
        1.0 if rules.in_furniture_container(chain, None) else 0.0,
        1.0 if rules.in_card(chain) else 0.0,
        0.0,
        position,
        1.0 if place.dropped_around[0] else 0.0,
        1.0 if place.dropped_around[1] else 0.0,
    )
    return BlockStructure(features, _tokens(chain))


def _sibling_counts(
    element: HtmlElement, seen: dict[HtmlElement, tuple[dict[str, int], dict[tuple[str, str], int]]]
) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """How many children of the element's parent share its tag, and its tag and class (a repeated
    item shape: a list of teasers, a row of cards), counted once per parent."""
    parent = element.getparent()
    if parent is None:
        return {}, {}
    counts = seen.get(parent)
    if counts is None:
        by_tag: dict[str, int] = {}
        by_shape: dict[tuple[str, str], int] = {}
        for child in parent:
            if isinstance(child.tag, str):
                by_tag[child.tag] = by_tag.get(child.tag, 0) + 1
                shape = (child.tag, child.get("class", ""))
                by_shape[shape] = by_shape.get(shape, 0) + 1
        counts = seen[parent] = (by_tag, by_shape)
    return counts


def _tokens(chain: tuple[HtmlElement, ...]) -> tuple[str, ...]:
    tags = [str(node.tag) for node in chain[:PATH_TAGS]]
    found = [f"t{level}:{tag}" for level, tag in enumerate(tags)]
    found += ["path:" + "<".join(tags[:2]), "path:" + "<".join(tags)]
    for level, node in enumerate(chain[:NAME_LEVELS]):
        # words with a digit are generated names (CSS-in-JS "evys1bk0", ids "post-1234"): no meaning
        words = [word.lower() for word in _NAME_WORD.findall(_names(node)) if not _DIGIT.search(word)]
        found += [f"c{min(level, 1)}:{word}" for word in words[:NAME_WORDS_PER_ELEMENT]]
    return tuple(dict.fromkeys(found))  # each token once, in order


def _log1p(value: float) -> float:
    return math.log1p(value)
