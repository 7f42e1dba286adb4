"""Hand-made pages of the shapes a news site serves besides its articles (a section front, a tag
page, a live-ticker index, an author page) and articles that look like lists (a list article, a
recipe, a Q&A interview, a bare story without metadata). Built in code so each shape is explicit;
all text is invented."""

from __future__ import annotations

import json

WORDS = (
    "council harbour budget river school bridge station market hospital museum festival farmers "
    "ferry court library tram airport housing energy water police teachers drivers workers"
).split()


def sentence(seed: int, words: int = 18) -> str:
    picked = [WORDS[(seed * 7 + i * 5) % len(WORDS)] for i in range(words)]
    return " ".join(["The", *picked[:-1], "said", "on", "Monday"]) + "."


def paragraph(seed: int, sentences: int = 3) -> str:
    return " ".join(sentence(seed + i) for i in range(sentences))


NAV = "".join(f'<li><a href="/{w}">{w.title()}</a></li>' for w in WORDS[:10])
HEAD = (
    '<header class="site-header"><a class="logo" href="/">Daily Courier</a><nav><ul class="menu">{}</ul></nav></header>'
)
FOOT = (
    '<footer class="site-footer"><ul>'
    + "".join(
        f'<li><a href="/{p}">{p.title()}</a></li>' for p in ("imprint", "privacy", "contact", "jobs", "advertise")
    )
    + "</ul><p>© 2024 Daily Courier</p></footer>"
)


def page(title: str, body: str, head_extra: str = "", url: str | None = None) -> str:
    canonical = f'<link rel="canonical" href="{url}">' if url else ""
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title} | Daily Courier</title>{canonical}"
        f"{head_extra}</head><body>{HEAD.format(NAV)}<main>{body}</main>{FOOT}</body></html>"
    )


def ld(data: dict[str, object]) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def teaser(i: int, section: str) -> str:
    return (
        f'<div class="teaser"><a href="/{section}/2024/05/{i:02d}/story-{i}"><img src="/i/{i}.jpg" alt=""></a>'
        f'<h3><a href="/{section}/2024/05/{i:02d}/story-{i}">{sentence(i, 8)[:-1]}</a></h3>'
        f"<p>{sentence(i + 50, 12)}</p><time datetime='2024-05-{i:02d}'>{i} May</time></div>"
    )


def section_front() -> str:
    cards = "".join(teaser(i, "politics") for i in range(1, 16))
    return page(
        "Politics", f'<h1>Politics</h1><div class="grid">{cards}</div>', url="https://courier.example/politics/"
    )


def tag_page() -> str:
    items = "".join(
        f'<li><a href="/news/2024/04/{i:02d}/elections-{i}">{sentence(i, 9)[:-1]}</a> <span>{i} April 2024</span></li>'
        for i in range(1, 21)
    )
    pages = "".join(f'<a href="/tag/elections?page={i}">{i}</a>' for i in range(1, 6))
    return page(
        "Elections",
        f'<h1>Topic: Elections</h1><ul class="tag-list">{items}</ul><div class="pagination">{pages}</div>',
        url="https://courier.example/tag/elections",
    )


def live_ticker_index() -> str:
    cards = "".join(
        f'<article class="live-card"><span class="badge">Live</span><h2><a href="/live/2024/06/{i:02d}/ticker-{i}">'
        f"{sentence(i, 7)[:-1]}</a></h2><time datetime='2024-06-{i:02d}T10:00'>10:00</time></article>"
        for i in range(1, 13)
    )
    return page("Live", f"<h1>Live tickers</h1><section>{cards}</section>", url="https://courier.example/live/")


def author_page() -> str:
    stories = "".join(
        f'<li class="story"><a href="/city/2024/03/{i:02d}/report-{i}">{sentence(i, 8)[:-1]}</a>'
        f"<time datetime='2024-03-{i:02d}'>{i} March</time></li>"
        for i in range(1, 16)
    )
    body = (
        '<div class="author-profile"><h1>Mara Lindqvist</h1><p class="bio">Mara covers the city council and '
        "transport for the Courier. She joined the paper in 2015 after ten years at a regional radio station.</p>"
        f'<a href="mailto:mara@courier.example">Email</a></div><h2>Latest stories</h2><ul>{stories}</ul>'
    )
    return page("Mara Lindqvist", body, url="https://courier.example/authors/mara-lindqvist")


def story_meta(headline: str, kind: str = "NewsArticle") -> str:
    return (
        ld({"@context": "https://schema.org", "@type": kind, "headline": headline,
            "datePublished": "2024-05-02T08:00:00Z", "author": {"@type": "Person", "name": "Jon Berg"}})
        + '<meta property="og:type" content="article"><meta property="article:published_time" content="2024-05-02">'
    )  # fmt: skip


def article_body(headline: str, inner: str) -> str:
    return (
        f'<article class="story"><h1>{headline}</h1><p class="byline">By Jon Berg</p>'
        f"<time datetime='2024-05-02'>2 May 2024</time>{inner}</article>"
    )


def list_article() -> str:
    headline = "Ten ways the harbour will change this summer"
    items = "".join(f"<h2>{i}. {sentence(i, 6)[:-1]}</h2><p>{paragraph(i * 3, 2)}</p>" for i in range(1, 11))
    return page(headline, article_body(headline, f"<p>{paragraph(99)}</p>{items}"), story_meta(headline),
                url="https://courier.example/city/2024/05/02/ten-ways-the-harbour-will-change")  # fmt: skip


def recipe() -> str:
    headline = "Fish soup from the harbour market"
    ingredients = "".join(f"<li>{n} {w}</li>" for n, w in zip(range(1, 11), WORDS, strict=False))
    steps = "".join(f"<li><p>{paragraph(i, 2)}</p></li>" for i in range(6))
    inner = f"<p>{paragraph(5)}</p><h2>Ingredients</h2><ul>{ingredients}</ul><h2>Method</h2><ol>{steps}</ol>"
    return page(headline, article_body(headline, inner), story_meta(headline, "Recipe"),
                url="https://courier.example/food/fish-soup-from-the-harbour-market")  # fmt: skip


def interview() -> str:
    headline = "The ferry captain who will not retire"
    pairs = "".join(f"<p><strong>{sentence(i, 8)[:-1]}?</strong></p><p>{paragraph(i + 20, 2)}</p>" for i in range(8))
    return page(headline, article_body(headline, f"<p>{paragraph(3)}</p>{pairs}"), story_meta(headline),
                url="https://courier.example/people/2024/05/02/the-ferry-captain-who-will-not-retire")  # fmt: skip


def bare_story() -> str:
    headline = "Bridge repairs delayed until autumn"
    inner = "".join(f"<p>{paragraph(i * 4)}</p>" for i in range(7))
    return page(headline, f"<h1>{headline}</h1>{inner}")


NON_ARTICLES = {
    "section front": section_front,
    "tag page": tag_page,
    "live-ticker index": live_ticker_index,
    "author page": author_page,
}
ARTICLES = {
    "list article": list_article,
    "recipe": recipe,
    "Q&A interview": interview,
    "bare story": bare_story,
}
