"""Full-page text dumps: the article's run of prose is kept, menus, footers and threads go."""

from __future__ import annotations

from pipeline.page_dump import is_page_dump
from pipeline.rules import PageDumpSettings

from .conftest import FIXTURES

MENU = ["Home", "News", "Local", "Politics", "Business", "Sports", "Weather", "Subscribe", "Sign In", "Search"]
BODY = [
    "The city council approved next year's budget at 4 a.m. on Wednesday after a session that lasted more than "
    "eleven hours and ended with a narrow vote.",
    "The budget cuts evening opening at three libraries and moves the money to repairs on two bridges that failed "
    "their inspections in the spring.",
    "Librarians said evening visitors were mostly students and shift workers, and asked the council to keep at "
    "least one branch open late on weekdays.",
]
FOOTER = ["About us", "Contact", "Careers", "Privacy Policy", "Terms of Use", "Cookie Settings", "Advertise"]


def test_dump_detection() -> None:
    settings = PageDumpSettings()
    assert is_page_dump(MENU * 3 + BODY + FOOTER, settings)
    assert not is_page_dump(BODY * 12, settings)  # long prose lines: an article, however long
    assert not is_page_dump(MENU, settings)  # too few lines to judge


def test_region_keeps_the_article_and_inline_fragments(clean_text) -> None:  # type: ignore[no-untyped-def]
    body = [
        BODY[0],
        "“We had no choice,”",
        "the mayor said.",
        BODY[1],
        "Read more:",
        "Bridge repairs delayed again",
        BODY[2],
    ]
    article = clean_text(
        "\n".join(MENU * 2 + ["Council approves budget"] + body + ["12 Comments", "Karl", "Typical council."] + FOOTER)
    )
    assert article.page_dump
    assert [p.text for p in article.paragraphs] == [BODY[0], "“We had no choice,”", "the mayor said.", BODY[1], BODY[2]]
    rules = {r.rule for r in article.removed}
    assert {"page.outside_article", "related.label_only"} <= rules


def test_caption_above_a_credit_line_becomes_a_caption_in_dumps(clean_text) -> None:  # type: ignore[no-untyped-def]
    lines = (
        MENU * 2
        + [BODY[0], "Trawlers moored in the harbor on Thursday.", "Photo: Erik Lund", BODY[1], BODY[2]]
        + FOOTER
    )
    article = clean_text("\n".join(lines))
    assert [(c.text, c.credit) for c in article.captions] == [
        ("Trawlers moored in the harbor on Thursday.", "Erik Lund")
    ]
    assert [p.text for p in article.paragraphs] == BODY


def test_golden_dump_fixture_keeps_every_body_paragraph(clean_text) -> None:  # type: ignore[no-untyped-def]
    text = (FIXTURES / "golden" / "harbor-wall.dump.txt").read_text(encoding="utf-8")
    gold = (FIXTURES / "golden" / "harbor-wall.gold.txt").read_text(encoding="utf-8").split("\n\n")
    kept = [p.text for p in clean_text(text).paragraphs]
    assert all(paragraph.strip() in kept for paragraph in gold)


def test_the_run_under_the_headline_beats_a_longer_thread_elsewhere(clean_text) -> None:  # type: ignore[no-untyped-def]
    comment = (
        "I have lived by this bridge for forty years and I have never once seen the council keep a "
        "promise about it, so forgive me if I do not believe a word of this plan until I see it."
    )
    lines = [
        "Council approves budget | Riverside Post",
        *MENU,
        "Council approves budget",
        "By Anna Berg",
        *BODY,
        *FOOTER,
        "Reader comments",
        *[line for n in range(8) for line in (f"Reader{n} Smith", f"{n + 2} hours ago", f"{comment} ({n})", "Reply")],
        *FOOTER,
    ]
    assert [p.text for p in clean_text("\n".join(lines)).paragraphs] == BODY
