"""Full-page text dumps: the article's run of prose is kept, menus, footers and threads go."""

from __future__ import annotations

import pytest

from pipeline.clean.dump import line_model
from pipeline.clean.dump.line_model import article_scores, continues, headline_line, paragraphs_of, stop_words
from pipeline.clean.dump.region import article_region, is_page_dump
from pipeline.core.settings import SHIPPED

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
    settings = SHIPPED.page_dump
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


def paragraphs_of_(lines: list[str]) -> list[tuple[int, int]]:
    return paragraphs_of(lines, SHIPPED.page_dump.paragraph_max_lines)


def test_inline_fragments_are_read_as_one_paragraph() -> None:
    # A line that starts lower-case or with punctuation continues the one above unless that one
    # ended a sentence ...
    assert continues("the mayor said", "on Monday") and not continues("He left.", "on Monday")
    assert paragraphs_of_(["Contact", "us", "Imprint"]) == [(0, 1), (2, 2)]
    # ... and a sentence whose links became lines of their own (a capitalized linked name among
    # them) is one paragraph up to the line that ends it.
    sentence = ["Trains run via", "Austria", "or via", "Switzerland", ", with delays."]
    assert paragraphs_of_([*sentence, "Contact", "us"]) == [(0, 4), (5, 6)]
    assert paragraphs_of_(["Home", *sentence, "Next."]) == [(0, 5), (6, 6)]


@pytest.mark.parametrize(
    "lines",
    [
        ["Anna Smith", "2 hours ago", "I have lived here for years and never saw it."],  # a comment's head
        ["News", "Sport", "Weather", "Contact us."],  # a menu
        ["Trains run via", "Austria", *["or via", "Switzerland"] * 6, "."],  # no end within 12 lines
    ],
)
def test_lines_that_only_end_together_are_not_a_sentence(lines: list[str]) -> None:
    assert paragraphs_of_(lines)[0] == (0, 0)


def test_the_headline_is_found_when_the_title_carries_the_site_name() -> None:
    lines = ["Council approves budget - Riverside Post", *MENU, "Council approves budget", *BODY]
    assert headline_line(lines) == len(MENU) + 1
    assert headline_line(["Riverside Post", *MENU]) is None


def test_lines_dropped_inside_the_kept_span_are_audited_apart(clean_text, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    box = ["Shop now", "Gift cards", "Store finder", "Sale", "New in", "Brands", "Outlet"]
    lines = ["Council approves budget | Riverside Post", *MENU * 2, BODY[0], *box, *BODY[1:], *FOOTER]
    wanted = set(BODY)
    monkeypatch.setattr(line_model, "article_lines", lambda texts, settings, region: [t in wanted for t in texts])
    article = clean_text("\n".join(lines))
    assert [p.text for p in article.paragraphs] == BODY
    rules = {r.text: r.rule for r in article.removed}
    assert {rules[line] for line in box} == {"page.boilerplate_line"}
    assert {rules[line] for line in MENU + FOOTER} == {"page.outside_article"}


def test_stop_words_come_from_the_page_language() -> None:
    assert "und" in stop_words("de") and "the" in stop_words("en")
    assert stop_words(None) == frozenset() and stop_words("xx") == frozenset()


def test_scores_are_probabilities_per_line() -> None:
    lines = ["Council approves budget | Riverside Post", *MENU * 2, "Council approves budget", *BODY, *FOOTER]
    settings = SHIPPED.page_dump
    scores = article_scores(lines, settings, article_region(lines, settings))
    assert len(scores) == len(lines) and all(0.0 <= s <= 1.0 for s in scores)
    body = [scores[lines.index(line)] for line in BODY]
    assert min(body) > max(scores[lines.index(line)] for line in FOOTER)
