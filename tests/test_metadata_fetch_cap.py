"""Issue 24: never a date after the page was fetched. The fetch day is a record's fetch/crawl time
field, else the batch's date (settings dates.days_after_fetch days of margin); a later date is
dropped and audited (rule date.after_fetch), and an HTML page's next candidate is read instead."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.clean.cleaner import LATE_DATE_RULE, Cleaner
from pipeline.clean.dates import after, latest_date
from pipeline.clean.html.extract import extract_html
from pipeline.core.document import Article, RawArticle
from pipeline.core.settings import SHIPPED, load_settings
from pipeline.ingest.readers import FETCH_TIME_FIELDS, read_file
from pipeline.run.flow import batch_date

from .conftest import run_cli

BODY = "<p>The council voted on Tuesday to rebuild the old bridge over the river before next winter.</p>"
TEXT = "Council to rebuild the old bridge\n\n{line}\n\nThe council voted on Tuesday to rebuild the old bridge.\n"


def page(head: str) -> str:
    return f"<!doctype html><html lang='en'><head>{head}</head><body><h1>Bridge rebuilt</h1>{BODY}</body></html>"


def late_dates(article: Article) -> list[str]:
    return [removal.text for removal in article.removed if removal.rule == LATE_DATE_RULE]


def test_the_shipped_margin_is_one_day() -> None:
    assert load_settings().dates.days_after_fetch == 1


@pytest.mark.parametrize(
    ("fetched", "batch", "latest"),
    [
        ("2024-01-01T23:10:00Z", None, "2024-01-02"),  # the fetch day and a day for zones ahead of UTC
        ("2024-01-01T23:10:00Z", "2023-06-30", "2024-01-02"),  # the record's own fetch time wins
        (None, "2023-06-30", "2023-07-01"),  # else the batch's date
        ("Mon, 01 Jan 2024 10:00:00 GMT", None, "2024-01-02"),  # an HTTP Date header's form
        ("soon", None, None),  # no date: no cap
        (None, None, None),
    ],
)
def test_latest_date(fetched: str | None, batch: str | None, latest: str | None) -> None:
    assert latest_date(fetched, batch, 1) == latest


@given(st.dates(), st.dates(), st.integers(min_value=0, max_value=3))
def test_a_date_is_after_the_cap_only_past_its_last_day(value, fetch, days) -> None:  # type: ignore[no-untyped-def]
    latest = latest_date(fetch.isoformat(), None, days)
    assert latest is not None
    assert after(value.isoformat() + "T12:00:00+05:00", latest) is ((value - fetch).days > days)


@pytest.mark.parametrize(
    ("batch_id", "day"),
    [("2024-05-01", "2024-05-01"), ("2024-05-01-rerun", "2024-05-01"), ("nightly", None), ("20240501", None)],
)
def test_batch_date_from_its_id(batch_id: str, day: str | None) -> None:
    assert batch_date(batch_id) == day


def test_an_html_date_after_the_fetch_gives_way_to_the_next_candidate() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2030-01-01"}</script>'
        '<meta property="article:published_time" content="2023-04-28T09:30:00+02:00">'
    )
    assert extract_html(page(head), latest="2024-01-02").published == "2023-04-28T09:30:00+02:00"
    # no fetch known: no cap (the cascade's first candidate; the learned choice weighs both days)
    assert extract_html(page(head), dates=replace(SHIPPED.dates, learned_choice=False)).published == "2030-01-01"


def test_htmldate_reads_up_to_the_fetch() -> None:
    body = "<p class='meta'>Published 28 April 2023</p>"
    html = f"<!doctype html><html><head></head><body><h1>Bridge rebuilt</h1>{body}{BODY}</body></html>"
    assert extract_html(html, latest="2023-04-29").published == "2023-04-28"
    assert extract_html(html, latest="2023-04-20").published is None


@pytest.mark.parametrize("field", FETCH_TIME_FIELDS)
def test_a_record_fetch_time_caps_its_given_date(tmp_path: Path, cleaner: Cleaner, field: str) -> None:
    records = [
        {"text": "The council voted on Tuesday.", "published": "2024-03-01", field: "2024-01-01T10:00:00Z"},
        {"text": "The council voted on Tuesday.", "published": "2024-01-02", field: "2024-01-01T10:00:00Z"},
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    late, kept = (cleaner.clean(raw) for raw in read_file(path) if isinstance(raw, RawArticle))
    assert (late.published, late_dates(late)) == (None, ["published 2024-03-01 (fetched by 2024-01-02)"])
    assert (kept.published, late_dates(kept)) == ("2024-01-02", [])


@pytest.mark.parametrize(
    ("batch", "published"),
    [("2025-02-27", "2025-02-28"), ("2025-03-10", "2025-02-28"), ("2025-02-26", None), (None, "2025-02-28")],
)
def test_a_text_header_date_is_capped_by_the_batch_date(
    cleaner: Cleaner, batch: str | None, published: str | None
) -> None:
    raw = RawArticle(source_file="a.txt", text=TEXT.format(line="Published: February 28, 2025"), batch_date=batch)
    assert cleaner.clean(raw).published == published


def test_clean_command_drops_a_date_after_the_fetch(tmp_path: Path) -> None:
    record = {"text": "The council voted on Tuesday.", "published": "2031-05-01", "crawled_at": "2024-01-01"}
    (tmp_path / "batch.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = run_cli("clean", "--json", str(tmp_path / "batch.jsonl"))
    assert result.returncode == 0, result.stderr
    article = json.loads(result.stdout.splitlines()[0])
    assert article["published"] is None
    assert any(removal["rule"] == LATE_DATE_RULE for removal in article["removed"])
