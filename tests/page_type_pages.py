"""Hand-made pages of the shapes a news site serves besides its articles (a section front, a tag
page, a live-ticker index, an author page, a shop's product page, a documentation page) and articles
that look like lists or link a lot (a list article, a recipe, a Q&A interview, a bare story without
metadata, a long read with many inline links). Built in code so each shape is explicit;
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


def product_page() -> str:
    name = "Harbour Rain Jacket"
    offer = {"@type": "Offer", "price": "89.00", "priceCurrency": "EUR", "availability": "https://schema.org/InStock"}
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": name,
        "sku": "HRJ-204",
        "offers": offer,
    }
    sizes = "".join(f'<option value="{size}">{size}</option>' for size in ("S", "M", "L", "XL"))
    specs = "".join(f"<tr><th>{w.title()}</th><td>{n * 3} cm</td></tr>" for n, w in enumerate(WORDS[:6], 1))
    related = "".join(
        f'<li class="product-card"><a href="/shop/item-{i}"><img src="/p/{i}.jpg" alt="">{w.title()} bag</a>'
        f'<span class="price">{19 + i}.99 €</span></li>'
        for i, w in enumerate(WORDS[6:14])
    )
    body = (
        f'<nav class="breadcrumb"><a href="/shop">Shop</a> › <a href="/shop/jackets">Jackets</a></nav>'
        f'<div class="product"><h1 itemprop="name">{name}</h1><span class="price" itemprop="price">89.00 €</span>'
        f'<form class="add-to-cart" action="/cart"><select name="size">{sizes}</select>'
        f'<input type="number" name="qty" value="1"><button type="submit">Add to cart</button></form>'
        f'<p>{sentence(3, 16)}</p><table class="specs">{specs}</table></div>'
        f'<h2>You may also like</h2><ul class="related-products">{related}</ul>'
    )
    return page(name, body, ld(data) + '<meta property="og:type" content="product">',
                url="https://courier.example/shop/jackets/harbour-rain-jacket")  # fmt: skip


def documentation_page() -> str:
    toc = "".join(f'<li class="toctree-l1"><a href="/docs/api/{w}.html">{w}</a></li>' for w in WORDS[:12])
    sections = "".join(
        f'<h2 id="{w}">{w}()</h2><p>Returns the {w} of the given record. Raises an error when it is missing:</p>'
        f'<pre class="highlight"><code>record.{w}(strict=True)\n# returns a {w}</code></pre>'
        f"<dl><dt>strict</dt><dd>Whether to raise.</dd></dl>"
        for w in WORDS[:8]
    )
    body = (
        f'<div class="sphinxsidebar"><ul>{toc}</ul></div><div class="document"><h1>Record API reference</h1>'
        f"<p>This page lists the methods of a record.</p>{sections}</div>"
    )
    return page("Record API reference", body, '<meta name="generator" content="Sphinx 7.2.6">',
                url="https://courier.example/docs/api/record.html")  # fmt: skip


def long_read() -> str:
    """A long-form story that links a lot: to earlier reports, documents and people, inline."""
    headline = "How the harbour ferry lost its money, and who knew"
    inner = "".join(
        f"<p>{paragraph(i * 2)} As <a href='/city/2023/0{1 + i % 9}/{i:02d}/earlier-report-{i}'>we reported "
        f"earlier</a>, the <a href='/documents/ferry-audit-{i}.pdf'>audit</a> names the "
        f"<a href='/tag/ferry'>ferry</a> board and <a href='/people/board-member-{i}'>its chair</a>.</p>"
        + (f"<h2>{sentence(i, 5)[:-1]}</h2>" if i % 4 == 3 else "")
        for i in range(14)
    )
    related = "".join(
        f'<li><a href="/city/2024/04/{i:02d}/ferry-{i}">{sentence(i + 30, 8)[:-1]}</a></li>' for i in range(1, 7)
    )
    url = "https://courier.example/city/2024/05/02/how-the-harbour-ferry-lost-its-money"
    body = article_body(headline, inner) + f'<aside class="related"><ul>{related}</ul></aside>'
    return page(headline, body, story_meta(headline), url=url)


NON_ARTICLES = {
    "section front": section_front,
    "tag page": tag_page,
    "live-ticker index": live_ticker_index,
    "author page": author_page,
    "product page": product_page,
    "documentation page": documentation_page,
}
ARTICLES = {
    "list article": list_article,
    "recipe": recipe,
    "Q&A interview": interview,
    "bare story": bare_story,
    "long read with many links": long_read,
}
