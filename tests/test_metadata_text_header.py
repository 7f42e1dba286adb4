"""Issue 24: the plain-text header reader's byline and date shapes (pipeline/data/rules.yaml
`bylines:`) filled in for every shipped language: a date alone on a header line, a labelled date,
"Escrito por" / "Tekst:" openings, "(dpa)" after the names, "le" / "de" inside the byline's date,
"Stand:". Each shape with a line that must match it and one that must not; the texts are hand-written."""

from __future__ import annotations

import pytest

TEXT = "Council to rebuild the old bridge\n\n{line}\n\nThe council voted on Tuesday to rebuild the old bridge.\n"


@pytest.mark.parametrize(
    ("line", "authors", "agencies", "published", "updated"),
    [
        ("28. April 2023", [], [], "2023-04-28", None),
        ("28 avril 2023", [], [], "2023-04-28", None),
        ("28 de abril de 2023", [], [], "2023-04-28", None),
        ("28 kwietnia 2023", [], [], "2023-04-28", None),
        ("April 28, 2023", [], [], "2023-04-28", None),
        ("2023-04-28", [], [], "2023-04-28", None),
        ("28.04.2023, 14:30 Uhr", [], [], "2023-04-28T14:30:00", None),
        ("Datum: 28.04.2023", [], [], "2023-04-28", None),
        ("Fecha: 28/04/2023", [], [], "2023-04-28", None),
        ("Dodano: 28.04.2023", [], [], "2023-04-28", None),
        ("Stand: 28.04.2023 14:30 Uhr", [], [], None, "2023-04-28T14:30:00"),
        ("Par Marie Dupont, le 28 avril 2023", ["Marie Dupont"], [], "2023-04-28", None),
        ("Por Ana García | 28 de abril de 2023", ["Ana García"], [], "2023-04-28", None),
        ("Escrito por Ana García", ["Ana García"], [], None, None),
        ("Geschrieben von Karl Beispiel", ["Karl Beispiel"], [], None, None),
        ("Tekst: Anna Nowak", ["Anna Nowak"], [], None, None),
        ("Von Anna Muster (dpa)", ["Anna Muster"], ["dpa"], None, None),
    ],
)
def test_text_header_shapes_match(  # type: ignore[no-untyped-def]
    clean_text, line: str, authors: list[str], agencies: list[str], published: str | None, updated: str | None
) -> None:
    article = clean_text(TEXT.format(line=line))
    assert (article.authors, article.agencies, article.published, article.updated) == (
        authors,
        agencies,
        published,
        updated,
    )
    assert all(line not in paragraph.text for paragraph in article.paragraphs)


@pytest.mark.parametrize(
    "line",
    [
        "12 Monkeys 1995 is showing again at the old cinema by the river tonight.",  # no month's name
        "Data from 2023 show that more people crossed the bridge by bicycle.",  # "Data" without a label's colon
        "Datum und Ort der Abstimmung stehen noch nicht fest, sagte der Rat.",
        "Escrito por encargo del ayuntamiento, el informe pide un puente nuevo.",  # no name after the words
        "Stand der Dinge: Die Brücke bleibt bis zum Winter für Lastwagen gesperrt.",  # no date after "Stand"
    ],
)
def test_text_lines_like_those_shapes_stay_body(clean_text, line: str) -> None:  # type: ignore[no-untyped-def]
    article = clean_text(TEXT.format(line=line))
    assert (article.authors, article.published, article.updated) == ([], None, None)
    assert any(line in paragraph.text for paragraph in article.paragraphs)
