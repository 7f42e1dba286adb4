"""Issue 27, HTML CPU (second pass): the elements of a few tags gathered in one walk of the page
(page_tags.PageTags) give each reader what its own walk gave; the byline readers' cheaper ways
(a long text proven too long without decoding it, prefixes tried by the line's first character,
a class read once) give what the code before gave, kept here as the reference. The whole
cleaner's outputs, old code against new, are compared by bench/check_identical.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.html import HtmlElement, fromstring

from pipeline.clean.bylines import load_byline_words
from pipeline.clean.html import metadata, page_type
from pipeline.clean.html.extract import _captions, parse_html
from pipeline.clean.html.page_tags import TAGS, PageTags, document_elements, elements
from pipeline.clean.html.page_type import Extracted

from .test_html_cpu import GENERATOR_AND_NEXT, edge_case_page, pages_of, trees

# A page whose parse keeps what the page parser drops (comments, processing instructions) and
# nests the tags, and a fragment whose tree is not the document's root.
ODD_TREE = (
    "<html><head><title>One</title><!-- c --><meta name=a content=b><?pi x?><link rel=next></head>"
    "<body><h1>Head <a href=/x>line</a><h1>inner</h1></h1><figure><figcaption>Cap</figcaption>"
    "<figure><figcaption>Inner</figcaption></figure></figure><svg><title>icon</title></svg>"
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "One"}</script></body></html>'
)


def every_tree(kind: str, subtrees: bool = True) -> Iterator[tuple[str, HtmlElement]]:
    """The pages' trees, the odd tree and (`subtrees`) trees that are not the document's root
    (htmldate, which the metadata calls, reads only whole documents)."""
    yield from trees(kind)
    odd = fromstring(ODD_TREE)
    yield "odd", odd
    for tag in ("body", "head", "h1", "figure", "svg") if subtrees else ():
        yield f"odd <{tag}>", next(odd.iter(tag))
    generator, _ = parse_html(GENERATOR_AND_NEXT)
    assert generator is not None
    yield "generator and next", generator


@pytest.mark.parametrize("kind", ["hand", "real"])
def test_one_walk_gives_each_tags_elements_in_page_order(kind: str) -> None:
    for name, tree in every_tree(kind):
        tags = PageTags(tree)
        assert tags.whole_document == (tree is tree.getroottree().getroot()), name
        for tag in TAGS:
            assert tags.of(tag) == list(tree.iter(tag)), (name, tag)
            assert list(elements(tree, tag, tags)) == list(tree.iter(tag)), (name, tag)
            assert list(document_elements(tree, tag, tags)) == list(tree.getroottree().iter(tag)), (name, tag)


def test_another_trees_walk_is_not_used() -> None:
    """Handed the walk of another tree (a subtree of it, or the page around it), a reader walks its own."""
    page = fromstring(ODD_TREE)
    body = next(page.iter("body"))
    for tree, walked in ((body, PageTags(page)), (page, PageTags(body))):
        for tag in TAGS:
            assert list(elements(tree, tag, walked)) == list(tree.iter(tag))
            assert list(document_elements(tree, tag, walked)) == list(tree.getroottree().iter(tag))


@pytest.mark.parametrize("kind", ["hand", "real"])
def test_first_title_is_find(kind: str) -> None:
    for name, tree in every_tree(kind):
        for tags in (PageTags(tree), None):
            assert page_type._first_title(tree, tags) is tree.find(".//title"), name
    title = next(fromstring(ODD_TREE).iter("title"))
    assert page_type._first_title(title, PageTags(title)) is None  # the tree itself is not below it


@pytest.mark.parametrize("kind", ["hand", "real"])
def test_the_readers_read_the_same_from_the_one_walk(kind: str) -> None:
    """The metadata, the captions, the JSON-LD and the page-type features of each page with the
    one walk are what each reader's own walks gave."""
    words = load_byline_words()
    for name, tree in every_tree(kind, subtrees=False):
        tags = PageTags(tree)
        scripts = metadata.json_ld_scripts(tree)
        assert repr(metadata.json_ld_scripts(tree, tags)) == repr(scripts), name
        own = metadata.read_metadata(tree, "2026-01-01", words=words, scripts=metadata.json_ld_scripts(tree))
        walked = metadata.read_metadata(tree, "2026-01-01", words=words, scripts=scripts, tags=tags)
        assert walked == own, name
        assert metadata.meta_map(tree, tags) == metadata.meta_map(tree), name
        assert _captions(tree, tags) == _captions(tree), name
        extracted = Extracted(["A block of text", "another"], own.url, bool(own.title), True, False, own.title or "")
        assert page_type.page_features(tree, extracted, scripts, tags) == page_type.page_features(tree, extracted), name


# --- the byline readers ---------------------------------------------------------------------------

TEXT_PIECES = [" ", "\n", "\t", "\xa0", "By", "Jane", "Roe", "x" * 40, "&amp;", "&amp;amp;", "&#32;", "&nbsp;",
               "&#x41;", "&", ";", "é", "ß"]  # fmt: skip


@given(st.lists(st.sampled_from(TEXT_PIECES), max_size=80), st.sampled_from([0, 1, 5, 80, 120]))
@settings(max_examples=600, deadline=None)
def test_short_decoded_is_decoded_when_short(pieces: list[str], limit: int) -> None:
    raw = "".join(pieces)
    text = metadata.decoded(raw)
    assert metadata._short_decoded(raw, limit) == (text if text and len(text) <= limit else None)


@pytest.mark.parametrize(
    "raw",
    [
        " " * 5000 + "By Jane Roe",  # long, all of its beginning spaces: decoded whole
        "word " * 400,  # long, proven so on its beginning
        "&#65;" * 40,  # long, but references: decoded whole (40 characters)
        "By Jane Roe" + " " * 2000 + "&amp;",  # a reference after the beginning: decoded whole
        "\n".join(["By Jane Roe"] * 3),
    ],
)
@pytest.mark.parametrize("limit", [80, 120])
def test_short_decoded_on_long_texts(raw: str, limit: int) -> None:
    text = metadata.decoded(raw)
    assert metadata._short_decoded(raw, limit) == (text if text and len(text) <= limit else None)


def reference_prefixed_bylines(shown: list[HtmlElement], prefixes: tuple[str, ...]) -> Iterator[str]:
    """metadata._prefixed_bylines as it was before issue 27's second HTML pass (with issue 24 round
    4's rule since: no byline inside a comment thread)."""
    texts = metadata._Texts()
    for tag in metadata._of(shown, *metadata._LINE_TAGS):
        text = metadata.decoded(texts(tag))
        if not text or len(text) > metadata._MAX_PREFIXED_CHARS:
            continue
        folded = text.casefold().rstrip(" :")
        if folded in prefixes:
            following = tag.getnext()
            name = metadata.decoded(texts(following)) if following is not None else None
            if name and len(name) <= metadata._MAX_PREFIXED_CHARS:
                yield name
                return
            continue
        for prefix in prefixes:
            rest = text[len(prefix) :].lstrip(" :")
            if folded.startswith(prefix + " ") or folded.startswith(prefix + ":"):
                if rest[:1].isupper() and not metadata._in_comment_thread(tag):
                    yield ", ".join(metadata._byline_pieces(tag))
                    return


def reference_marked_bylines(shown: list[HtmlElement]) -> Iterator[str]:
    """metadata._marked_bylines as it was before issue 27's second HTML pass (with issue 24 round
    4's rule since: no byline inside a comment thread)."""
    found = 0
    for tag in shown:
        marked = (
            "author" in tag.get("rel", "").split()
            or tag.get("itemprop") == "author"
            or (
                metadata._BYLINE_CLASS.search(tag.get("class", ""))
                and not metadata._BYLINE_SKIP_CLASS.search(tag.get("class", ""))
            )
            or metadata._AUTHOR_NAME_CLASS.search(tag.get("class", ""))
        )
        text = metadata.decoded(metadata.text_of(tag)) if marked and not metadata._in_comment_thread(tag) else None
        if text and len(text) <= metadata._MAX_BYLINE_CHARS:
            found += 1
            yield ", ".join(metadata._byline_pieces(tag))
            if found == 2:
                return


BYLINE_PAGE = (
    "<html><body><div><p>Intro text that runs on.</p>"
    '<span class="Author-Box">Box</span><span class="author-bio">Bio</span><i class="">x</i>'
    "<div>by</div><div>lowercase name</div><p>Von: Karl Beispiel</p><p>BY JANE ROE</p>"
    "<p>: colon</p><p>Written by Ann Lee</p></div></body></html>"
)
PREFIX_SETS = [
    ("by", "von", "written by", "par"),
    ("von", "by"),
    ("", "by"),  # an empty prefix: every line opens with it
    ("b", "by", "written by"),
    ("written by",),
    (),
]


@pytest.mark.parametrize("prefixes", PREFIX_SETS, ids=repr)
@pytest.mark.parametrize("kind", ["hand", "real", "bylines"])
def test_bylines_are_those_of_the_code_before(kind: str, prefixes: tuple[str, ...]) -> None:
    found = [("bylines", fromstring(BYLINE_PAGE))] if kind == "bylines" else list(every_tree(kind))
    for name, tree in found:
        shown, outside_forms = metadata._shown(tree)
        assert list(metadata._prefixed_bylines(outside_forms, prefixes)) == list(
            reference_prefixed_bylines(outside_forms, prefixes)
        ), name
        assert list(metadata._marked_bylines(shown)) == list(reference_marked_bylines(shown)), name


PREFIX_PIECES = ["by", "b", "von", "v", "", "written by", "w", "é", "ß", "ss"]
LINE_PIECES = ["By", "by", " ", ":", "Jane", "jane", "Von", "Written", "É", "SS", "ß", "x"]


@given(st.lists(st.sampled_from(PREFIX_PIECES), max_size=5), st.lists(st.sampled_from(LINE_PIECES), max_size=6))
@settings(max_examples=500, deadline=None)
def test_prefixes_by_first_character_find_the_same_prefix(prefixes: list[str], pieces: list[str]) -> None:
    """The first prefix a line opens with (and a capital after it) is the same whether all the
    prefixes are tried or those under the line's first character."""
    markup = "<html><body><p>" + "".join(pieces).replace("<", "") + "</p><p>Name Here</p></body></html>"
    tree = fromstring(markup)
    shown = metadata._shown(tree)[1]
    wanted = tuple(prefixes)
    assert list(metadata._prefixed_bylines(shown, wanted)) == list(reference_prefixed_bylines(shown, wanted))


def test_the_edge_case_page_reads_the_same_authors_with_one_walk() -> None:
    tree, _ = parse_html(edge_case_page())
    assert tree is not None
    found = metadata.read_metadata(tree, tags=PageTags(tree))
    assert found.authors == ["Mara Lindqvist"]
    assert found == metadata.read_metadata(tree)


def test_real_pages_skip_without_shared() -> None:
    """(the 'real' cases above skip when ../shared is absent; the hand pages always run)"""
    assert pages_of("hand")
