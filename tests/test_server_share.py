"""PostgreSQL's share of a run (issue 27): work the server no longer does, for the same rows.

- A staged article gets its full-text vector only when no stored article has its key and content
  (migration 0025); the publish takes the stored vector or computes one for an article it writes.
- The learn merge writes only the line counts that changed: an unchanged rerun rewrites none.
- An article's paragraphs, captions and removals go with it through one statement-level trigger
  instead of foreign keys checked on every inserted row (migration 0026).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.run import flow
from pipeline.run.runner import run_batch

from .conftest import ROOT, reset_schema, scalar, snapshot

SAMPLES = ROOT / "samples" / "raw" / "2024-11-05"
A, B = "2024-11-05", "2024-11-07"
STORIES = {
    "ferry": "Harbour ferry returns after the winter\n\nThe ferry to the island runs again from Monday, the council"
    " said. Six crossings a day are planned.\n\nTickets are sold at the harbour office and on board.\n",
    "bridge": "River bridge reopens to cyclists\n\nThe bridge over the river opens to cyclists this week after two"
    " years of works on its deck.\n\nWalkers may cross it from the first of next month.\n",
    "choir": "Town choir sings in the old church\n\nThe town choir sings in the old church on Sunday evening; the"
    " entry is free for everyone.\n\nThe programme holds songs from four centuries.\n",
}
CHANGED_CHOIR = STORIES["choir"].replace("Sunday", "Saturday")
STALE_VECTORS = (
    "SELECT count(*) FROM articles"
    " WHERE search IS DISTINCT FROM newsclean_search_vector(language, title, subtitle, body)"
)
LINE_TABLES = ("source_line_counts", "batch_line_counts", "batch_source_counts", "source_stats", "source_line_samples")


def write_stories(folder: Path, stories: dict[str, str]) -> Path:
    """One file per story in the sub-folder of the source "courier" (whose lines the learn pass counts)."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "courier").mkdir(parents=True)
    for name, text in stories.items():
        (folder / "courier" / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def staged_vectors(engine: sa.Engine, folder: Path, batch: str) -> dict[str, bool]:
    """Plan, learn and clean a run of the batch without publishing it: per staged article (by its
    first paragraph's first words), whether staging computed its full-text vector."""
    run = flow.plan(engine, batch, folder, f"test-{batch}")
    for shard in range(run.shards):
        flow.learn_shard(engine, run, shard)
    flow.merge_learned(engine, run)
    for shard in range(run.shards):
        flow.clean_shard(engine, run, shard, [])
    with engine.connect() as connection:
        rows = connection.execute(sa.text(f"SELECT title, search IS NOT NULL FROM {run.stage}.stage_articles"))
        return {str(title).split()[1]: bool(has_vector) for title, has_vector in rows}


def test_a_rerun_stages_vectors_only_for_new_and_changed_articles(engine: sa.Engine, tmp_path: Path) -> None:
    first = write_stories(tmp_path / "a", {"ferry": STORIES["ferry"], "choir": STORIES["choir"]})
    assert staged_vectors(engine, first, A) == {"ferry": True, "choir": True}  # nothing stored yet
    run_batch(engine, first, A)
    again = write_stories(tmp_path / "a", {**STORIES, "choir": CHANGED_CHOIR})
    assert staged_vectors(engine, again, A) == {"ferry": False, "bridge": True, "choir": True}


@pytest.mark.parametrize(
    "second",
    [
        pytest.param((A, STORIES), id="rerun-unchanged"),
        pytest.param((A, {**STORIES, "choir": CHANGED_CHOIR}), id="rerun-one-changed"),
        pytest.param((B, STORIES), id="later-batch-takes-the-same-content-over"),
        pytest.param((B, {"ferry": STORIES["ferry"]}), id="later-batch-takes-one-over"),
    ],
)
def test_every_stored_vector_is_the_articles_own(
    engine: sa.Engine, tmp_path: Path, second: tuple[str, dict[str, str]]
) -> None:
    run_batch(engine, write_stories(tmp_path / "first", STORIES), A)
    batch, stories = second
    run_batch(engine, write_stories(tmp_path / "second", stories), batch)
    assert scalar(engine, "SELECT count(*) FROM articles") == len(STORIES)
    assert scalar(engine, STALE_VECTORS) == 0


def test_a_rewrite_of_unchanged_content_takes_the_stored_vector(engine: sa.Engine, tmp_path: Path) -> None:
    """A reprocess (other cleaning data, the same content) rewrites the rows; staging skipped their
    vectors, the publish takes the stored ones (the stored vector is marked to tell them apart)."""
    folder = write_stories(tmp_path / "a", STORIES)
    run_batch(engine, folder, A)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE articles SET cleaner_digest = 'older', search = search || 'marker:1'"))
    run_batch(engine, folder, A)
    assert scalar(engine, "SELECT count(*) FROM articles WHERE cleaner_digest = 'older'") == 0
    assert scalar(engine, "SELECT count(*) FROM articles WHERE search @@ 'marker'::tsquery") == len(STORIES)


def line_rows(engine: sa.Engine) -> dict[str, list[tuple[object, ...]]]:
    """The line statistics with each row's xmin: a row rewritten with the same values changes it."""
    query = "SELECT xmin::text, * FROM {} ORDER BY 2, 3"
    with engine.connect() as connection:
        return {table: [tuple(r) for r in connection.execute(sa.text(query.format(table)))] for table in LINE_TABLES}


def test_an_unchanged_rerun_rewrites_no_line_count(engine: sa.Engine, tmp_path: Path) -> None:
    folder = write_stories(tmp_path / "a", STORIES)
    run_batch(engine, SAMPLES, B)
    run_batch(engine, folder, A)
    before = line_rows(engine)
    assert any(row[1] == A for row in before["batch_line_counts"])  # the batch counted lines
    run_batch(engine, folder, A)
    assert line_rows(engine) == before


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(runs=st.lists(st.sets(st.sampled_from(sorted(STORIES)), min_size=1), min_size=2, max_size=3))
def test_line_counts_after_reruns_are_those_of_the_last_run_alone(
    engine: sa.Engine, tmp_path_factory: pytest.TempPathFactory, runs: list[set[str]]
) -> None:
    """Rerunning a batch with other files leaves the statistics a single run of its last files
    leaves (another batch's counts beside them, shared lines included)."""
    tmp = tmp_path_factory.mktemp("runs")
    reset_schema(engine)
    other = write_stories(tmp / "other", {"ferry": STORIES["ferry"]})
    run_batch(engine, other, B)
    for number, names in enumerate(runs):
        run_batch(engine, write_stories(tmp / f"run{number}", {n: STORIES[n] for n in sorted(names)}), A)
    merged = {table: rows for table, rows in snapshot(engine, volatile=False).items() if table in LINE_TABLES}
    reset_schema(engine)
    run_batch(engine, other, B)
    run_batch(engine, write_stories(tmp / "last", {n: STORIES[n] for n in sorted(runs[-1])}), A)
    alone = {table: rows for table, rows in snapshot(engine, volatile=False).items() if table in LINE_TABLES}
    assert merged == alone


PARTS = ("paragraphs", "captions", "removals")


@pytest.mark.parametrize("deleted", ["one article", "every article"])
def test_deleting_articles_deletes_their_parts_and_no_other(engine: sa.Engine, deleted: str) -> None:
    run_batch(engine, SAMPLES, A)
    counts = {part: scalar(engine, f"SELECT count(*) FROM {part}") for part in PARTS}
    assert all(counts.values()), counts  # the sample batch has every kind of part
    victim = scalar(engine, "SELECT article_id FROM captions ORDER BY article_id LIMIT 1")
    where = "article_id = :victim" if deleted == "one article" else "true"
    owned = {part: scalar(engine, f"SELECT count(*) FROM {part} WHERE {where}", victim=victim) for part in PARTS}
    with engine.begin() as connection:
        connection.execute(sa.text(f"DELETE FROM articles WHERE {where}"), {"victim": victim})
    for part in PARTS:
        assert scalar(engine, f"SELECT count(*) FROM {part} WHERE {where}", victim=victim) == 0
        assert scalar(engine, f"SELECT count(*) FROM {part}") == counts[part] - owned[part]
