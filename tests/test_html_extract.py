"""The HTML path: one parse per page, trafilatura's recall with our structural furniture filters,
captions and metadata from the same tree. Pages here are invented."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from pipeline import Cleaner, RawArticle
from pipeline.clean.html import extract as html_extract
from pipeline.clean.html.blocks import PageText, select_blocks

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Ferry service returns to the island | Coastline Courier</title>
<meta property="og:title" content="Ferry service returns to the island">
<link rel="canonical" href="https://news.example.org/transport/ferry-returns">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Ferry service returns to the island", "datePublished": "2024-05-02T08:00:00+02:00",
 "dateModified": "2024-05-03T09:30:00+02:00", "author": [{"@type": "Person", "name": "Mara Olsen"}],
 "articleSection": "Transport"}</script>
</head>
<body>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<main>
<article class="story">
<header class="story-head">
<h1>Ferry service returns to the island</h1>
<div class="story-intro"><p>The island's ferry sails again from Monday after a winter of repairs. Residents had
waited five months for the link.</p></div>
</header>
<div class="story-body">
<p>The harbour office said on Thursday that the rebuilt ferry would make six crossings a day, two more than
before the repairs began in November.</p>
<figure><img src="ferry.jpg" alt=""><figcaption>The ferry at the shipyard in April.
<span class="credit">Photo: Jon Berg</span></figcaption></figure>
<p>Fares stay at last year's level for residents, while visitors will pay a small surcharge in the summer
months, the operator said.</p>
<p><a href="/news/bridge-plan">Council weighs a bridge to the mainland once again</a></p>
<p>The crossing takes forty minutes, and the first boat leaves the island at six in the morning so that
commuters reach the mainland trains.</p>
<div class="article-bottom"><p>Shop owners on the island said the winter without a ferry had cost them half of
their usual trade, and that they hoped for a busy spring.</p></div>
<div class="share-bar"><p>Share this story with your friends and family on every network</p></div>
</div>
</article>
<section class="more">
<h2>More from the coast</h2>
<ul>
<li><a href="/a">Lighthouse keeper retires after forty years of service</a></li>
<li><a href="/b">Fishing quotas cut again for the northern grounds</a></li>
<li><a href="/c">New cycle path opens along the southern cliffs</a></li>
<li><a href="/d">Storm damage closes the old pier for the season</a></li>
</ul>
</section>
</main>
<footer><p>Contact us</p><p>About this site</p></footer>
</body></html>
"""
INTRO = (
    "The island's ferry sails again from Monday after a winter of repairs. "
    "Residents had waited five months for the link."
)
HARBOUR = (
    "The harbour office said on Thursday that the rebuilt ferry would make six crossings a day, two more than "
    "before the repairs began in November."
)
FARES = (
    "Fares stay at last year's level for residents, while visitors will pay a small surcharge in the summer "
    "months, the operator said."
)
CROSSING = (
    "The crossing takes forty minutes, and the first boat leaves the island at six in the morning so that "
    "commuters reach the mainland trains."
)
SHOPS = (
    "Shop owners on the island said the winter without a ferry had cost them half of their usual trade, and "
    "that they hoped for a busy spring."
)
TEASERS = [
    "Lighthouse keeper retires after forty years of service",
    "Fishing quotas cut again for the northern grounds",
    "New cycle path opens along the southern cliffs",
    "Storm damage closes the old pier for the season",
]


def clean(html: str) -> dict[str, object]:
    return Cleaner.from_files().clean(RawArticle(source_file="page.html", html=html)).to_json()


def test_body_keeps_what_precision_drops_and_drops_furniture() -> None:
    article = clean(PAGE)
    assert article["paragraphs"] == [INTRO, HARBOUR, FARES, CROSSING, SHOPS]


def test_recall_beyond_favor_precision() -> None:
    """The intro in the page header and the paragraph in a box named '...-bottom' are article
    text that trafilatura's precision mode leaves out; the HTML path keeps them."""
    import trafilatura

    precise = trafilatura.extract(PAGE, include_comments=False, favor_precision=True, deduplicate=False) or ""
    assert "Shop owners" not in precise and "sails again" not in precise
    paragraphs = clean(PAGE)["paragraphs"]
    assert isinstance(paragraphs, list) and SHOPS in paragraphs and INTRO in paragraphs


def test_captions_and_metadata() -> None:
    article = clean(PAGE)
    assert article["title"] == "Ferry service returns to the island"
    assert article["published"] == "2024-05-02T08:00:00+02:00"
    assert article["updated"] == "2024-05-03T09:30:00+02:00"
    assert article["authors"] == ["Mara Olsen"]
    assert article["section"] == "Transport"
    assert article["url"] == "https://news.example.org/transport/ferry-returns"
    assert article["source"] == "news.example.org"
    assert article["captions"] == [{"text": "The ferry at the shipyard in April.", "credit": "Jon Berg"}]


def test_furniture_dropped_by_structure() -> None:
    """As if the extractor had returned everything: the one-link paragraph, the container named
    share-bar, the teaser list after the article and its heading go; the lead is added."""
    tree, _ = html_extract.parse_html(PAGE)
    assert tree is not None
    link_paragraph = "Council weighs a bridge to the mainland once again"
    share = "Share this story with your friends and family on every network"
    blocks = [HARBOUR, FARES, link_paragraph, CROSSING, SHOPS, share, "More from the coast", *TEASERS]
    selection = select_blocks(PageText(tree), blocks)
    assert selection.kept == [INTRO, HARBOUR, FARES, CROSSING, SHOPS]
    reasons = dict((text, rule) for rule, text in selection.dropped)
    assert reasons[link_paragraph] == "link_paragraph"
    assert reasons[share] == "furniture_container"
    assert all(reasons[teaser] in ("link_list", "teaser_list", "after_main") for teaser in TEASERS)
    assert reasons["More from the coast"] in ("after_main", "empty_section")


def test_structural_drops_are_audited_like_any_removal() -> None:
    """What the extractor returned and the structure dropped is in `removed`, with its rule, at its
    place among the kept paragraphs (one coordinate system)."""
    article = Cleaner.from_files().clean(RawArticle(source_file="page.html", html=PAGE))
    structural = [r for r in article.removed if r.rule.startswith("html.")]
    assert structural and all(r.category == "furniture" and r.scope == "paragraph" for r in structural)
    kept = {p.position for p in article.paragraphs}
    gone = {r.position for r in article.removed if r.scope != "span"}  # whole paragraphs and header lines
    assert not kept & gone and sorted(kept | gone) == list(range(len(kept) + len(gone)))


def test_a_link_that_is_a_url_stays() -> None:
    page = PAGE.replace('<a href="/news/bridge-plan">Council weighs a bridge to the mainland once again</a>',
                        '<a href="https://example.org/report.pdf">https://example.org/report.pdf</a>')  # fmt: skip
    tree, _ = html_extract.parse_html(page)
    assert tree is not None
    selection = select_blocks(PageText(tree), [HARBOUR, "https://example.org/report.pdf", CROSSING])
    assert "https://example.org/report.pdf" in selection.kept


def test_a_block_over_several_paragraphs_is_read_as_them() -> None:
    """trafilatura's rescue for short pages returns the whole text as one block; it is read as the
    page's paragraphs (without the figure caption inside it), and the rules apply to each."""
    tree, _ = html_extract.parse_html(PAGE)
    assert tree is not None
    caption = "The ferry at the shipyard in April. Photo: Jon Berg"
    link = "Council weighs a bridge to the mainland once again"
    share = "Share this story with your friends and family on every network"
    run = " ".join([HARBOUR, caption, FARES, link, CROSSING, SHOPS, share])
    selection = select_blocks(PageText(tree), [run])
    assert selection.kept == [INTRO, HARBOUR, FARES, CROSSING, SHOPS]


def test_one_parse_per_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page is parsed once; trafilatura, the metadata, captions and the structural filters
    all read that tree."""
    Cleaner.from_files().clean(RawArticle(source_file="warm.html", html=PAGE))  # imports trafilatura's parts
    parses = []
    real = lxml.html.document_fromstring

    def counting(*args: object, **kwargs: object) -> object:
        parses.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lxml.html, "document_fromstring", counting)
    monkeypatch.setattr(html_extract, "document_fromstring", counting)
    article = Cleaner.from_files().clean(RawArticle(source_file="page.html", html=PAGE))
    assert article.paragraphs and len(parses) == 1


def test_beautifulsoup_is_not_used() -> None:
    code = (
        "import sys; from pipeline import Cleaner, RawArticle;"
        "from tests.test_html_extract import PAGE;"
        "Cleaner.from_files().clean(RawArticle(source_file='p.html', html=PAGE));"
        "print('bs4' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert done.stdout.strip() == "False"


def test_fragment_is_read_from_its_container() -> None:
    """A JSONL record's html can be a fragment, which trafilatura's loader refuses."""
    article = clean("<p>First paragraph of the record.</p><p>Second paragraph of the record.</p>")
    assert article["paragraphs"] == ["First paragraph of the record.", "Second paragraph of the record."]


def test_deterministic_whatever_came_before() -> None:
    other = PAGE.replace("ferry", "bus").replace("Ferry", "Bus")
    first = clean(PAGE)
    clean(other)
    gc.collect()
    assert clean(PAGE) == first
    assert [clean(page) for page in (other, PAGE)][1] == first
