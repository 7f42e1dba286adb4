"""Issue 24, dates: the update date a page prints by its headline ("Updated March 9, 2024",
"Aktualisiert am 9. März 2024", "Mis à jour le …", "Actualizado el …") fills `updated` when the
markup (JSON-LD dateModified, article:modified_time, …) states none — and never `published`
(clean/html/metadata.py: _printed_update). It reaches articles.updated_at, clean_articles, the
text report's metadata counts and the HTML report's article facts. The pages are hand-written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from pipeline.clean.html.extract import extract_html
from pipeline.report.html_page import load_page_data, render_page
from pipeline.report.summary import load_report
from pipeline.run.runner import run_batch

PUBLISHED = '<meta property="article:published_time" content="2024-03-02T08:00:00+00:00">'
MODIFIED = '<meta property="article:modified_time" content="2024-03-05T10:00:00+00:00">'
BODY = "<p>The council voted on Tuesday to rebuild the old bridge over the river before next winter.</p>"


def page(
    byline: str, head: str = PUBLISHED, lang: str = "en", body: str = BODY, title: str = "Bridge to be rebuilt"
) -> str:
    return f"<!doctype html><html lang='{lang}'><head>{head}</head><body><h1>{title}</h1>{byline}{body}</body></html>"


@pytest.mark.parametrize(
    ("byline", "lang"),
    [
        ("<p>By Jane Roe · Updated March 9, 2024</p>", "en"),
        ("<p>By Jane Roe</p><p>Last updated on: Saturday, March 9, 2024</p>", "en"),
        ("<p>Published March 2, 2024 | Updated: Mar. 9, 2024</p>", "en"),
        ("<p>Von Karl Beispiel · Aktualisiert am 9. März 2024</p>", "de"),
        ("<p>Par Marie Dupont · Mis à jour le 9 mars 2024</p>", "fr"),
        ("<p>Por Ana García · Actualizado el 9 de marzo de 2024</p>", "es"),
        ("<p><span class='entry-modified-time'>March 9, 2024</span></p>", "en"),  # its class says so
    ],
)
def test_a_printed_update_fills_updated_not_published(byline: str, lang: str) -> None:
    found = extract_html(page(byline, lang=lang))
    assert found.updated == "2024-03-09"
    assert found.published == "2024-03-02T08:00:00+00:00"


@pytest.mark.parametrize(
    ("byline", "head", "updated"),
    [
        # the markup states the update: it stays, the printed one is not read
        ("<p>By Jane Roe · Updated March 9, 2024</p>", PUBLISHED + MODIFIED, "2024-03-05T10:00:00+00:00"),
        # a printed day with no update word by it is no update
        ("<p>By Jane Roe · March 9, 2024</p>", PUBLISHED, None),
        # an "update" before the publication is none
        ("<p>By Jane Roe · Updated February 20, 2024</p>", PUBLISHED, None),
        # far below the headline (a footer's "Updated" after the body)
        (f"<p>{'Words of the lead paragraph go on here. ' * 20}</p><p>Updated March 9, 2024</p>", PUBLISHED, None),
        # an update word that is not by the date
        ("<p>Updated rules for the bridge were agreed by the council on March 9, 2024</p>", PUBLISHED, None),
    ],
)
def test_no_printed_update_is_read(byline: str, head: str, updated: str | None) -> None:
    assert extract_html(page(byline, head=head)).updated == updated


def test_a_printed_update_after_the_fetch_is_skipped() -> None:
    byline = "<p>By Jane Roe · Updated March 9, 2024</p>"
    assert extract_html(page(byline), latest="2024-03-08").updated is None
    assert extract_html(page(byline), latest="2024-03-09").updated == "2024-03-09"


@given(st.dates(min_value=date(2024, 3, 2), max_value=date(2099, 12, 31)))
def test_any_later_printed_update_is_the_update(day: date) -> None:
    found = extract_html(page(f"<p>By Jane Roe · Updated {day.strftime('%B %d, %Y')}</p>"))
    assert (found.updated, found.published) == (day.isoformat(), "2024-03-02T08:00:00+00:00")


def test_the_printed_update_reaches_the_table_and_the_reports(engine: sa.Engine, tmp_path: Path) -> None:
    batch = tmp_path / "2024-03-10"
    batch.mkdir()
    (batch / "bridge.html").write_text(page("<p>Von Karl Beispiel · Aktualisiert am 9. März 2024</p>", lang="de"))
    ferry = "<p>Der Rat hat am Dienstag beschlossen, die alte Fähre über den Fluss noch vor dem Winter zu ersetzen.</p>"
    (batch / "ferry.html").write_text(page("<p>Von Karl Beispiel</p>", lang="de", body=ferry, title="Neue Fähre"))
    run_batch(engine, batch, "2024-03-10")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT source_file, updated_at FROM clean_articles ORDER BY 1")).all()
    assert [(name, moment.isoformat() if moment else None) for name, moment in rows] == [
        ("bridge.html", "2024-03-09T00:00:00+00:00"),
        ("ferry.html", None),
    ]
    report = load_report(engine, "2024-03-10")
    assert report.metadata["updated"] == 1
    assert "seo_title 0, updated 1" in report.render()
    assert "updated <b>2024-03-09 00:00:00 UTC</b>" in render_page(load_page_data(engine, "2024-03-10"))
