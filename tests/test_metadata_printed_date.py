"""Issue 24, dates: the date printed by an HTML page's headline (clean/dates.py: days_in_text;
clean/html/metadata.py: _days_by_headline, _printed_over_markup). A day printed under or over the
<h1> wins over the JSON-LD / <meta> date when the markup's day is printed nowhere by the headline;
an update's date, a list of dates, a day one off the markup's (a time zone) do not. Each shape has
a page that must match it and one that must not; the pages are hand-written. These are the
cascade's rules (settings dates.learned_choice false): with the learned choice on, the cascade's day
is one candidate among the page's others (tests/test_date_ranker.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml.html import document_fromstring

from pipeline.clean.dates import days_in_text, slash_order
from pipeline.clean.html.extract import extract_html
from pipeline.clean.html.metadata import _posted_lines, _shown
from pipeline.core.settings import SHIPPED

CASCADE = replace(SHIPPED.dates, learned_choice=False)
cascade_html = partial(extract_html, dates=CASCADE)
BODY = "<p>The council voted on Tuesday to rebuild the old bridge over the river before next winter.</p>"
MARKUP = (
    '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-01-10T09:00:00+00:00"}</script>'
)
MARKUP_DAY = "2023-01-10"


def page(before: str = "", after: str = "", head: str = MARKUP, body: str = BODY) -> str:
    heading = "<h1>Bridge to be rebuilt</h1>"
    return f"<!doctype html><html lang='en'><head>{head}</head><body>{before}{heading}{after}{body}</body></html>"


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("By Jane Roe | December 19, 2025", ["2025-12-19"]),
        ("Friday, Dec. 4th, 2025 • 5 min read", ["2025-12-04"]),
        ("16 December 2025 by Sam", ["2025-12-16"]),
        ("Von Karl Beispiel, 28. April 2023", ["2023-04-28"]),
        ("Por Ana García | 28 de abril de 2023", ["2023-04-28"]),
        ("2025-11-03 · 14 min read", ["2025-11-03"]),
        ("Stand: 09.10.2024", ["2024-10-09"]),
        ("Sept. 3, 2024 and May 4, 2025", ["2024-09-03", "2025-05-04"]),
    ],
)
def test_days_in_text_match(text: str, days: list[str]) -> None:
    assert [day for _, day in days_in_text(text)] == days


@pytest.mark.parametrize(
    "text",
    [
        "© 2023 Harbour Times",  # a bare year
        "Best laptops of May 2025",  # a month without its day
        "Filed 04/12/2025",  # day and month with slashes read both ways
        "build 2.10.2024.1",  # a version number, not a dotted date
        "in 2023 the may rise 4 percent",  # words and numbers that only look like one
        "31 February 2024",  # no such day
    ],
)
def test_days_in_text_do_not_overreach(text: str) -> None:
    assert list(days_in_text(text)) == []


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)),
    st.sampled_from(["%B %d, %Y", "%d %B %Y", "%b. %d, %Y", "%Y-%m-%d", "%d.%m.%Y"]),
)
def test_a_written_day_reads_back(day: date, shape: str) -> None:
    assert [found for _, found in days_in_text(f"Posted by Jane Roe {day.strftime(shape)} in News")] == [
        day.isoformat()
    ]


@pytest.mark.parametrize(
    ("before", "after", "published"),
    [
        # a byline's date under the headline, the markup's day printed nowhere: the printed day
        ("", "<p class='meta'>By Jane Roe • March 2, 2024</p>", "2024-03-02"),
        ("", "<div><span>Jane Roe</span><span>5 min read</span></div><p>Friday, 2 March 2024</p>", "2024-03-02"),
        # a date line over the headline
        ("<div class='kicker'>Local news</div><p>2 March 2024</p>", "", "2024-03-02"),
        # the page's language: a German byline's date
        ("", "<p>Von Karl Beispiel, 2. März 2024</p>", "2024-03-02"),
        # published and updated printed side by side: the one not labelled as the update
        ("", "<p>Published March 2, 2024 · Last updated on March 9, 2024</p>", "2024-03-02"),
    ],
)
def test_the_printed_day_wins(before: str, after: str, published: str) -> None:
    assert (cascade_html(page(before, after)).published or "")[:10] == published


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("", ""),  # nothing printed
        ("", "<p>By Jane Roe · Updated March 9, 2024</p>"),  # only the update is printed
        ("", "<p>Last updated on: March 9, 2024</p>"),
        ("", "<p><span class='entry-modified-time'>March 9, 2024</span></p>"),  # its class says update
        ("", "<p>Mis à jour le 9 mars 2024</p>"),
        ("", "<p>January 10, 2023 · Updated March 9, 2024</p>"),  # the markup's day is printed too
        ("", "<p>January 11, 2023</p>"),  # a day off: the markup's moment in another zone
        # a list of posts by the headline, not its byline
        ("", "<ul><li>May 1, 2024</li><li>June 3, 2024</li><li>July 8, 2024</li></ul>"),
        ("", "<footer>March 2, 2024</footer>"),  # page furniture
        ("", f"<p>{'Words of the lead paragraph go on here. ' * 20}March 2, 2024</p>"),  # far below it
        ("<p>March 2, 2024</p>" + "<p>A menu entry of the page.</p>" * 8, ""),  # far above it
        ("", "<p>Best laptops of May 2025</p>"),  # a month, no day
    ],
)
def test_the_markup_day_stays(before: str, after: str) -> None:
    assert (cascade_html(page(before, after)).published or "")[:10] == MARKUP_DAY


def test_a_printed_day_is_read_when_the_markup_has_none() -> None:
    """Without JSON-LD or <meta>, a <time> comes first, then the printed day, before htmldate."""
    printed = "<p>By Jane Roe, March 2, 2024</p>"
    assert cascade_html(page("", printed, head="")).published == "2024-03-02"
    timed = "<p><time datetime='2024-02-28'>28 Feb</time></p>" + printed
    assert cascade_html(page("", timed, head="")).published == "2024-02-28"


def test_a_printed_day_after_the_fetch_is_skipped() -> None:
    printed = "<p>By Jane Roe, March 2, 2024</p>"
    assert cascade_html(page("", printed), latest="2024-01-31").published == "2023-01-10T09:00:00+00:00"
    assert cascade_html(page("", printed), latest="2024-03-02").published == "2024-03-02"


@pytest.mark.parametrize("gap", [SHIPPED.dates.printed_min_gap_days, SHIPPED.dates.printed_min_gap_days + 1])
def test_the_gap_setting(gap: int) -> None:
    printed = (date.fromisoformat(MARKUP_DAY) + timedelta(days=gap)).strftime("%B %d, %Y")
    found = (cascade_html(page("", f"<p>{printed}</p>")).published or "")[:10]
    taken = gap > SHIPPED.dates.printed_min_gap_days
    assert (found != MARKUP_DAY) is taken


@pytest.mark.parametrize(
    ("head", "published"),
    [
        ("", "2024-03-09"),  # the only date the page shows, though it is the update's
        # the markup states the update: htmldate reads the page, as before
        ('<meta property="article:modified_time" content="2024-11-05T10:00:00+00:00">', "2024-11-05"),
    ],
)
def test_a_printed_update_only_without_any_markup(head: str, published: str) -> None:
    assert cascade_html(page("", "<p>By Jane Roe · Updated March 9, 2024</p>", head=head)).published == published


@pytest.mark.parametrize(
    "after",
    [
        "<p>By Jane Roe</p><p>Photo: © Kurt Muster, 02.03.2024</p>",  # a photo credit's date
        "<figure><img src='b.jpg'><figcaption>Bild: Kurt Muster / 2. März 2024</figcaption></figure>",
        # a date in the lead's prose, not a byline
        "<p>The bridge carried 365,000 crossings between June 21 and March 2, 2024, the council said on"
        " Tuesday, and more than half of them were made by people on their way to work.</p>",
    ],
)
def test_a_credit_or_a_sentence_is_no_printed_date(after: str) -> None:
    assert (cascade_html(page("", after)).published or "")[:10] == MARKUP_DAY


@pytest.mark.parametrize(
    "after",
    [
        "<p>By Jane Roe, Photo Editor · March 2, 2024</p>",  # a credit word is no credit mark
        "<p>Jane Roe</p><p>March 2, 2024 · Filed under Transport, City Council, Bridges</p>",
    ],
)
def test_a_byline_beside_such_words_is_read(after: str) -> None:
    assert (cascade_html(page("", after)).published or "")[:10] == "2024-03-02"


MASTHEAD = "<div class='top'><span>Friday, March 8, 2024</span></div>"  # today's date in the page's header bar


@pytest.mark.parametrize("head", [MARKUP, ""])
@pytest.mark.parametrize(
    ("after", "published"),
    [
        # a byline's date under the headline wins over a date printed above it (a masthead's today)
        ("<p>By Jane Roe 02.03.2024</p>", "2024-03-02"),
        ("<p>Jane Roe · March 2, 2024 · 4 min read</p>", "2024-03-02"),
        # must not: under the headline only the update is printed, so the date above it is read
        ("<p>By Jane Roe · Updated March 9, 2024</p>", "2024-03-08"),
        # must not: nothing printed under it, the date above it is read
        ("<p>By Jane Roe</p>", "2024-03-08"),
    ],
)
def test_a_date_under_the_headline_before_one_above_it(head: str, after: str, published: str) -> None:
    assert (cascade_html(page(MASTHEAD, after, head=head)).published or "")[:10] == published


@pytest.mark.parametrize(
    ("text", "language", "order"),
    [
        ("Posted 12/17/2025", None, "md"),  # 17 can only be the day: month first
        ("Posted 17/12/2025", "en-us", "dm"),  # what the text shows beats the language
        ("Posted 03/01/2017", "en-US", "md"),
        ("Posted 03/01/2017", "en_GB", "dm"),
        ("Posted 03/01/2017", "de", "dm"),
        ("Posted 03/01/2017", "fr-FR", "dm"),
    ],
)
def test_slash_order_known(text: str, language: str | None, order: str) -> None:
    assert slash_order(text, language) == order


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Posted 03/01/2017", None),  # reads both ways, nothing tells
        ("Posted 03/01/2017", "en"),  # English without its region writes either
        ("From 12/17/2025 to 17/12/2025", "en-US"),  # the text shows both orders
    ],
)
def test_slash_order_unknown(text: str, language: str | None) -> None:
    assert slash_order(text, language) is None


@pytest.mark.parametrize(
    ("text", "slashes", "days"),
    [
        ("By Jane Roe 03/01/2017", "md", ["2017-03-01"]),
        ("By Jane Roe 03/01/2017", "dm", ["2017-01-03"]),
        ("Stand: 09.10.2024 · 3/1/2017", "dm", ["2024-10-09", "2017-01-03"]),  # in page order
        ("By Jane Roe 03/01/2017", None, []),  # the order unknown: not read
        ("Filed 13/13/2017", "md", []),  # no such month either way
        ("see /2017/03/01/ and 1/2/2017/a", "md", []),  # a path, not a printed date
        ("version 03/01/20175", "md", []),
    ],
)
def test_slashed_days(text: str, slashes: str | None, days: list[str]) -> None:
    assert [day for _, day in days_in_text(text, slashes)] == days


@pytest.mark.parametrize(
    ("lang", "after", "published"),
    [
        ("en-US", "<p>By Jane Roe 03/01/2024</p>", "2024-03-01"),
        ("de-DE", "<p>Von Karl Beispiel 03/01/2024</p>", "2024-01-03"),
        ("en", "<p>By Jane Roe 03/01/2024</p><p>Related: 12/17/2023</p>", "2024-03-01"),  # 17 tells
        # must not: English without its region, nothing on the page tells: the markup's day stays
        ("en", "<p>By Jane Roe 03/01/2024</p>", MARKUP_DAY),
        ("en-US", "<p>By Jane Roe 03/01/2024</p><p>Related: 25/12/2023, 12/17/2023</p>", MARKUP_DAY),  # both orders
    ],
)
def test_a_slashed_day_by_the_headline(lang: str, after: str, published: str) -> None:
    html = page("", after).replace("lang='en'", f"lang='{lang}'")
    assert (extract_html(html).published or "")[:10] == published


LONG_LEAD = "<p>" + "Words of the lead paragraph go on here. " * 20 + "</p>"


def posted_days(after: str) -> list[str]:
    """What the byline-after-the-body reader finds (htmldate, which runs after it, reads dates
    of its own: a page-level test could not tell the two apart)."""
    return list(_posted_lines(_shown(document_fromstring(page("", after, head="")))[0]))


@pytest.mark.parametrize(
    ("after", "days"),
    [
        # a byline box after the body, far from the headline: its day, not its update's
        (LONG_LEAD + "<p>Interview by Sylvia Roe March 2, 2024. Updated: March 9, 2024</p>", ["2024-03-02"]),
        (LONG_LEAD + "<div class='post-meta'>Posted on March 2, 2024</div>", ["2024-03-02"]),
        (LONG_LEAD + "<p>Veröffentlicht am 2. März 2024</p>", ["2024-03-02"]),
    ],
)
def test_a_byline_after_the_body(after: str, days: list[str]) -> None:
    assert posted_days(after) == days


@pytest.mark.parametrize(
    "after",
    [
        # a comment thread's dates are the comments'
        LONG_LEAD + "<ol class='comment-list'><li><p>Posted by Jim Doe on March 5, 2024</p></li></ol>",
        LONG_LEAD + "<div id='respond'><p>By Jim Doe, March 5, 2024</p></div>",
        LONG_LEAD + "<p>Last updated on March 5, 2024</p>",  # only the update is printed
        LONG_LEAD + "<p>The council met on March 5, 2024 to vote on the plan.</p>",  # prose, no byline
        LONG_LEAD + "<p>by the river, March 5, 2024</p>",  # "by" and no name
    ],
)
def test_no_byline_after_the_body(after: str) -> None:
    assert posted_days(after) == []


def test_a_byline_after_the_body_is_read_only_without_any_other_date() -> None:
    after = LONG_LEAD + "<p>Interview by Sylvia Roe March 2, 2024. Updated: March 9, 2024</p>"
    assert (cascade_html(page("", after)).published or "")[:10] == MARKUP_DAY
    assert cascade_html(page("", after, head="")).published == "2024-03-02"
