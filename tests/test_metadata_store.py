"""The headline / authors / dates fields in PostgreSQL (migration 0019): articles.seo_title and
articles.agencies stored, clean_articles and article_authors show them, every new column has a
comment, the articles_by_author query and the report read them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.report.summary import load_report
from pipeline.run.runner import run_batch

from .conftest import ROOT

PAGE = """<!doctype html><html lang="de"><head>
<title>Neue Brücke f&uuml;r den Hafen | Hafenblatt</title>
<meta property="og:site_name" content="Hafenblatt">
<meta name="author" content="Anna Muster und Karl Beispiel, dpa">
<meta property="article:published_time" content="2023-04-28T09:30:00+02:00">
<link rel="canonical" href="https://www.hafenblatt.example/2023/04/28/neue-bruecke">
</head><body><article><h1>Neue Brücke für den Hafen</h1>
<p>Der Rat hat am Dienstag beschlossen, die alte Brücke über den Fluss noch vor dem Winter neu zu bauen.</p>
<p>Die Arbeiten sollen im Mai beginnen und bis zum Herbst dauern, teilte die Stadt am Abend mit.</p>
</article></body></html>"""


@pytest.fixture
def loaded(engine: sa.Engine, tmp_path: Path) -> sa.Engine:
    batch = tmp_path / "2023-04-28"
    batch.mkdir()
    (batch / "bruecke.html").write_text(PAGE, encoding="utf-8")
    run_batch(engine, batch, "2023-04-28")
    return engine


def test_new_fields_are_stored_and_shown_in_the_views(loaded: sa.Engine) -> None:
    with loaded.connect() as connection:
        row = connection.execute(
            sa.text("SELECT title, seo_title, authors, agencies, published_at FROM clean_articles")
        ).one()
        authors = connection.execute(sa.text("SELECT author, position FROM article_authors ORDER BY position")).all()
    assert row.title == "Neue Brücke für den Hafen"
    assert row.seo_title == "Neue Brücke für den Hafen | Hafenblatt"
    assert (row.authors, row.agencies) == (["Anna Muster", "Karl Beispiel"], ["dpa"])
    assert row.published_at.isoformat() == "2023-04-28T07:30:00+00:00"
    assert [tuple(a) for a in authors] == [("Anna Muster", 1), ("Karl Beispiel", 2)]


def test_every_new_column_has_a_comment(loaded: sa.Engine) -> None:
    columns = [
        ("articles", "seo_title"), ("articles", "agencies"), ("clean_articles", "seo_title"),
        ("clean_articles", "agencies"), ("article_authors", "author"), ("article_authors", "position"),
    ]  # fmt: skip
    with loaded.connect() as connection:
        for table, column in columns:
            comment = connection.execute(
                sa.text(
                    "SELECT col_description(c.oid, a.attnum) FROM pg_class c JOIN pg_attribute a"
                    " ON a.attrelid = c.oid WHERE c.relname = :t AND a.attname = :c"
                ),
                {"t": table, "c": column},
            ).scalar_one()
            assert comment, f"{table}.{column} has no comment"


def test_report_counts_the_metadata_fields(loaded: sa.Engine) -> None:
    report = load_report(loaded, "2023-04-28")
    assert report.metadata == {"title": 1, "published": 1, "authors": 1, "agencies": 1, "seo_title": 1, "updated": 0}
    assert (
        "metadata:    articles with title 1, published 1, authors 1, agencies 1, seo_title 1, updated 0"
        in report.render()
    )


def test_articles_by_author_query(loaded: sa.Engine, db_url: sa.URL) -> None:
    env = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False)}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "query", "articles_by_author", "--var", "author=karl beispiel", "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["title"] for row in rows] == ["Neue Brücke für den Hafen"]
