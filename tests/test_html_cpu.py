"""Issue 23, cleaning CPU of an HTML page: the cheaper ways of computing the same things give the
same results as the ways they replace (kept here as the reference), on hand-made pages, our golden
pages and, when ../shared is present, real pages. The whole cleaner's outputs, old code against
new, are compared by bench/same_outputs.py; the CPU is measured by bench/bench_html.py --against."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml.html import HtmlElement, fromstring

from pipeline.clean.bylines import load_byline_words
from pipeline.clean.html import metadata, page_type
from pipeline.clean.html.blocks import text_of
from pipeline.clean.html.extract import extract_html, parse_html
from pipeline.clean.html.page_type import Extracted, accessible_for_free, page_features

from .conftest import FIXTURES, SHARED
from .page_type_pages import ARTICLES, NON_ARTICLES, ld, page, paragraph

# The price pattern as it was: the count of its findall is what _prices must give.
REFERENCE_PRICE = re.compile(r"(?:[$€£¥₹]\s?\d|\d(?:[.,]\d\d)?\s?(?:[$€£¥₹]|EUR|USD|GBP|zł|kr)\b)")
PIECES = ["$", "€", "£", "¥", "₹", "EUR", "USD", "GBP", "zł", "kr", "5", "12", ".", ",", "99", " ", "\n", "a",
          "x" * 120, "1" * 40, "Ekr", "zk"]  # fmt: skip


def edge_case_page() -> str:
    """JSON-LD an author reference resolves in (the metadata rewrites it in the shared parse), a
    broken script, one typed in capitals (the page-type features read it, the metadata does not),
    a paywall flag; a byline in a form (not read) and one outside; nested forms; prices."""
    graph = {"@graph": [
        {"@type": "NewsArticle", "headline": "Ferry fares rise", "author": {"@id": "#mara"},
         "isAccessibleForFree": "False", "articleBody": paragraph(1), "mainEntityOfPage": {"@type": "WebPage"}},
        {"@id": "#mara", "@type": "Person", "name": "Mara Lindqvist"},
    ]}  # fmt: skip
    head = (
        ld(graph)
        + '<script type="application/ld+json">{"@type": "Product", broken</script>'
        + '<script type="Application/LD+JSON">{"@type": "ItemList", "author": "Not Read"}</script>'
    )
    body = (
        '<form><div class="byline">By Kim Form</div><form><p>inner</p></form></form>'
        '<h1>Ferry fares rise</h1><p class="author">By Jo Harbour</p>'
        f"<article><p>{paragraph(2)} Tickets cost $ 5 or 4.50 € or 12 EUR, not 7kr.</p>"
        f"<ul>{''.join(f'<li><a href=/t{i}>Teaser {i}</a></li>' for i in range(6))}</ul></article>"
    )
    return page("Ferry fares rise | Courier", body, head, url="https://courier.example/2024/05/06/ferry")


def hand_pages() -> dict[str, str]:
    pages = {name: build() for name, build in {**ARTICLES, **NON_ARTICLES}.items()}
    pages["edge cases"] = edge_case_page()
    for path in sorted((FIXTURES / "golden").glob("*.html")):
        pages[path.name] = path.read_text(encoding="utf-8")
    return pages


def real_pages(limit: int = 40) -> dict[str, str]:
    """The first scrapinghub pages when ../shared is present (none otherwise: the test skips)."""
    folder = SHARED / "eval" / "scrapinghub"
    return {p.name: p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.html"))[:limit]}


PAGES = hand_pages()


def pages_of(kind: str) -> dict[str, str]:
    if kind == "hand":
        return PAGES
    found = real_pages()
    if not found:
        pytest.skip("../shared/eval/scrapinghub is not present")
    return found


def trees(kind: str) -> Iterator[tuple[str, HtmlElement]]:
    for name, html in pages_of(kind).items():
        tree, _ = parse_html(html)
        assert tree is not None
        yield name, tree


@given(st.lists(st.sampled_from(PIECES), max_size=60))
@settings(max_examples=400, deadline=None)
def test_prices_count_as_the_reference_pattern_found_them(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert page_type._prices(text) == len(REFERENCE_PRICE.findall(text))


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("1.99 €x", 1),  # the mark five characters after the price's start
        ("x" * 300 + " 1.99 $a and 2.50 € ", 1),  # sparse marks; a symbol mark needs a word after it
        ("$$5", 1),
        ("5$5", 1),
        ("12 EUR " * 3, 3),
        ("€ 5" + "y" * 500 + "3.20\nkr", 2),
        ("12EURO", 0),
        ("3zł", 1),
        ("$1 " * 50, 50),  # dense marks: one scan of the whole text
    ],
)
def test_prices_at_the_reach_and_on_both_paths(text: str, count: int) -> None:
    assert page_type._prices(text) == len(REFERENCE_PRICE.findall(text)) == count


@pytest.mark.parametrize("kind", ["hand", "real"])
def test_memoized_texts_are_text_of(kind: str) -> None:
    for name, tree in trees(kind):
        texts = metadata._Texts()
        for element in tree.iter():
            assert texts(element) == text_of(element), name


@pytest.mark.parametrize("kind", ["hand", "real"])
def test_texts_without_an_iterator_are_itertext_for_counting(kind: str) -> None:
    """An element without children gives its text alone (a comment or a processing instruction
    is a child); empty texts left out change no word count."""
    for name, tree in trees(kind):
        for element in tree.iter():
            assert list(page_type._texts(element)) == [t for t in element.itertext() if t], name


def test_a_comment_is_a_child_for_the_texts() -> None:
    """(trafilatura's loader drops comments; a tree parsed otherwise keeps them)"""
    paragraph = fromstring("<div><p>one<!-- c -->two<?pi x?>three</p></div>").find("p")
    assert list(page_type._texts(paragraph)) == ["one", "two", "three"]


def reference_outside_forms(shown: list[HtmlElement]) -> list[HtmlElement]:
    return [tag for tag in shown if tag.tag != "form" and not any(a.tag == "form" for a in tag.iterancestors())]


def reference_shown(tree: HtmlElement) -> Iterator[HtmlElement]:
    stack = [tree]
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str) or element.tag in metadata._NOT_SHOWN:
            continue
        yield element
        stack.extend(reversed(element))


@pytest.mark.parametrize("kind", ["hand", "real"])
def test_one_walk_gives_the_shown_elements_and_those_outside_forms(kind: str) -> None:
    for name, tree in trees(kind):
        shown, outside_forms = metadata._shown(tree)
        assert shown == list(reference_shown(tree)), name
        assert outside_forms == reference_outside_forms(shown), name


def test_the_edge_case_page_reads_a_byline_outside_forms_only() -> None:
    tree, _ = parse_html(edge_case_page())
    assert tree is not None
    shown, outside_forms = metadata._shown(tree)
    in_forms = [text_of(e) for e in shown if e not in outside_forms and e.tag != "form"]
    assert in_forms == ["By Kim Form", "inner"]
    assert extract_html(edge_case_page()).authors == ["Mara Lindqvist"]


def reference_card_runs(elements: Iterable[HtmlElement], holding_links: set[HtmlElement]) -> int:
    best = 0
    for element in elements:
        if element not in holding_links:
            continue
        children = [c for c in element if isinstance(c.tag, str)]
        if len(children) < 3:
            continue
        shapes = Counter((c.tag, c.get("class") or "") for c in children if c.tag == "a" or c in holding_links)
        if shapes:
            best = max(best, shapes.most_common(1)[0][1])
    return best


@pytest.mark.parametrize("kind", ["hand", "real"])
def test_card_runs_skip_only_what_cannot_beat_the_best(kind: str) -> None:
    for name, tree in trees(kind):
        elements, tags, _ = page_type._visible(tree)
        assert tags == [e.tag for e in elements], name
        holding = page_type._holding_links(e for e in elements if e.tag == "a")
        assert page_type._card_runs(elements, holding) == reference_card_runs(elements, holding), name


@pytest.mark.parametrize("kind", ["hand", "real"])
def test_json_ld_parsed_once_gives_the_same_features_and_paywall_flag(kind: str) -> None:
    """The metadata resolves author references in the shared parse before the page-type features
    read it: the features and the paywall flag are those of a fresh parse of a fresh tree."""
    for name, html in pages_of(kind).items():
        content = extract_html(html)
        if content.page_features is None:
            continue
        fresh, _ = parse_html(html)
        assert fresh is not None
        extracted = Extracted(content.blocks, content.url, bool(content.title), bool(content.published),
                              bool(content.authors or content.agencies), content.title or "")  # fmt: skip
        assert content.page_features == page_features(fresh, extracted), name
        assert content.free == accessible_for_free(fresh), name


def test_the_shared_parse_keeps_what_each_reader_skipped() -> None:
    tree, _ = parse_html(edge_case_page())
    assert tree is not None
    scripts = metadata.json_ld_scripts(tree)
    assert [(s.exact_type, s.error is None) for s in scripts] == [(True, True), (True, False), (False, True)]
    assert [node.get("headline") for node in metadata.json_ld_articles(tree, scripts)] == ["Ferry fares rise"]
    assert page_type.accessible_for_free(tree, scripts) is False
    # the metadata resolved the reference in the shared data; the features never read an author
    assert scripts[0].data["@graph"][0]["author"] == [{"@id": "#mara", "@type": "Person", "name": "Mara Lindqvist"}]


def test_a_recursion_error_still_reaches_the_metadata_as_before() -> None:
    """json.loads raising RecursionError on deep JSON-LD: the page-type features skipped it, the
    metadata raised it; parsing once keeps both."""
    deep = "[" * 100_000 + "]" * 100_000
    tree, _ = parse_html(page("Deep", "<p>text</p>", f'<script type="application/ld+json">{deep}</script>'))
    assert tree is not None
    scripts = metadata.json_ld_scripts(tree)
    assert isinstance(scripts[0].error, RecursionError)
    assert page_type._structured(scripts) == page_type._structured([])
    with pytest.raises(RecursionError):
        metadata.json_ld_articles(tree, scripts)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_features_are_those_of_the_code_before(name: str) -> None:
    """tests/fixtures/page_features.json: the feature rows of these pages as main computed them
    before the speed-up (d933b68), written exactly (JSON keeps a float's every bit). A change
    that means to move a feature rewrites the file and retrains the model."""
    expected = json.loads((FIXTURES / "page_features.json").read_text(encoding="utf-8"))
    assert extract_html(PAGES[name]).page_features == expected[name]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_cleaners_byline_words_read_the_same_authors(name: str) -> None:
    html = PAGES[name]
    assert extract_html(html, byline_words=load_byline_words()) == extract_html(html)


# Issue 27 (HTML CPU against trafilatura alone): the XPaths the generator and rel=next features
# were read with, kept as the reference of their replacements.
REFERENCE_GENERATOR = etree.XPath(
    "//meta[translate(@name, 'GENERATOR', 'generator') = 'generator']/@content", smart_strings=False
)
REFERENCE_REL_NEXT = etree.XPath(
    "boolean(//link[contains(translate(@rel, 'NEXT', 'next'), 'next')]"
    " | //a[contains(translate(@rel, 'NEXT', 'next'), 'next')])"
)
GENERATOR_AND_NEXT = page(
    "Odd markup",
    '<a rel="NoFollow NEXT">on</a><div><a rel="nofollow">x</a><a>y</a></div><link rel="Nexty">',
    '<meta name="GENERATOR" content="WordPress 6.4"><meta name="Generator"><meta name="generatorx" content="no">'
    '<meta name="gEnErAtOr" content="Hugo 0.1"><meta content="Sphinx" name="generator">'
    '<meta name=generator content="">',
)


@pytest.mark.parametrize("kind", ["hand", "real"])
def test_generator_and_rel_next_are_the_xpaths(kind: str) -> None:
    found = dict(trees(kind))
    odd, _ = parse_html(GENERATOR_AND_NEXT)
    assert odd is not None
    found["odd"] = odd
    for name, tree in found.items():
        assert page_type._generators(tree) == REFERENCE_GENERATOR(tree), name
        assert page_type._rel_next(tree) == REFERENCE_REL_NEXT(tree), name
    assert page_type._generators(odd) == ["WordPress 6.4", "Hugo 0.1", "Sphinx", ""]
    assert page_type._rel_next(odd)


@given(
    st.lists(st.sampled_from(["", "next", "NEXT", "Next", "nExT", "nofollow", " ", "prev", "ne", "xt"]), max_size=4),
    st.lists(st.sampled_from(["generator", "GENERATOR", "Generator", "generators", "gen", "", "author"]), max_size=4),
)
@settings(max_examples=200, deadline=None)
def test_generator_and_rel_next_on_any_values(rels: list[str], names: list[str]) -> None:
    links = "".join(f'<a rel="{rel}">x</a>' for rel in rels)
    metas = "".join(f'<meta name="{name}" content="c{number}">' for number, name in enumerate(names))
    tree, _ = parse_html(page("Any", f"<p>{links}</p>", metas))
    assert tree is not None
    assert page_type._generators(tree) == REFERENCE_GENERATOR(tree)
    assert page_type._rel_next(tree) == REFERENCE_REL_NEXT(tree)
