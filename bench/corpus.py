"""A deterministic generator of noisy articles in the seeds' styles, for benchmarks and demos.

Body sentences are drawn from a synthetic Zipf-distributed vocabulary (function words are
frequent, content words rare), so paragraphs overlap about as much as real prose does.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

FUNCTION_WORDS = (
    "the of and to in a that said for on was with as by at from his its it be has have "
    "an are were is this which after their but not will would who they had been more"
).split()
SYLLABLES = [
    "ka",
    "ro",
    "ven",
    "dal",
    "mi",
    "tor",
    "sa",
    "len",
    "bri",
    "os",
    "tar",
    "un",
    "gel",
    "pe",
    "rin",
    "cor",
    "va",
    "lis",
    "mon",
    "te",
]
CONTENT_WORDS = ["".join(p) for p in itertools.product(SYLLABLES, repeat=3)][:6000]
PLACES = ["Lyon", "Tallinn", "Porto", "Gdansk", "Vardo", "Split", "Ghent", "Bergen", "Turku", "Cork"]
NAMES = ["Jane Roe", "Erik Lund", "Maria Kask", "Jonas Petraitis", "Rosa Almeida", "Jan Novak", "Claire Martin"]
SECTIONS = ["Europe", "Economy", "Energy", "Politics", "World"]
NOISE = [
    "Advertisement",
    "Share this article",
    "Facebook Twitter Email Print",
    "Read more: {title}",
    "Sign up for our Morning Briefing newsletter and get the news in your inbox.",
    "12 Comments",
    "Follow us on Twitter for the latest news.",
]
_WEIGHTS = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(CONTENT_WORDS))))


def sentence(rng: random.Random) -> str:
    length = rng.randint(8, 28)
    tokens = [
        rng.choice(FUNCTION_WORDS) if rng.random() < 0.45 else rng.choices(CONTENT_WORDS, cum_weights=_WEIGHTS)[0]
        for _ in range(length)
    ]
    if rng.random() < 0.3:
        tokens.insert(rng.randint(0, len(tokens)), rng.choice(PLACES))
    return " ".join(tokens).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(1, 3)))


def gallery_block(rng: random.Random) -> str:
    name = rng.choice(NAMES)
    one = f"Combined Shape Caption {sentence(rng)} (AP Photo/{name}) Credit: {name} Credit: {name}"
    return f"{one} {one}"


def noisy_article(rng: random.Random, number: int) -> str:
    title = f"{rng.choice(PLACES)} {rng.choice(['votes on', 'debates', 'rejects', 'approves'])} plan number {number}"
    style = rng.randint(0, 2)
    body = [paragraph(rng) for _ in range(rng.randint(6, 14))]
    for _ in range(rng.randint(1, 4)):
        body.insert(rng.randint(1, len(body)), rng.choice(NOISE).format(title=title))
    if rng.random() < 0.3:
        body.insert(rng.randint(1, len(body)), body[0])  # a verbatim repeat
    if style == 0:  # wire story with a date marker and a photo gallery
        galleries = [gallery_block(rng) for _ in range(rng.randint(1, 5))]
        text = f" date 2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} " + "\n\n".join(body + galleries)
        return text + "\n\nCopyright 2024 The Associated Press. All rights reserved."
    if style == 1:  # agency page with a header block and a subscription footer
        header = [
            rng.choice(SECTIONS),
            title,
            f"Officials in {rng.choice(PLACES)} weigh the costs of the plan",
            f"{rng.choice(NAMES)}  | 1{rng.randint(0, 9)}.0{rng.randint(1, 9)}.2024 - Update : "
            f"1{rng.randint(0, 9)}.0{rng.randint(1, 9)}.2024\n{title}",
            f"{rng.choice(PLACES).upper()}, Europe",
        ]
        footer = (
            "Anadolu Agency website contains only a portion of the news stories offered to subscribers "
            "of its wire, in summary. Please contact us for subscription options."
        )
        return "\n\n".join([*header, *body, footer])
    return "\n".join([title, *body])  # headline then one paragraph per line


def noisy_articles(count: int, seed: int = 7, spans: bool = False) -> Iterator[str]:
    """`count` noisy articles; with `spans`, the same articles with galleries and long repeated
    spans added to some of them (spanned_article), drawn from a second generator so that the
    articles themselves stay those of the plain corpus."""
    rng, extra = random.Random(seed), random.Random(seed + 1)
    for number in range(count):
        text = noisy_article(rng, number)
        yield spanned_article(extra, text) if spans else text


# ---------------------------------------------------------------- galleries and long repeated spans (issue 27)


def long_repeat(rng: random.Random) -> str:
    """A long span said two or three times in one paragraph: a widget that flattens a block of
    text (a slideshow's long captions, an embedded "key points" box) once per view."""
    span = " ".join(paragraph(rng) for _ in range(rng.randint(2, 5)))
    return " ".join([span] * rng.randint(2, 3))


def spanned_article(rng: random.Random, text: str) -> str:
    """The article with, drawn by rng: a long gallery (8 to 20 doubled captions) at its end in one
    article of four, and one or two long repeated spans among its paragraphs in one of three."""
    separator = "\n\n" if "\n\n" in text else "\n"  # the article's own paragraph breaks
    paragraphs = text.split(separator)
    if rng.random() < 0.25:
        paragraphs += [gallery_block(rng) for _ in range(rng.randint(8, 20))]
    if rng.random() < 1 / 3:
        for _ in range(rng.randint(1, 2)):
            paragraphs.insert(rng.randint(2, len(paragraphs)), long_repeat(rng))
    return separator.join(paragraphs)


# ---------------------------------------------------------------- syndicated agency copy (issue 26)
# (agency's byline in brackets, its id in pipeline/data/bylines.yaml, the dash its datelines use)
AGENCY_DATELINES = [("AP", "ap", "—"), ("Reuters", "reuters", "-"), ("AFP", "afp", "-"), ("dpa", "dpa", "-")]
PAPERS = ["gazette", "courier", "herald", "tribune", "chronicle"]


def syndicated_corpus(count: int, copy_share: float = 0.02, seed: int = 11) -> Iterator[tuple[str, str, str | None]]:
    """(path, text, agency id of the story or None) for `count` articles: agency stories under
    wire/ opening with their dateline ("LYON (AP) — ..."), each reprinted under a paper's folder
    without any mark of its origin (the dateline cut, a new headline, the last paragraph dropped),
    and the papers' own stories. Copies make up `copy_share` of the articles."""
    rng = random.Random(seed)
    copies = max(1, round(count * copy_share))
    stories = max(1, copies // 2)  # two copies of each agency story
    own = count - stories - copies
    for number in range(stories):
        agency, agency_id, dash = AGENCY_DATELINES[number % len(AGENCY_DATELINES)]
        body = [paragraph(rng) + " " + paragraph(rng) for _ in range(rng.randint(5, 8))]
        title = f"{rng.choice(PLACES)} {rng.choice(['votes on', 'debates', 'rejects', 'approves'])} wire plan {number}"
        opening = f"{rng.choice(PLACES).upper()} ({agency}) {dash} {body[0]}"
        yield f"wire/story-{number:05d}.txt", "\n\n".join([title, opening, *body[1:]]) + "\n", agency_id
        for copy in range(copies // stories + (number < copies % stories)):
            paper = PAPERS[(number + copy) % len(PAPERS)]
            reprint = [f"Our view: {title.lower()}", *body[:-1]]
            yield f"{paper}/copy-{number:05d}-{copy}.txt", "\n\n".join(reprint) + "\n", agency_id
    for number in range(own):
        body = [paragraph(rng) + " " + paragraph(rng) for _ in range(rng.randint(4, 7))]
        title = f"{rng.choice(PLACES)} {rng.choice(['opens', 'closes', 'builds', 'sells'])} local site {number}"
        yield f"{rng.choice(PAPERS)}/own-{number:05d}.txt", "\n\n".join([title, *body]) + "\n", None


# ---------------------------------------------------------------- sources over batches (drift, issue 26)

# Each generated source has a layout of its own: the noise lines around its stories, removed by
# shipped rules (an ad marker, share buttons, a newsletter box, a follow-us line).
SOURCE_LAYOUTS = (
    ("Advertisement", "Share this article"),
    ("Sign up for our Morning Briefing newsletter and get the news in your inbox.", "Advertisement"),
    ("Follow us on Twitter for the latest news.", "Facebook Twitter Email Print"),
    ("Share this article", "Sign up for our Morning Briefing newsletter and get the news in your inbox."),
)
# What a source whose site was redesigned prints instead: a footer no shipped rule knows.
BROKEN_FOOTER = "{source} newsroom · Terms of service · Masthead · Corrections · Contact the editors"


def source_story(rng: random.Random, source: str, layout: int, number: int, broken: bool = False) -> str:
    """One text article of a source in its layout; broken: the redesigned site (half the body, its
    noise replaced by a new footer)."""
    title = f"{rng.choice(PLACES)} {rng.choice(['votes on', 'debates', 'rejects', 'approves'])} {source} item {number}"
    body = [paragraph(rng) for _ in range(rng.randint(7, 11))]
    if broken:
        return "\n\n".join([title, *body[: len(body) // 2], BROKEN_FOOTER.format(source=source.title())])
    first, last = SOURCE_LAYOUTS[layout % len(SOURCE_LAYOUTS)]
    body.insert(rng.randint(1, 3), first)
    if rng.random() < 0.3:  # now and then a line of another layout: a site's noise varies a little
        body.insert(rng.randint(1, len(body)), rng.choice(SOURCE_LAYOUTS)[rng.randint(0, 1)])
    return "\n\n".join([title, *body, last])


def source_batch(
    folder: Path, sources: Sequence[str], batch: int, articles: int = 10, broken: Sequence[str] = (), seed: int = 11
) -> Path:
    """Write one batch folder: <folder>/<source>/<n>.txt, `articles` stories per source (the sub-folder
    names the source), the sources in `broken` redesigned. Deterministic per (seed, batch)."""
    for index, source in enumerate(sources):
        rng = random.Random(f"{seed}-{batch}-{source}")
        (folder / source).mkdir(parents=True, exist_ok=True)
        for n in range(articles):
            text = source_story(rng, source, index, batch * 1000 + n, broken=source in broken)
            (folder / source / f"{n:03d}.txt").write_text(text + "\n", encoding="utf-8")
    return folder
