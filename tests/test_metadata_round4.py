"""Issue 24, round 4: headline and byline shapes clean/html/metadata.py reads since (an <h1> holding
its date, byline or kicker beside the headline; a title's section label, host-shaped site name and
a JSON-LD headline cut short; the name an author page's path spells; an author box set aside beside
the headline inside its <article>; bylines inside comment threads). Each shape has a page that must
match it and one that must not; the pages are hand-written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.clean.html.extract import extract_html
from pipeline.clean.html.metadata import strip_site_name

BODY = "<p>The council voted on Tuesday to rebuild the old bridge over the river before next winter.</p>"
LONG_BODY = "".join(
    f"<p>Paragraph {n}: the council voted on Tuesday to rebuild the old bridge over the river, "
    "and the work is to start before next winter, the mayor said.</p>"
    for n in range(8)
)
HEADLINE = "Bridge to be rebuilt"
LONGER = "Harbour council votes to rebuild the old bridge before winter"


def page(head: str = "", body: str = "") -> str:
    return f"<!doctype html><html lang='en'><head>{head}</head><body>{body}{BODY}</body></html>"


def og_title(title: str) -> str:
    return f'<meta property="og:title" content="{title}">'


# --- the headline ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "heading", "title"),
    [
        # the date and byline set inside the <h1>, beside the headline
        (
            og_title(LONGER),
            f"<h1>{LONGER}<span class='date-info-title'><span class='posted-on'>Posted on "
            "<time datetime='2024-07-01'>July 1, 2024</time></span><span class='byline'> by Jane</span></span></h1>",
            LONGER,
        ),
        (
            og_title(HEADLINE),
            f"<h1><a href='/p'><time datetime='2025-12-18'>Dec 18 2025</time> {HEADLINE}</a></h1>",
            HEADLINE,
        ),
        # a kicker in its own element before the headline
        (og_title(f"{HEADLINE} | Harbour Times"), f"<h1><strong>Blog:</strong> {HEADLINE}</h1>", HEADLINE),
        (og_title(HEADLINE), f"<h1><span class='label'>Live updates:</span> {HEADLINE}</h1>", HEADLINE),
    ],
)
def test_heading_core_matches(head: str, heading: str, title: str) -> None:
    assert extract_html(page(head, heading)).title == title


@pytest.mark.parametrize(
    ("head", "heading", "title"),
    [
        # a date that is part of the headline's words: the metadata title says so
        (og_title("Sale ends Friday, May 2"), "<h1>Sale ends <time datetime='2025-05-02'>Friday, May 2</time></h1>",
         "Sale ends Friday, May 2"),
        # no metadata title to agree with: the <h1> as shown
        ("", f"<h1>{HEADLINE} <span class='byline'>by Jane Roe</span></h1>", f"{HEADLINE} by Jane Roe"),
        # a kicker the metadata title keeps is the headline's
        (og_title(f"Exclusive: {HEADLINE}"), f"<h1><b>Exclusive:</b> {HEADLINE}</h1>", f"Exclusive: {HEADLINE}"),
    ],
)  # fmt: skip
def test_heading_core_does_not_overreach(head: str, heading: str, title: str) -> None:
    assert extract_html(page(head, heading)).title == title


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # the URL's first folder is the section the title names after the headline
        (f'<title>{HEADLINE} | District</title><meta property="og:url" content="https://ht.example/district/343604">',
         HEADLINE),
        # the article's section
        (f'<title>Politics - {HEADLINE}</title><meta property="article:section" content="Politics">', HEADLINE),
        # a segment shaped like a host name, and the segment that is its first part
        (f"<title>Harbour Times | HarbourTimes.com - {HEADLINE}</title>", HEADLINE),
        (f"<title>{HEADLINE} – harbour-times.co.uk</title>", HEADLINE),
    ],
)  # fmt: skip
def test_title_labels_are_cut(head: str, title: str) -> None:
    assert extract_html(page(head)).title == title


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # a segment that is not the section the URL names stays
        (f'<title>{HEADLINE} | District</title><meta property="og:url" content="https://ht.example/news/343604">',
         f"{HEADLINE} | District"),
        # a folder of digits is no section
        (f'<title>{HEADLINE} | 123</title><meta property="og:url" content="https://ht.example/123/343604">',
         f"{HEADLINE} | 123"),
        # a library's name is not a host
        ("<title>Getting started with streams | Node.js</title>", "Getting started with streams | Node.js"),
    ],
)  # fmt: skip
def test_title_labels_do_not_overreach(head: str, title: str) -> None:
    assert extract_html(page(head)).title == title


CUT = "Fix It Friday: Struggling With How To Arrange Your Living Room? We Help Four Readers Find Solutions (Including"
WHOLE = f"{CUT} One Trick That Always Works)"


def json_ld_headline(headline: str) -> str:
    return f'<script type="application/ld+json">{{"@type": "BlogPosting", "headline": "{headline}"}}</script>'


def test_a_cut_json_ld_headline_gives_way_to_the_whole() -> None:
    site = '<meta property="og:site_name" content="Emily Roe">'
    assert extract_html(page(json_ld_headline(CUT) + og_title(f"{WHOLE} - Emily Roe") + site)).title == WHOLE


@pytest.mark.parametrize(
    ("headline", "other"),
    [
        ("Bridge to be rebuilt", "Bridge to be rebuilt before next winter"),  # short: a headline, not a cut
        (CUT, "Another headline entirely about the council and its bridge over the river"),  # not continued
    ],
)
def test_a_json_ld_headline_is_kept_otherwise(headline: str, other: str) -> None:
    assert extract_html(page(json_ld_headline(headline) + og_title(other))).title == headline


@given(st.lists(st.sampled_from(["Bridge", "rebuilt", "Harbour", "Times", "|", "-", "Node.js", "example.com"]),
                min_size=1, max_size=8))  # fmt: skip
def test_stripping_keeps_a_segment(words: list[str]) -> None:
    title = " ".join(words)
    stripped = strip_site_name(title, ("Harbour Times",), ("Harbour",))
    assert stripped.strip() and stripped.strip() in title


# --- authors ----------------------------------------------------------------------------------


def authors_of(body: str, head: str = "") -> list[str]:
    return extract_html(page(head, body)).authors


@pytest.mark.parametrize(
    ("body", "authors"),
    [
        # the author page's path spells the name the page prints in its own element
        (
            "<header><h1>Cloud computing trends</h1><div><p>Juliette Carreiro</p><p>Tech Writer</p>"
            "<a href='/us/blog/authors/juliette-carreiro'>Articles by Juliette</a></div></header>",
            ["Juliette Carreiro"],
        ),
        # an author box set aside beside the headline in its <article>
        (
            "<article><div class='post-title'><h1>Cloud computing trends</h1><div class='post-meta-wrapper'>"
            "<aside class='post-meta'>Sep 01, 2023</aside><aside class='post-author'>Katie Roe</aside></div></div>"
            f"{LONG_BODY}</article>",
            ["Katie Roe"],
        ),
        ("<article><h1>Cloud computing trends</h1><aside><p>Author Lisa D. Ellis</p></aside>" f"{LONG_BODY}</article>",
         ["Lisa D. Ellis"]),
        # the article's byline, not a comment's "comment-author vcard"
        (
            "<h1>Cloud computing trends</h1><p>By Amanda Roe</p>" + LONG_BODY
            + "<div id='comments'><div class='comment-author vcard'><cite class='fn'>Jiobal</cite> says:</div></div>",
            ["Amanda Roe"],
        ),
    ],
)  # fmt: skip
def test_byline_shapes_match(body: str, authors: list[str]) -> None:
    assert authors_of(body) == authors


@pytest.mark.parametrize(
    "body",
    [
        # a one-word path names no one to look for; the link's text is no name
        "<h1>Cloud computing trends</h1><p>Juliette</p><a href='/authors/juliette'>Articles by Juliette</a>",
        # the path's name printed nowhere on its own
        "<h1>Cloud computing trends</h1><a href='/authors/jane-roe'>View all posts</a>",
        # an aside far below the headline (a sidebar), one outside any <article>, a comment's footer
        f"<article><h1>Cloud computing trends</h1>{LONG_BODY}<aside class='post-author'>Katie Roe</aside></article>",
        "<h1>Cloud computing trends</h1><aside class='post-author'>Katie Roe</aside>",
        "<article><h1>Cloud computing trends</h1><p>Short lead.</p><ol class='comment-list'><li>"
        "<footer class='comment-meta'><div class='comment-author vcard'><b class='fn'>Karl Doe</b> says:</div>"
        "</footer></li></ol></article>",
        # only comments name anyone
        "<h1>Cloud computing trends</h1><div class='comments-area'><p>By Karl Doe</p>"
        "<a href='/author/karl-doe'>Karl Doe</a><span class='comment-author'>Karl Doe</span></div>",
    ],
)
def test_byline_shapes_do_not_overreach(body: str) -> None:
    assert authors_of(body) == []
