"""HTML pages: one lxml parse; metadata from JSON-LD / OpenGraph / <meta>, figure captions and the
body (trafilatura on the same tree, else the page's article container)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlElementClassLookup,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    document_fromstring,
)
from lxml.html import fromstring as lxml_fromstring

from pipeline.clean.bylines import BylineWords
from pipeline.clean.html import date_candidates
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
from pipeline.clean.html.page_tags import PageTags, elements
from pipeline.clean.html.page_type import Extracted, accessible_for_free, page_features
from pipeline.core.document import BlockStructure
from pipeline.core.settings import SHIPPED, DatesSettings, HtmlSettings
from pipeline.core.text import squash_spaces

_CREDIT_CLASS = re.compile(r"credit|byline|copyright|source", re.I)
_CREDIT_LABEL = re.compile(r"^(?:photo(?:graph)?|image|picture|credit)s?\s*(?::|by)\s*", re.I)
# For markup trafilatura's loader refuses (a fragment such as "<p>text</p>" in a JSONL record).
_FRAGMENT_PARSER = HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)


def _page_parser() -> HTMLParser:
    """trafilatura's HTML parser (its utils.HTML_PARSER: the same settings), whose elements get
    the same classes as lxml.html gives them (HtmlElement; FormElement, InputElement... by tag)
    from a lookup that runs in C. lxml.html's own lookup is a Python method called for every
    element object lxml makes — ours as we walk the page, and every one trafilatura and htmldate
    make as they walk their copies of it (which share the parser): ~2,700 calls a page, ~5 % of
    an HTML page's clean. The tag names of an HTML parse are lower case already, so the exact
    name lookup gives what lxml.html's lower-casing one does."""
    by_name = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
        )
    )
    classes = by_name.get_namespace(None)
    for name, element_class in HtmlElementClassLookup._default_element_classes.items():
        classes[name] = element_class
    parser = HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    parser.set_element_class_lookup(by_name)
    return parser


_PAGE_PARSER = _page_parser()


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
    tags = PageTags(tree)  # one walk for the elements of a few tags, which several readers look up
    scripts = json_ld_scripts(tree, tags)  # read by the metadata, the page-type features and the paywall flag
    _read_metadata(tree, content, latest, dates, byline_words, scripts, tags)
    content.captions = _captions(tree, tags)
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
        content.page_features = page_features(tree, extracted, scripts, tags)
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
    tree = _load_page(html)
    if tree is not None:
        return tree, True
    try:
        return document_fromstring(html, parser=_FRAGMENT_PARSER), False
    except (ValueError, TypeError):  # lxml.etree.ParserError is a ValueError: nothing to parse
        return None, False


def _load_page(html: str) -> HtmlElement | None:
    """trafilatura.load_html(html) for a str: its repairs, its parse of the text (of the UTF-8 bytes
    when lxml refuses the text or finds no element in it) and its refusal of a page that does not
    say html and parses to one element. A copy of trafilatura 2.3.1's utils.load_html (its str path:
    decode_file returns a str as it is), which cannot be called for two reasons of ours: it parses
    with its module's HTML_PARSER and takes no parser (ours, _PAGE_PARSER, has the same settings
    and element classes from a lookup in C), and it logs a refused page as an error, which a JSONL
    fragment is every time (parse_html then reads it as a body). Its own pieces are called where
    they serve: is_dubious_html, and repair_faulty_html (through _repaired). tests/test_html_page_parser.py
    holds it to load_html (same trees, classes and refusals)."""
    from trafilatura.utils import is_dubious_html  # imported lazily: only HTML input needs it

    beginning = html[:50].lower()
    html = _repaired(html, beginning)
    try:
        tree: HtmlElement | None = lxml_fromstring(html, parser=_PAGE_PARSER)
    # a ValueError ("Unicode strings with encoding declaration are not supported") or any other
    # failure of lxml (load_html logs it) leads to the bytes parse, as in load_html
    except Exception:  # noqa: BLE001
        tree = None
    if tree is None or len(tree) < 1:  # load_html's bytes parse, at most once either way
        tree = _from_bytes(html)
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None
    return tree


# The characters trafilatura's repair deletes (its INVALID_XML_CHARS) below U+0020: in UTF-8 each
# is that one byte, and no byte of another character is under 0x80.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def _repaired(html: str, beginning: str) -> str:
    """trafilatura.utils.repair_faulty_html(html, beginning) (trafilatura 2.3.1). Its first step, a
    regex deleting control characters and U+FFFE/U+FFFF, reads the whole page in the regex engine
    (0.4 ms for a 150 kB page) and changes nothing on nearly every page: repair_faulty_html itself
    runs only when a C-speed check finds one of them; otherwise its other two steps, copied as it
    writes them with its own patterns (DOCTYPE_TAG: a doctype with a slash; FAULTY_HTML: a
    self-closing <html/>), as they cannot be called without the first."""
    from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, repair_faulty_html

    if "\ufffe" in html or "\uffff" in html:
        return repair_faulty_html(html, beginning)
    encoded = html.encode("utf-8", "surrogatepass")
    if len(encoded.translate(None, _CONTROL_BYTES)) != len(encoded):
        return repair_faulty_html(html, beginning)
    if "doctype" in beginning:
        first_line, _, rest = html.partition("\n")
        html = DOCTYPE_TAG.sub("", first_line, count=1) + "\n" + rest
    for line in html[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", html, count=1)
    return html


def _from_bytes(html: str) -> HtmlElement | None:
    """trafilatura.utils.fromstring_bytes(html) with _PAGE_PARSER, without its error log."""
    try:
        return lxml_fromstring(html.encode("utf8", "surrogatepass"), parser=_PAGE_PARSER)
    except Exception:  # noqa: BLE001 -- as trafilatura.utils.fromstring_bytes: no tree
        return None


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


def _captions(tree: HtmlElement, tags: PageTags | None = None) -> list[tuple[str, str | None]]:
    """Each <figure>'s <figcaption> as (text, credit), the credit from an element whose class
    says credit/byline/copyright/source."""
    captions: list[tuple[str, str | None]] = []
    for figure in elements(tree, "figure", tags):
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
    tags: PageTags,
) -> None:
    choose_date = date_candidates.choose if dates.learned_choice else None  # issue 24: the learned choice
    found = read_metadata(tree, latest, dates, words, scripts, choose_date=choose_date, tags=tags)
    content.title, content.seo_title = found.title, found.seo_title
    content.published, content.updated = found.published, found.updated
    content.authors, content.agencies = found.authors, found.agencies
    content.section, content.url = found.section, found.url


def page_url(tree: HtmlElement) -> str | None:
    """The page's own URL, as the metadata pass reads it (the learn pass names sources by it too)."""
    return page_url_of(tree, json_ld_articles(tree), meta_map(tree))
