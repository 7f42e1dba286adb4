"""Headline, authors and dates of an HTML page (clean/html/metadata.py, clean/bylines.py): every
shape with a page that must match it and one that must not. The pages are hand-written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.clean.bylines import split_people
from pipeline.clean.html.extract import extract_html, parse_html
from pipeline.clean.html.metadata import strip_site_name, time_tag_date
from pipeline.core.document import RawArticle
from pipeline.core.text import decode_entities

BODY = "<p>The council voted on Tuesday to rebuild the old bridge over the river before next winter.</p>"


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f"<!doctype html><html lang='{lang}'><head>{head}</head><body>{body}{BODY}</body></html>"


# --- headline ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "body", "title", "seo_title"),
    [
        # entities, even escaped twice, are decoded
        ("<title>Stadt zerst&amp;ouml;rt die Br&uuml;cke</title>", "", "Stadt zerstört die Brücke", None),
        (
            '<meta property="og:title" content="&quot;Nicht mehr&quot; sagt der Rat">',
            "",
            '"Nicht mehr" sagt der Rat',
            None,
        ),
        # the site's name after / before a separator goes (og:site_name, the host, a date after it)
        (
            "<title>Bridge to be rebuilt - Harbour Times</title><meta property='og:site_name' content='Harbour Times'>",
            "",
            "Bridge to be rebuilt",
            "Bridge to be rebuilt - Harbour Times",
        ),
        (
            "<title>Harbour Times | Bridge to be rebuilt</title><meta property='og:site_name' content='Harbour Times'>",
            "",
            "Bridge to be rebuilt",
            "Harbour Times | Bridge to be rebuilt",
        ),
        (
            "<title>Bridge to be rebuilt | harbourtimes.example | 28.04.2023</title>"
            "<link rel='canonical' href='https://www.harbourtimes.example/news/bridge'>",
            "",
            "Bridge to be rebuilt",
            "Bridge to be rebuilt | harbourtimes.example | 28.04.2023",
        ),
        # the displayed <h1> wins over an SEO title that adds to it; the SEO title is kept apart
        (
            "<title>Bridge to be rebuilt before winter, council says | Harbour Times</title>",
            "<h1>Bridge to be rebuilt before winter, council says</h1>",
            "Bridge to be rebuilt before winter, council says",
            "Bridge to be rebuilt before winter, council says | Harbour Times",
        ),
        # an <h1> inside a <form> that wraps the whole page (ASP.NET) is still the page's heading
        (
            "<title>Site - Bridge to be rebuilt before winter</title>",
            "<form id='aspnetForm'><h1>Bridge to be rebuilt before winter</h1></form>",
            "Bridge to be rebuilt before winter",
            "Site - Bridge to be rebuilt before winter",
        ),
        # the displayed <h1> reworded for search in the metadata: the page shows the <h1>
        (
            "<title>Council votes to rebuild old river bridge before winter</title>",
            "<h1>Old river bridge rebuilt by winter</h1>",
            "Old river bridge rebuilt by winter",
            "Council votes to rebuild old river bridge before winter",
        ),
    ],
)
def test_headline_shapes_match(head: str, body: str, title: str, seo_title: str | None) -> None:
    content = extract_html(page(head, body))
    assert (content.title, content.seo_title) == (title, seo_title)


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        # a dash inside the headline is the headline's own when no segment names the site
        (
            "<title>Left - right: the long debate over the bridge</title>",
            "",
            "Left - right: the long debate over the bridge",
        ),
        # an <h1> that no metadata title agrees with (a logo, a section name) is not the headline
        (
            "<meta property='og:title' content='Bridge to be rebuilt before winter'>",
            "<h1>Harbour Times Daily</h1>",
            "Bridge to be rebuilt before winter",
        ),
        # an <h1> that is the site's name is not the headline, though the <title> holds it
        (
            "<title>Bridge to be rebuilt | Harbour Times</title><meta property='og:site_name' content='Harbour Times'>",
            "<h1>Harbour Times</h1>",
            "Bridge to be rebuilt",
        ),
        # a headline that mentions the site's name is no site segment
        (
            "<title>Harbour Times - News - Harbour Times staff vote to strike over pay</title>"
            "<meta property='og:site_name' content='Harbour Times'>",
            "",
            "News - Harbour Times staff vote to strike over pay",
        ),
        # a one-word segment that is not the site's name stays
        (
            "<title>Winter: bridge to be rebuilt</title><meta property='og:site_name' content='Harbour'>",
            "",
            "Winter: bridge to be rebuilt",
        ),
    ],
)
def test_headline_shapes_do_not_overreach(head: str, body: str, title: str) -> None:
    assert extract_html(page(head, body)).title == title


@given(st.text(alphabet=st.characters(categories=["L", "Zs"]), min_size=1, max_size=40))
def test_a_title_without_separators_is_left_as_it_is(title: str) -> None:
    assert strip_site_name(title, ("Harbour Times", "example.org")) == title


# --- authors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "language", "authors", "agencies"),
    [
        ("Jane Roe and John Doe", "en", ["Jane Roe", "John Doe"], []),
        ("Anna Muster und Karl Beispiel, dpa", "de", ["Anna Muster", "Karl Beispiel"], ["dpa"]),
        ("Marie Dupont et Paul Martin", "fr", ["Marie Dupont", "Paul Martin"], []),
        ("Ana García y Luis Pérez", "es", ["Ana García", "Luis Pérez"], []),
        ("Giulia Rossi e Marco Bianchi", "it", ["Giulia Rossi", "Marco Bianchi"], []),
        ("Jan Jansen en Piet de Vries", "nl", ["Jan Jansen", "Piet de Vries"], []),
        ("Anna Nowak i Jan Kowalski", "pl", ["Anna Nowak", "Jan Kowalski"], []),
        ("Jane Roe & John Doe", "en", ["Jane Roe", "John Doe"], []),
        ("By Jane Roe", "en", ["Jane Roe"], []),
        ("Von Karl Beispiel (obe)", "de", ["Karl Beispiel"], []),
        ("Par Marie Dupont", "fr", ["Marie Dupont"], []),
        ("Por Ana García", "es", ["Ana García"], []),
        ("Di Giulia Rossi", "it", ["Giulia Rossi"], []),
        ("Door Jan Jansen", "nl", ["Jan Jansen"], []),
        ("Jane Roe (jane.roe@example.org)", "en", ["Jane Roe"], []),
        ("Jane Roe, Staff Writer", "en", ["Jane Roe"], []),
        ("Jane Roe (AFP)", "en", ["Jane Roe"], ["afp"]),
        ("The Associated Press", "en", [], ["ap"]),
        ("Jane Roe, Senior Travel Editor", "en", ["Jane Roe"], []),
        ("Author: Posted by Jane Roe", "en", ["Jane Roe"], []),
        ("Jane Roe ⋅ Founder", "en", ["Jane Roe"], []),
        ("Luis van der Berg", "nl", ["Luis van der Berg"], []),
    ],
)
def test_author_lists_split_into_people(value: str, language: str, authors: list[str], agencies: list[str]) -> None:
    people = split_people([value], language)
    assert (people.authors, people.agencies) == (authors, agencies)


@pytest.mark.parametrize(
    ("value", "language", "authors"),
    [
        # a joiner of another language is part of a name: "y" in an English page
        ("José Ortega y Gasset", "en", ["José Ortega y Gasset"]),
        ("Giulia e Marco", "de", ["Giulia e Marco"]),
        # a name that starts like a prefix is not stripped
        ("Byron Black", "en", ["Byron Black"]),
        ("Dina Park", "it", ["Dina Park"]),
        # words in lower case between capitalized ones are no name ("View more posts")
        ("View more posts", "en", []),
        ("Save as PDF", "en", []),
        # a single word may be a handle
        ("jsteinhardt", "en", ["jsteinhardt"]),
        # an address or a sentence is no name
        ("jane.roe@example.org", "en", []),
        ("Read more about this story on our website today", "en", []),
    ],
)
def test_author_lists_do_not_split_or_strip_names(value: str, language: str, authors: list[str]) -> None:
    assert split_people([value], language).authors == authors


@pytest.mark.parametrize(
    ("head", "body", "authors"),
    [
        # the publication's own name is no author while a person is named
        (
            '<meta name="author" content="Harbour Times"><meta property="og:site_name" content="Harbour Times">',
            "<span class='byline'>By Jane Roe</span>",
            ["Jane Roe"],
        ),
        # ... and is the author when no person is
        (
            '<meta name="author" content="Harbour Times"><meta property="og:site_name" content="Harbour Times">',
            "",
            ["Harbour Times"],
        ),
        # JSON-LD authors, a reference into the graph resolved
        (
            '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "headline": "Bridge rebuilt",'
            ' "author": {"@id": "#p1"}}, {"@type": "Person", "@id": "#p1", "name": "Jane Roe"}]}</script>',
            "",
            ["Jane Roe"],
        ),
        # a visible byline read when metadata names nobody
        ("", "<p class='article-byline'>Von Karl Beispiel</p>", ["Karl Beispiel"]),
        # a byline element: its links, or its pieces (a role in its own element is no name)
        (
            "",
            "<div class='byline'>By <a href='/p/jr'>Jane Roe</a> and <a href='/p/jd'>John Doe</a></div>",
            ["Jane Roe", "John Doe"],
        ),
        (
            "",
            "<div class='post-author'><span>Jane Roe</span><span>Content Marketing Coordinator</span></div>",
            ["Jane Roe"],
        ),
        # a short line opening with a byline word; the word alone with the name in the next element
        ("", "<p>By Jane Roe</p>", ["Jane Roe"]),
        ("", "<div><p>Written by</p><p>Jane Roe</p></div>", ["Jane Roe"]),
        # a link to an author page
        ("", "<div><a href='/authors/jane-roe'>Jane Roe</a></div>", ["Jane Roe"]),
    ],
)
def test_page_authors(head: str, body: str, authors: list[str]) -> None:
    assert extract_html(page(head, body, "de" if "Von" in body else "en")).authors == authors


@pytest.mark.parametrize(
    "body",
    [
        "<footer><span class='author'>Jane Roe</span></footer>",  # page furniture
        "<p>By the river, the council voted again on Tuesday evening.</p>",  # a sentence opening with "By"
        "<div><a href='/tags/bridges'>Bridges</a></div>",  # a link, not to an author page
        "<div class='author-bio'>Jane Roe writes about towns.</div>",  # an author's bio, not the byline
    ],
)
def test_no_byline_from_shapes_that_are_not_one(body: str) -> None:
    assert extract_html(page("", body)).authors == []


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["article:published_time", "og:published_time", "datePublished", "parsely-pub-date", "sailthru.date",
     "dc.date.issued", "DC.date", "dcterms.created", "citation_publication_date", "publish-date", "pubdate", "date"],
)  # fmt: skip
def test_published_from_every_meta_vocabulary(key: str) -> None:
    head = f'<meta name="{key}" content="2023-04-28T09:30:00+02:00">'
    assert extract_html(page(head)).published == "2023-04-28T09:30:00+02:00"


@pytest.mark.parametrize(
    ("head", "body", "published", "updated"),
    [
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-04-28T09:30:00Z",'
            ' "dateModified": "2023-04-29"}</script>',
            "",
            "2023-04-28T09:30:00+00:00",
            "2023-04-29",
        ),
        ("", "<header><time datetime='2023-04-28'>28 April</time></header>", "2023-04-28", None),
        (
            "",
            "<time datetime='2022-01-01'>old</time><time class='published' datetime='2023-04-28'>x</time>",
            "2023-04-28",
            None,
        ),
        ("<link rel='canonical' href='https://example.org/2023/04/28/bridge-rebuilt'>", "", "2023-04-28", None),
        ("<link rel='canonical' href='https://example.org/news/20230428-bridge-rebuilt'>", "", "2023-04-28", None),
        # a page that states only its update: htmldate (the last resort) gives that day as published
        (
            '<meta property="article:modified_time" content="2023-05-01T10:00:00-04:00">',
            "",
            "2023-05-01",
            "2023-05-01T10:00:00-04:00",
        ),
        # htmldate reads a date the page's text states
        ("", "<p class='meta'>Published 28 April 2023</p>", "2023-04-28", None),
    ],
)
def test_dates_found(head: str, body: str, published: str | None, updated: str | None) -> None:
    content = extract_html(page(head, body))
    assert (content.published, content.updated) == (published, updated)


@pytest.mark.parametrize(
    ("head", "body"),
    [
        ('<meta name="date" content="2023">', ""),  # a bare year (a copyright line's) is no date
        ("<link rel='canonical' href='https://example.org/2023/bridge-rebuilt'>", ""),
        ("<link rel='canonical' href='https://example.org/item/123456789'>", ""),
        ('<meta name="date" content="next Tuesday">', ""),
    ],
)
def test_no_date_from_shapes_that_are_not_one(head: str, body: str) -> None:
    assert extract_html(page(head, body)).published is None


@pytest.mark.parametrize(
    ("body", "published"),
    [
        ("<footer><time datetime='2023-04-28'>28 April</time></footer>", None),  # page furniture
        ("<time datetime='28-04-2023'>28 April</time><time datetime='2023-04-28'>x</time>", "2023-04-28"),  # ISO first
        ("<article><time datetime='2023-04-28T09:30:00+02:00'>28 April</time></article>", "2023-04-28T09:30:00+02:00"),
    ],
)
def test_time_tags(body: str, published: str | None) -> None:
    tree, _ = parse_html(page("", body))
    assert tree is not None
    assert time_tag_date(tree) == published


# --- plain text: the header reader's bylines and dates in every shipped language --------------------

TEXT_BODY = "\n\nThe council voted on Tuesday to rebuild the old bridge over the river before next winter.\n"


@pytest.mark.parametrize(
    ("byline", "authors", "agencies", "published"),
    [
        ("Von Anna Muster und Karl Beispiel, dpa", ["Anna Muster", "Karl Beispiel"], ["dpa"], None),
        ("Par Marie Dupont et Paul Martin", ["Marie Dupont", "Paul Martin"], [], None),
        ("Por Ana García y Luis Pérez", ["Ana García", "Luis Pérez"], [], None),
        ("Di Giulia Rossi e Marco Bianchi", ["Giulia Rossi", "Marco Bianchi"], [], None),
        ("Door Jan Jansen en Piet de Vries", ["Jan Jansen", "Piet de Vries"], [], None),
        ("Autor: Anna Nowak i Jan Kowalski", ["Anna Nowak", "Jan Kowalski"], [], None),
        ("Von Anna Muster | 28. April 2023", ["Anna Muster"], [], "2023-04-28"),
        ("Veröffentlicht am 28. April 2023", [], [], "2023-04-28"),
        ("Publié le 28 avril 2023", [], [], "2023-04-28"),
        ("Publicado el 28 de abril de 2023", [], [], "2023-04-28"),
        ("Pubblicato il 28 aprile 2023", [], [], "2023-04-28"),
        ("Gepubliceerd op 28 april 2023", [], [], "2023-04-28"),
        ("Opublikowano: 28 kwietnia 2023", [], [], "2023-04-28"),
        ("By Jane Roe and John Doe, Associated Press", ["Jane Roe", "John Doe"], ["ap"], None),
    ],
)
def test_text_bylines_in_every_shipped_language(
    clean_text, byline: str, authors: list[str], agencies: list[str], published: str | None
) -> None:  # type: ignore[no-untyped-def]
    article = clean_text(f"Council to rebuild the old bridge\n\n{byline}{TEXT_BODY}")
    assert (article.authors, article.agencies, article.published) == (authors, agencies, published)
    assert all(byline not in p.text for p in article.paragraphs)


@pytest.mark.parametrize(
    "line",
    [
        "Von Montag an gilt der neue Fahrplan für alle Linien der Stadt.",  # prose opening with "Von"
        "Door prices were raised by the council last year.",
        "Publié le rapport, la ville a réagi.",  # no date after the word
    ],
)
def test_text_lines_that_only_open_like_a_byline_stay_body(clean_text, line: str) -> None:  # type: ignore[no-untyped-def]
    article = clean_text(f"Council to rebuild the old bridge\n\n{line}{TEXT_BODY}")
    assert article.authors == [] and article.published is None
    assert any(line in p.text for p in article.paragraphs)


# --- entities: decoded in every field ------------------------------------------------------------


def test_entities_are_decoded_in_every_field(cleaner) -> None:  # type: ignore[no-untyped-def]
    html = page(
        "<meta property='article:section' content='Kultur &amp;amp; Medien'>",
        "<h1>Stadt zerst&amp;ouml;rt die Br&uuml;cke</h1>"
        "<p>&amp;quot;Nicht mehr&amp;quot;, sagte der B&amp;uuml;rgermeister am Dienstag vor dem Rat der Stadt.</p>"
        "<figure><img src='a.jpg'><figcaption>Die alte Br&amp;uuml;cke im Winter</figcaption></figure>",
        lang="de",
    )
    article = cleaner.clean(RawArticle(source_file="p.html", html=html))
    assert article.title == "Stadt zerstört die Brücke" and article.section == "Kultur & Medien"
    assert article.paragraphs[0].text.startswith('"Nicht mehr", sagte der Bürgermeister')
    assert [caption.text for caption in article.captions] == ["Die alte Brücke im Winter"]
    text = cleaner.clean(
        RawArticle(source_file="a.txt", text="Code Kata&#x3a; the bridge\n\nA &quot;bridge&quot; is built.")
    )
    assert "Code Kata: the bridge" in [text.title, *[p.text for p in text.paragraphs]]


@pytest.mark.parametrize("text", ["AT&T and R&D; teams", "Tom & Jerry", "a&b;c", "&unknownentity; stays"])
def test_text_that_holds_no_entity_is_left_as_it_is(text: str) -> None:
    assert decode_entities(text) == text
