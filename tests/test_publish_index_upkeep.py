"""How the publish keeps the corpus's indexes (issue 27, the publish from 10k to 200k): an
article's parts go in primary-key order, and the full-text index's pending list is merged inside
the publish, so that every batch pays its own merge whatever its size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.run.runner import run_batch

ARTICLES = 120


def write_batch(folder: Path, files: int) -> None:
    """Articles whose keys run against the order of the files and lines, each with paragraphs and
    boilerplate to remove: article ids (given in key order) then run against the staged order."""
    folder.mkdir(parents=True)
    for file in range(files):
        records = []
        for n in range(file, ARTICLES, files):
            key = ARTICLES - n  # the last line holds the smallest key
            paragraphs = [f"Paragraph {p} of story {key}: the harbour wall at pier {p} needs {key + p} repairs."
                          for p in range(4)]  # fmt: skip
            text = "\n\n".join([*paragraphs, "Subscribe to our newsletter for more stories like this."])
            records.append({"id": f"story-{key:04d}", "source": f"outlet{n % 3}", "text": text})
        (folder / f"feed{file}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def stored_order(engine: sa.Engine, table: str, key: str) -> list[tuple[int, int]]:
    """The rows' keys as they lie in the table (a sequential scan returns them in heap order)."""
    with engine.begin() as connection:
        connection.execute(sa.text("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off"))
        return [tuple(row) for row in connection.execute(sa.text(f"SELECT article_id, {key} FROM {table}"))]


@pytest.mark.parametrize(("table", "key"), [("paragraphs", "position"), ("removals", "seq")])
@pytest.mark.parametrize("files", [1, 3])
def test_an_articles_parts_are_written_in_key_order(
    engine: sa.Engine, tmp_path: Path, table: str, key: str, files: int
) -> None:
    write_batch(tmp_path / "b1", files)
    run_batch(engine, tmp_path / "b1", "2024-01-01")
    rows = stored_order(engine, table, key)
    assert len({article for article, _ in rows}) == ARTICLES
    assert rows == sorted(rows)


def test_the_publish_leaves_no_full_text_entries_pending(engine: sa.Engine, tmp_path: Path) -> None:
    with engine.begin() as connection:  # autovacuum must not be what merges the list here
        connection.execute(sa.text("ALTER TABLE articles SET (autovacuum_enabled = false)"))
    write_batch(tmp_path / "b1", 2)
    run_batch(engine, tmp_path / "b1", "2024-01-01")
    with engine.begin() as connection:
        pending = connection.execute(sa.text("SELECT gin_clean_pending_list('articles_search_idx')")).scalar_one()
        found = connection.execute(
            sa.text("SELECT count(*) FROM articles WHERE search @@ to_tsquery('simple', 'harbour')")
        ).scalar_one()
    assert pending == 0
    assert found == ARTICLES
