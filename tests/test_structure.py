"""Header and paragraph structure read from plain text."""

from __future__ import annotations

import pytest

from pipeline.clean.structure import split_paragraphs

BODY = "The council approved the budget on Monday after a long debate that ran past midnight."


def test_blank_lines_separate_paragraphs_and_wrapped_lines_join() -> None:
    paragraphs = split_paragraphs("First line\nwrapped here.\n\n\nSecond paragraph.\n \nThird.")
    assert [p.text for p in paragraphs] == ["First line wrapped here.", "Second paragraph.", "Third."]
    assert [p.position for p in paragraphs] == [0, 1, 2]


def test_one_paragraph_per_line_without_blank_lines() -> None:
    assert [p.text for p in split_paragraphs("A.\r\nB.\rC.\n")] == ["A.", "B.", "C."]


@pytest.mark.parametrize(
    ("header", "field", "value"),
    [
        ("By Jane Roe and John Doe", "authors", ["Jane Roe", "John Doe"]),
        ("By JANE ROE, Associated Press", "authors", ["JANE ROE"]),
        ("By Jane Roe | July 29, 2022", "published", "2022-07-29"),
        ("Jane Roe | 03.02.2024 - Update : 04.02.2024", "updated", "2024-02-04"),
        ("Jane Roe | 03.02.2024 - Update : 04.02.2024", "published", "2024-02-03"),
        ("Published: March 3, 2024", "published", "2024-03-03"),
        ("Updated 3:45 PM EDT, Fri July 29, 2022", "updated", "2022-07-29T15:45:00-04:00"),
    ],
)
def test_byline_shapes(clean_text, header: str, field: str, value: object) -> None:  # type: ignore[no-untyped-def]
    article = clean_text(f"Council passes the city budget\n\n{header}\n\n{BODY}")
    assert getattr(article, field) == value
    assert [p.text for p in article.paragraphs] == [BODY]


@pytest.mark.parametrize(
    "prose",
    [
        "By Monday, the talks had collapsed and both sides went home.",
        "Published reports say the minister will resign next week.",
        "Updated figures show the deficit grew in 2023.",
    ],
)
def test_prose_that_looks_like_a_byline_stays_body(clean_text, prose: str) -> None:  # type: ignore[no-untyped-def]
    article = clean_text(f"Council passes the city budget\n\n{prose}\n\n{BODY}")
    assert article.authors == [] and article.published is None
    assert article.paragraphs[0].text == prose


def test_section_title_dek_dateline(clean_text) -> None:  # type: ignore[no-untyped-def]
    article = clean_text(
        "Politics\n\nCouncil passes the city budget\n\nLibraries lose a third of their hours under the plan\n\n"
        f"By Jane Roe\n\nLYON, France\n\n{BODY}"
    )
    assert (article.section, article.title, article.subtitle) == (
        "Politics",
        "Council passes the city budget",
        "Libraries lose a third of their hours under the plan",
    )
    assert article.authors == ["Jane Roe"] and article.dateline == "LYON, France"
    assert [p.text for p in article.paragraphs] == [BODY]


def test_inline_dateline_is_read_and_paragraph_kept(clean_text) -> None:  # type: ignore[no-untyped-def]
    first = "NEW YORK (AP) — Stocks rose on Tuesday as investors cheered the earnings reports."
    article = clean_text(f"Stocks rise on earnings\n\n{first}\n\n{BODY}")
    assert article.dateline == "NEW YORK"
    assert article.paragraphs[0].text == first


def test_article_starting_with_body_has_no_title(clean_text) -> None:  # type: ignore[no-untyped-def]
    article = clean_text(f"{BODY}\n\nSecond paragraph of the story follows here.")
    assert article.title is None and len(article.paragraphs) == 2


def test_given_title_is_trusted_and_its_repeat_dropped(clean_text) -> None:  # type: ignore[no-untyped-def]
    title = "Council passes the city budget"
    article = clean_text(f"{title}\n\nLibraries lose evening hours under the plan\n\n{BODY}", title=title)
    assert (article.title, article.subtitle) == (title, "Libraries lose evening hours under the plan")
    assert [p.text for p in article.paragraphs] == [BODY]
    assert [r.rule for r in article.removed] == ["repeat.title"]


def test_given_title_no_dek_guessed_without_the_repeated_headline(clean_text) -> None:  # type: ignore[no-untyped-def]
    article = clean_text(f"Short kicker line here\n\n{BODY}", title="Council passes the city budget")
    assert article.subtitle is None
    assert [p.text for p in article.paragraphs] == ["Short kicker line here", BODY]


def test_paragraph_per_line_text_with_one_blank_line_before_its_footer_keeps_its_paragraphs() -> None:
    body = [
        "The ferry between the two islands will run every hour from May, the regional transport office said on "
        "Tuesday, after a year in which it ran only four times a day.",
        "The operator has leased a second boat from a company on the mainland for the summer season.",
        "Islanders had collected more than two thousand signatures asking for the change last winter.",
    ]
    text = "\n".join(body) + "\n\nCopyright 2024 Island Courier. All rights reserved.\n"
    assert [p.text for p in split_paragraphs(text)] == [*body, "Copyright 2024 Island Courier. All rights reserved."]


def test_hard_wrapped_block_still_joins_beside_one_line_blocks() -> None:
    text = (
        "The harbour wall will be raised by half a metre, the council\n"
        "said on Monday, after two winters of flooding in the old town.\n\n"
        "Work starts in June.\nIt will take two years.\n"
    )
    assert [p.text for p in split_paragraphs(text)] == [
        "The harbour wall will be raised by half a metre, the council said on Monday, after two winters of "
        "flooding in the old town.",
        "Work starts in June.",
        "It will take two years.",
    ]
