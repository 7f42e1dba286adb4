"""Issue 24, the rest: byline and date shapes of HTML pages that clean/html/metadata.py reads since
(the Yoast "Written by" pair, a link wrapping an author card, a byline line with its date beside it,
a byline in a small heading, the name element of an author box, page labels that are no names, a
team credited alone, a <time> without datetime). Each shape has a
page that must match it and one that must not; the pages are hand-written. The dates are the
cascade's (settings dates.learned_choice false; the learned choice: tests/test_date_ranker.py)."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pytest

from pipeline.clean.bylines import authors_or_publication, split_people
from pipeline.clean.html.extract import extract_html
from pipeline.core.settings import SHIPPED

BODY = "<p>The council voted on Tuesday to rebuild the old bridge over the river before next winter.</p>"


cascade_html = partial(extract_html, dates=replace(SHIPPED.dates, learned_choice=False))
UPDATED_ONLY = '<meta property="article:modified_time" content="2024-11-05T10:00:00+00:00">'


def page(head: str = "", body: str = "") -> str:
    heading = "<h1>Bridge to be rebuilt</h1>"
    return f"<!doctype html><html lang='en'><head>{head}</head><body>{heading}{body}{BODY}</body></html>"


def yoast(label: str, value: str) -> str:
    return f'<meta name="twitter:label1" content="{label}"><meta name="twitter:data1" content="{value}">'


@pytest.mark.parametrize(
    ("head", "body", "authors"),
    [
        # Yoast's pair names the author when no author meta does
        (yoast("Written by", "Jane Roe"), "", ["Jane Roe"]),
        (yoast("Geschrieben von", "Karl Beispiel"), "", ["Karl Beispiel"]),
        # a link around a whole author card: its pieces, the job title dropped as a role
        (
            "",
            "<div class='post-author'><a href='/team/jane-roe'><img src='jr.jpg' alt=''>"
            "<div>Written by <span>Jane Roe</span></div><div>Content Marketing Coordinator</div></a></div>",
            ["Jane Roe"],
        ),
        # a byline line with its date in a sibling element
        ("", "<p><span>By <a href='/p/jane-roe'>Jane Roe</a></span> <span>December 2, 2025</span></p>", ["Jane Roe"]),
        ("", "<div><span>By</span> <span>Jane Roe</span> <div>Published March 9, 2026</div></div>", ["Jane Roe"]),
        # a byline in a small heading (an author box's "Written by ...")
        ("", "<h3>Written by Jane Roe</h3>", ["Jane Roe"]),
        # the element holding the author's name inside an author box
        (
            "",
            "<div class='author-box'><h4 class='author-box__name'>Jane Roe</h4>"
            "<p class='author-box__bio'>Jane Roe writes about towns and their bridges.</p></div>",
            ["Jane Roe"],
        ),
        ("", "<div><p class='authorName'>Jane Roe</p></div>", ["Jane Roe"]),
        # a page label beside the byline is no name; a name holding such a word is one
        ("", "<div class='byline'><span>Updated</span> <span>Jane Roe</span></div>", ["Jane Roe"]),
        ("", "<div class='byline'><span>Jane Home</span></div>", ["Jane Home"]),
        # a team credited alone is the author; beside a person it is a role
        ('<meta name="author" content="Our Editors">', "", ["Our Editors"]),
        ('<meta name="author" content="Jane Roe, Staff Writer">', "", ["Jane Roe"]),
    ],
)
def test_byline_shapes_match(head: str, body: str, authors: list[str]) -> None:
    assert extract_html(page(head, body)).authors == authors


@pytest.mark.parametrize(
    ("head", "body"),
    [
        (yoast("Est. reading time", "4 minutes"), ""),  # the other Yoast pair
        (yoast("Written by", "https://example.org/jane"), ""),  # a URL is no name
        ("", "<h3>By the numbers</h3>"),  # a heading opening with "By", no name after it
        ("", "<h2>Written by Jane Roe</h2>"),  # a section heading: only h3-h6 carry an author box's byline
        ("", "<p><span>By</span> <span>3 hours ago</span></p>"),  # a byline word before a time, no name
        ("", "<div class='author-box'><p>Jane Roe writes about towns.</p></div>"),  # a bio, no name element
        ("", "<div class='byline'><span>Uncategorized</span></div>"),  # a post's category
    ],
)
def test_byline_shapes_do_not_overreach(head: str, body: str) -> None:
    assert extract_html(page(head, body)).authors == []


@pytest.mark.parametrize(
    ("value", "authors"),
    [
        ("Podium Staff", ["Podium Staff"]),
        ("Jane Roe, Staff Writer", ["Jane Roe"]),
        ("Staff Writer, Jane Roe", ["Jane Roe"]),
    ],
)
def test_a_team_is_the_author_only_when_no_person_is_named(value: str, authors: list[str]) -> None:
    assert authors_or_publication(split_people([value], "en")) == authors


@pytest.mark.parametrize(
    ("body", "published"),
    [
        ("<p class='meta'><time>8 Oct 2022</time></p>", "2022-10-08"),
        ("<p class='meta'><time class='entry-time'>Posted April 26, 2024</time></p>", "2024-04-26"),
        # one with a datetime attribute comes first
        ("<time>8 Oct 2022</time><time datetime='2023-04-28'>28 April</time>", "2023-04-28"),
    ],
)
def test_time_text_matches(body: str, published: str) -> None:
    # htmldate, the last resort, would give the update stated in the markup
    assert cascade_html(page(UPDATED_ONLY, body)).published == published


@pytest.mark.parametrize(
    "body",
    [
        "<p><time class='entry-modified-time'>October 28, 2024</time></p>",  # marked as the update
        "<p><time>Updated on: October 28, 2024</time></p>",  # says it is the update
        "<p><time>3 hours ago</time></p>",  # no date
        "<footer><time>8 Oct 2022</time></footer>",  # page furniture
    ],
)
def test_time_text_does_not_overreach(body: str) -> None:
    assert cascade_html(page(UPDATED_ONLY, body)).published == "2024-11-05"  # htmldate's reading


def url_page(published: str, url: str) -> str:
    ld = f'<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{published}"}}</script>'
    return page(f"{ld}<link rel='canonical' href='{url}'>")


@pytest.mark.parametrize(
    ("published", "url", "day"),
    [
        # a UTC timestamp a day off the URL's date: the same moment on the site's own day
        ("2025-12-19T02:41:41+00:00", "https://example.org/2025/12/18/bridge", "2025-12-18"),
        ("2025-12-18T23:10:00Z", "https://example.org/2025/12/19/bridge", "2025-12-19"),
    ],
)
def test_a_utc_date_takes_the_url_day(published: str, url: str, day: str) -> None:
    assert cascade_html(url_page(published, url)).published == day


@pytest.mark.parametrize(
    ("published", "url"),
    [
        ("2025-12-19T02:41:41-05:00", "https://example.org/2025/12/18/bridge"),  # the page's own zone
        ("2025-12-20T02:41:41+00:00", "https://example.org/2025/12/18/bridge"),  # two days off: another date
        ("2025-12-19T02:41:41+00:00", "https://example.org/2025/12/19/bridge"),  # the same day
        ("2025-12-19", "https://example.org/2025/12/18/bridge"),  # a day without a time
    ],
)
def test_a_utc_date_keeps_its_day_otherwise(published: str, url: str) -> None:
    found = cascade_html(url_page(published, url)).published
    assert found is not None and found.startswith(published[:10])
