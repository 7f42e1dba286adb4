"""Issue 27, HTML CPU (third pass): the page-type features' cheaper scans of the page give what
the code before gave, kept here as the reference — the shown texts gathered in the walk, the
page's text from one XPath, class/id words counted once per different value, paragraphs too short
to be prose not counted. The whole feature rows of the hand-written pages are held to the code
before by tests/test_html_cpu.py (tests/fixtures/page_features.json); the whole cleaner's outputs
by bench/check_identical.py."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.html import HtmlElement, fromstring

from pipeline.clean.html import page_type

from .test_html_cpu import trees

REFERENCE_WORD = re.compile(r"\w+")
# A body whose parse keeps a comment, a processing instruction, a script and text outside any
# element of it (lxml.html's own parser, not the page parser: that one drops comments).
ODD_BODY = (
    "<html><body>lead <!-- note -->after<?pi x?>tail<script>var p = '$5';</script>"
    "<p>one <b>two</b> three</p>end</body></html>"
)


def reference_family_counts(names: list[str]) -> list[int]:
    """As the count was: one regex pass over the values joined, then a count per family word."""
    words = Counter(page_type._CLASS_TOKEN.findall(" ".join(names).lower()))
    return [sum(words[word] for word in family) for family in page_type._CLASS_FAMILIES.values()]


def reference_shown_text(elements: list[HtmlElement]) -> str:
    return "\n".join(t for e in elements for t in (e.text, e.tail) if t)


def reference_page_text(tree: HtmlElement) -> str:
    body = tree.find("body")
    return " ".join(body.itertext()) if body is not None else ""


def with_odd_body(kind: str) -> list[tuple[str, HtmlElement]]:
    return [*trees(kind), ("odd body", fromstring(ODD_BODY))]


@pytest.mark.parametrize("kind", ["hand", "real"])
def test_the_walk_gathers_the_shown_texts(kind: str) -> None:
    for name, tree in with_odd_body(kind):
        elements, tags, texts = page_type._visible(tree)
        assert tags == [e.tag for e in elements], name
        assert page_type._page(tree).shown_text == "\n".join(texts) == reference_shown_text(elements), name


@pytest.mark.parametrize("kind", ["hand", "real"])
def test_the_page_text_from_one_xpath_is_itertext(kind: str) -> None:
    for name, tree in with_odd_body(kind):
        assert page_type._page(tree).page_text == reference_page_text(tree), name


def test_the_odd_body_keeps_tails_and_scripts_and_leaves_out_comments() -> None:
    page = page_type._page(fromstring(ODD_BODY))
    assert page.page_text == "lead  after tail var p = '$5'; one  two  three end"
    assert "note" not in page.shown_text and "var p" not in page.shown_text


@pytest.mark.parametrize("kind", ["hand", "real"])
def test_class_words_counted_once_per_value_are_the_joined_count(kind: str) -> None:
    for name, tree in trees(kind):
        names = page_type._CLASS_OR_ID(tree)
        assert page_type._family_counts(names) == reference_family_counts(names), name


CLASS_PIECES = ["card", "Card", "CARDS", "post-card", "comment_reply", "item", "İtem", "ΣCART", "σς", "toc", "-",
                " ", "_", "9", "docs", "api2", "more", "Kelvin\u212a", "next prev", "", "x"]  # fmt: skip


@given(st.lists(st.lists(st.sampled_from(CLASS_PIECES), max_size=5).map("".join), max_size=30))
@settings(max_examples=300, deadline=None)
def test_class_words_on_any_values(names: list[str]) -> None:
    assert page_type._family_counts(names) == reference_family_counts(names)


def test_a_word_in_two_families_counts_in_both() -> None:
    """(_WORD_FAMILIES lists a word in every family that names it)"""
    shared = {w for w, places in page_type._WORD_FAMILIES.items() if len(places) > 1}
    names = sorted(shared) * 2 + ["topics list"]
    assert page_type._family_counts(names) == reference_family_counts(names)


@given(st.text(st.sampled_from("ab9_ .,-\u00e4\u00a0\u2019\n"), max_size=80))
@settings(max_examples=500, deadline=None)
def test_prose_words_are_the_count_whenever_it_is_prose(text: str) -> None:
    words = len(REFERENCE_WORD.findall(text))
    counted = page_type._prose_words(text)
    if words >= page_type._PROSE_WORDS:
        assert counted == words
    else:
        assert counted < page_type._PROSE_WORDS


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        (" ".join(["a"] * 20), 20),  # 39 characters: the shortest text of 20 words is counted
        (" ".join(["a"] * 19) + " ", 0),  # 39 characters, 19 words
        (" ".join(["a"] * 19), 0),  # 37 characters
        ("a." * 19 + "a", 20),  # separators need not be spaces
        ("ä\u00a0" * 20, 20),
    ],
)
def test_prose_words_at_the_shortest_prose(text: str, counted: int) -> None:
    assert page_type._prose_words(text) == counted
