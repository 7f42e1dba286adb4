"""Issue 27, HTML cleaning CPU: the page is parsed by our own copy of trafilatura's loader, with a
parser whose element classes come from a lookup in C. The tree must be the one trafilatura's
load_html builds (same markup, same element classes, same refusals), so that trafilatura, htmldate
and our readers see the page as before."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml.html import (
    FormElement,
    HtmlElement,
    HtmlElementClassLookup,
    InputElement,
    LabelElement,
    SelectElement,
    TextareaElement,
)
from trafilatura import load_html
from trafilatura.utils import repair_faulty_html

from pipeline.clean.html import extract

from .conftest import FIXTURES, SHARED
from .page_type_pages import ARTICLES, NON_ARTICLES

FORM = (
    "<html><body><form action='/s'><label for='q'>Search</label><input id='q' name='q'>"
    "<select name='s'><option>a</option></select><textarea name='t'>x</textarea></form><p>text</p></body></html>"
)
ODD_PAGES = {
    "forms": FORM,
    "doctype with a slash": '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x/y">\n<html><p>a</p></html>',
    "self-closing html": "<!doctype html>\n<html lang='en'/>\n<body><p>text</p></body>",
    "control characters": "<html><body><p>a\x00b\x0bc\x1f d\ufffe e\uffff</p></body></html>",
    "encoding declared": '<?xml version="1.0" encoding="utf-8"?><html><body><p>é</p></body></html>',
    "a fragment": "<p>only a paragraph</p>",
    "two fragments": "<p>one</p><div>two</div>",
    "nothing": "   ",
    "a comment only": "<!-- x -->",
    "upper-case tags": "<HTML><BODY><FORM><INPUT NAME=q></FORM><P>Text</P></BODY></HTML>",
}


def same_tree(html: str) -> None:
    theirs, ours = load_html(html), extract._load_page(html)
    assert (ours is None) == (theirs is None)
    if ours is not None and theirs is not None:
        assert etree.tostring(ours, encoding="unicode") == etree.tostring(theirs, encoding="unicode")
        assert [type(element) for element in ours.iter()] == [type(element) for element in theirs.iter()]


@pytest.mark.parametrize("name", sorted(ODD_PAGES))
def test_odd_pages_load_as_trafilatura_loads_them(name: str) -> None:
    same_tree(ODD_PAGES[name])


@pytest.mark.parametrize("name", sorted({**ARTICLES, **NON_ARTICLES}))
def test_hand_made_pages_load_as_trafilatura_loads_them(name: str) -> None:
    same_tree({**ARTICLES, **NON_ARTICLES}[name]())


@pytest.mark.parametrize("path", sorted((FIXTURES / "golden").glob("*.html")), ids=lambda path: path.name)
def test_golden_pages_load_as_trafilatura_loads_them(path: Path) -> None:
    same_tree(path.read_text(encoding="utf-8"))


def test_real_pages_load_as_trafilatura_loads_them() -> None:
    pages = sorted((SHARED / "eval" / "scrapinghub").glob("*.html"))
    if not pages:
        pytest.skip("../shared/eval/scrapinghub is not present")
    for path in pages:
        same_tree(path.read_text(encoding="utf-8", errors="replace"))


@given(
    st.lists(
        st.sampled_from(
            [
                "<html>",
                "<p>",
                "</p>",
                "<form>",
                "<input>",
                "x",
                "\x00",
                "<!doctype html/>",
                "<html/>",
                "\n",
                "é",
                "<body>",
                "<label>",
                "<?xml encoding='utf-8'?>",
            ]
        ),
        max_size=20,
    )
)
@settings(max_examples=300, deadline=None)
def test_any_markup_loads_as_trafilatura_loads_it(pieces: list[str]) -> None:
    same_tree("".join(pieces))


def test_form_elements_keep_their_lxml_html_classes() -> None:
    """The lookup in C gives each tag lxml.html's class: a reader calling a form's or an input's
    own methods meets them as before."""
    tree = extract._load_page(FORM)
    assert tree is not None
    classes = {element.tag: type(element) for element in tree.iter()}
    assert classes["form"] is FormElement
    assert classes["input"] is InputElement
    assert classes["select"] is SelectElement
    assert classes["textarea"] is TextareaElement
    assert classes["label"] is LabelElement
    assert classes["p"] is HtmlElement
    assert tree.forms[0].inputs["q"].name == "q"


def test_the_lookup_runs_in_c() -> None:
    """No Python call per element (the point of the parser); trafilatura's parser makes them, so
    the count can fail."""
    calls: list[str] = []
    original = HtmlElementClassLookup.lookup

    def counted(self: object, node_type: str, document: object, namespace: str | None, name: str) -> object:
        calls.append(name)
        return original(self, node_type, document, namespace, name)

    HtmlElementClassLookup.lookup = counted
    try:
        ours = extract._load_page(FORM)
        assert ours is not None and len(list(ours.iter())) > 5
        assert calls == []
        theirs = load_html(FORM)
        assert theirs is not None and len(list(theirs.iter())) > 5
        assert len(calls) > 5
    finally:
        HtmlElementClassLookup.lookup = original


REPAIR_PIECES = ["<!DOCTYPE html/>", "<!doctype html>", "< ! DOCTYPE x/y>", "<html", "<html lang='en'/>", "/>", ">",
                 "\n", "\r\n", "\x00", "\x08", "\x0b", "\x0c", "\x1f", "\t", "\r", "\ufffe", "\uffff", "\ud800", "é",
                 "x" * 50, "<body>", "html", "€"]  # fmt: skip


@given(st.lists(st.sampled_from(REPAIR_PIECES), max_size=30))
@settings(max_examples=500, deadline=None)
def test_the_repair_is_trafilaturas(pieces: list[str]) -> None:
    html = "".join(pieces)
    beginning = html[:50].lower()
    assert extract._repaired(html, beginning) == repair_faulty_html(html, beginning)


@pytest.mark.parametrize(
    "html",
    [
        "<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML//EN' 'x/y'>\n<html>",  # the doctype's slash
        "<!doctype html>\n<html lang='en'/>\n<p>a</p>",  # a self-closing html in the first lines
        "\n\n\n\n<html/>",  # ... not after the fourth line
        "<p>a\x00b</p><!doctype x/y>",  # a control character: trafilatura's own repair
        "<p>\ufffe</p>",
        "<html>\x7f\x80 é \ud800</html>",  # not control characters it deletes
    ],
)
def test_the_repair_of_each_shape_is_trafilaturas(html: str) -> None:
    beginning = html[:50].lower()
    assert extract._repaired(html, beginning) == repair_faulty_html(html, beginning)


def test_a_refused_fragment_is_refused_without_an_error_logged(caplog: pytest.LogCaptureFixture) -> None:
    """One of the reasons _load_page copies load_html rather than calling it: load_html logs every
    page it refuses as an error, and a JSONL record's fragment is refused every time (parse_html
    then reads it as a body)."""
    fragment = ODD_PAGES["a fragment"]
    with caplog.at_level(logging.DEBUG):
        assert load_html(fragment) is None
    assert [record.levelno for record in caplog.records] == [logging.ERROR]
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        assert extract._load_page(fragment) is None
    assert not caplog.records
