"""The publish leaves fresh statistics of batch_id behind it, so that what runs after it (its own
later phases, the batch's report, an analyst's `WHERE batch_id = …`) is planned for the rows the
batch really has — not for the one row the planner assumes of a value it has never seen, which
turned the report of a second 100,000-article batch into a nested loop over all its rows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.run.runner import run_batch
from pipeline.store.sql import statement

ARTICLES = 400


def write_batch(folder: Path, batch: str) -> None:
    folder.mkdir(parents=True)
    records = (
        {"id": f"{batch}-{n}", "source": f"outlet{n % 3}",
         "text": f"Story {n} of {batch}: the council met on Monday about the harbour wall.\n\n"
                 f"The mayor said the work on pier {n} would start in spring and cost {n + 2} million."}
        for n in range(ARTICLES)
    )  # fmt: skip
    (folder / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def estimated_rows(engine: sa.Engine, sql: str, table: str, batch: str) -> int:
    with engine.connect() as connection:
        plan = connection.execute(sa.text(f"EXPLAIN {sql}"), {"b": batch}).scalars().all()
    scans = [line for line in plan if "Scan" in line and f" {table} " in line]
    return max(int(m) for line in scans for m in re.findall(r"rows=(\d+)", line))


@pytest.mark.parametrize(
    ("query", "table"),
    [
        ("SELECT count(*) FROM articles WHERE batch_id = :b", "articles"),
        ("SELECT count(*) FROM article_deliveries WHERE batch_id = :b", "article_deliveries"),
    ],
)
def test_a_second_batch_is_planned_for_the_rows_it_has(
    engine: sa.Engine, tmp_path: Path, query: str, table: str
) -> None:
    with engine.begin() as connection:  # autovacuum must not be what refreshes the statistics here
        connection.execute(sa.text(f"ALTER TABLE {table} SET (autovacuum_enabled = false)"))
    for batch in ("2024-01-01", "2024-01-02"):
        write_batch(tmp_path / batch, batch)
        run_batch(engine, tmp_path / batch, batch)
    assert estimated_rows(engine, query, table, "2024-01-02") >= ARTICLES // 2


def test_the_report_query_that_ran_away_is_planned_without_a_loop_over_the_batch(
    engine: sa.Engine, tmp_path: Path
) -> None:
    with engine.begin() as connection:
        for table in ("articles", "article_deliveries"):
            connection.execute(sa.text(f"ALTER TABLE {table} SET (autovacuum_enabled = false)"))
    for batch in ("2024-01-01", "2024-01-02"):
        write_batch(tmp_path / batch, batch)
        run_batch(engine, tmp_path / batch, batch)
    with engine.connect() as connection:
        plan = "\n".join(
            connection.execute(sa.text("EXPLAIN " + statement("report_other_versions")), {"b": "2024-01-02"}).scalars()
        )
    # an index scan of the deliveries by batch_id inside a nested loop reads every row of the batch
    # for each of its articles
    assert not ("Nested Loop" in plan and "article_deliveries_batch_idx" in plan.split("Nested Loop", 1)[1]), plan
