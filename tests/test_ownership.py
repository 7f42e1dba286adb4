"""Ownership across batches: an article delivered by several batches stays while any of them still
delivers it, belongs to the highest batch id among them whatever the order the batches (and their
reruns) ran in, and the ledger and the report of every batch count what it owns.

Each sequence of runs is compared, over every table, to a canonical order: each batch run once, in
id order, with the files it delivers last."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.report.checks import check_counts_agree
from pipeline.report.html_page import load_page_data, render_page
from pipeline.run.runner import run_batch
from pipeline.store.migrate import migrate

from .conftest import ROOT, reset_schema, scalar, snapshot

A, B, C = "2024-05-01", "2024-05-02", "2024-05-03"


WORDS = (
    "harbour ferry council budget quay works spring residents noise contract river bridge station tram school"
    " hospital library market museum stadium festival election mayor minister court police storm flood harvest"
    " farmers bakery factory workers union strike pension tax railway airport pilots tourists hotel beach island"
    " mountain valley forest wolves bears orchard vineyard cheese bread coffee tea fishermen boats nets salmon"
    " herring engineers tunnel road traffic cyclists parking museum painters concert orchestra choir theatre"
    " actors novel poet archive letters photographs statue square fountain church tower clock bells garden"
    " roses bees honey weather snow ice winter summer autumn drought wells pipes water electricity solar wind"
).split()


def story(name: str) -> str:
    """A short article of its own words (seeded by its name): no line is shared with another, and no
    two are near-duplicates, so nothing is learned and nothing clusters."""
    rng = random.Random(name)
    sentences = [" ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "." for _ in range(6)]
    title = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()
    return f"{title} {name}\n\n{' '.join(sentences[:3])}\n\n{' '.join(sentences[3:])}\n"


def deliver(folder: Path, names: list[str]) -> Path:
    """Make the batch folder hold exactly these files (a file removed, added or kept)."""
    folder.mkdir(exist_ok=True)
    for path in folder.iterdir():
        if path.name not in names:
            path.unlink()
    for name in names:
        (folder / name).write_text(story(name.removesuffix(".txt")), encoding="utf-8")
    return folder


def owner(engine: sa.Engine, file_name: str) -> str | None:
    key_of = "SELECT article_key FROM article_deliveries WHERE source_file = :f LIMIT 1"
    value = scalar(engine, f"SELECT batch_id FROM articles WHERE article_key = ({key_of})", f=file_name)
    return None if value is None else str(value)


def cli_report(db_url: sa.URL, batch_id: str) -> dict[str, object]:
    env = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False)}
    done = subprocess.run([sys.executable, "-m", "pipeline", "report", "--batch", batch_id, "--json"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    return report


def ledger(engine: sa.Engine, batch_id: str) -> dict[str, int]:
    with engine.connect() as connection:
        row = connection.execute(
            sa.text(
                "SELECT articles_delivered, articles_loaded, paragraphs_kept, pieces_removed, captions_kept"
                " FROM batches WHERE batch_id = :b"
            ),
            {"b": batch_id},
        ).one()
    return dict(row._mapping)


def assert_ledger_and_reports_agree(engine: sa.Engine, db_url: sa.URL, batch_id: str) -> None:
    counts = ledger(engine, batch_id)
    report = cli_report(db_url, batch_id)
    removed_by_category = report["removed_by_category"]
    assert isinstance(removed_by_category, dict)
    assert report["articles"] == counts["articles_loaded"]
    assert report["articles_delivered"] == counts["articles_delivered"]
    assert report["paragraphs_kept"] == counts["paragraphs_kept"]
    assert sum(removed_by_category.values()) == counts["pieces_removed"]
    page = load_page_data(engine, batch_id)
    assert sum(pieces for _, pieces, _ in page.categories) == counts["pieces_removed"]
    assert page.batch_articles == counts["articles_loaded"]
    figure = f'<span class="value">{counts["pieces_removed"]:,}</span><span class="label">pieces removed</span>'
    assert figure in render_page(page)
    check_counts_agree(engine, batch_id)  # the DAG's check: the ledger counts the rows the batch owns


def assert_batch_order_reaches(engine: sa.Engine, folders: dict[str, Path], reached: object) -> None:
    """Order independence: a fresh database that runs each folder once, in batch-id order, ends in
    the state the test's own sequence of runs and reruns reached."""
    reset_schema(engine)
    for batch_id in sorted(folders):
        run_batch(engine, folders[batch_id], batch_id)
    assert snapshot(engine, volatile=False) == reached


@pytest.mark.parametrize("first", [A, B], ids=["A runs first", "B runs first"])
def test_a_story_another_batch_still_delivers_survives_a_rerun_that_drops_it(
    first: str, engine: sa.Engine, db_url: sa.URL, tmp_path: Path
) -> None:
    folders = {A: tmp_path / "a", B: tmp_path / "b"}
    deliver(folders[A], ["story.txt", "quay-a.txt"])
    deliver(folders[B], ["story.txt", "quay-b.txt"])
    for batch_id in sorted(folders, key=lambda b: b != first):
        run_batch(engine, folders[batch_id], batch_id)
    assert owner(engine, "story.txt") == B  # the higher batch id owns it, whichever ran first
    assert ledger(engine, A)["articles_loaded"] == 1 and ledger(engine, A)["articles_delivered"] == 2
    assert_ledger_and_reports_agree(engine, db_url, A)

    deliver(folders[B], ["quay-b.txt"])
    run_batch(engine, folders[B], B)
    assert owner(engine, "story.txt") == A  # handed back: A still delivers it
    assert scalar(engine, "SELECT count(*) FROM articles") == 3
    assert ledger(engine, A)["articles_loaded"] == 2
    for batch_id in folders:
        assert_ledger_and_reports_agree(engine, db_url, batch_id)
    after_takeovers = snapshot(engine, volatile=False)

    assert_batch_order_reaches(engine, folders, after_takeovers)


def test_a_story_no_batch_delivers_any_more_is_deleted(engine: sa.Engine, tmp_path: Path) -> None:
    folders = {A: deliver(tmp_path / "a", ["story.txt", "quay-a.txt"]), B: deliver(tmp_path / "b", ["story.txt"])}
    run_batch(engine, folders[B], B)
    run_batch(engine, folders[A], A)
    deliver(folders[A], ["quay-a.txt"])
    run_batch(engine, folders[A], A)  # A drops it while B owns it: nothing changes hands
    assert owner(engine, "story.txt") == B
    deliver(folders[B], ["story.txt", "quay-b.txt"])
    (folders[B] / "story.txt").unlink()
    run_batch(engine, folders[B], B)
    assert owner(engine, "story.txt") is None
    assert scalar(engine, "SELECT count(*) FROM articles") == 2
    orphans = "SELECT count(*) FROM paragraphs p LEFT JOIN articles a USING (article_id) WHERE a.article_id IS NULL"
    assert scalar(engine, orphans) == 0


# Three batches with overlapping files: what each delivers on its first run, and on its last.
FIRST = {
    A: ["shared.txt", "ab.txt", "only-a.txt"],
    B: ["shared.txt", "ab.txt", "bc.txt"],
    C: ["shared.txt", "bc.txt", "only-c.txt", "late.txt"],
}
LAST = {
    A: ["shared.txt", "ab.txt", "late.txt"],  # only-a.txt left, late.txt came
    B: ["ab.txt", "bc.txt"],  # shared.txt left: back to A
    C: ["only-c.txt", "late.txt"],  # shared.txt and bc.txt left: to A and B
}
OWNERS = {"shared.txt": A, "ab.txt": B, "bc.txt": B, "late.txt": C, "only-c.txt": C}
RUNS = [A, A, B, B, C, C]  # each batch twice: its first occurrence delivers FIRST, its second LAST


def run_in_order(engine: sa.Engine, folders: dict[str, Path], order: list[str]) -> None:
    seen: set[str] = set()
    for batch_id in order:
        run_batch(engine, deliver(folders[batch_id], (LAST if batch_id in seen else FIRST)[batch_id]), batch_id)
        seen.add(batch_id)


@pytest.fixture
def canonical(engine: sa.Engine, tmp_path: Path) -> tuple[dict[str, Path], dict[str, list[tuple[object, ...]]]]:
    """The batch folders, and the tables after each batch ran once, in id order, with its last files."""
    folders = {batch_id: tmp_path / batch_id for batch_id in LAST}
    for batch_id in sorted(LAST):
        run_batch(engine, deliver(folders[batch_id], LAST[batch_id]), batch_id)
    return folders, snapshot(engine, volatile=False)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(RUNS))
@example(order=[A, A, B, B, C, C])
@example(order=[C, C, B, B, A, A])
@example(order=[A, B, C, C, B, A])
def test_runs_and_reruns_of_overlapping_batches_end_as_the_canonical_order(
    order: list[str], engine: sa.Engine, canonical: tuple[dict[str, Path], dict[str, object]]
) -> None:
    folders, expected = canonical
    reset_schema(engine)
    run_in_order(engine, folders, order)  # the canonical run's folders: the ledger records their paths
    assert {name: owner(engine, name) for name in OWNERS} == OWNERS
    assert snapshot(engine, volatile=False) == expected
    for batch_id in LAST:
        check_counts_agree(engine, batch_id)


def test_a_story_handed_back_in_another_version_keeps_it_until_its_new_owner_reruns(
    engine: sa.Engine, db_url: sa.URL, tmp_path: Path
) -> None:
    def feed(folder: Path, version: str) -> Path:
        folder.mkdir(exist_ok=True)
        record = {"url": "https://example.org/quay", "title": "Quay works", "text": story(version)}
        (folder / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
        return folder

    folders = {A: feed(tmp_path / "a", "first version"), B: feed(tmp_path / "b", "second version")}
    (folders[B] / "quay-b.txt").write_text(story("quay-b"), encoding="utf-8")
    run_batch(engine, folders[A], A)
    run_batch(engine, folders[B], B)
    body = "SELECT body FROM articles WHERE url IS NOT NULL AND batch_id = :b"
    second_version = scalar(engine, body, b=B)
    (folders[B] / "feed.jsonl").unlink()
    run_batch(engine, folders[B], B)
    assert scalar(engine, body, b=A) == second_version  # A owns it, with the version B had
    assert cli_report(db_url, A)["other_versions"] == 1
    assert_ledger_and_reports_agree(engine, db_url, A)
    run_batch(engine, folders[A], A)  # the new owner's rerun writes its own version
    assert scalar(engine, body, b=A) != second_version
    assert cli_report(db_url, A)["other_versions"] == 0
    after_rerun = snapshot(engine, volatile=False)

    assert_batch_order_reaches(engine, folders, after_rerun)


def test_the_migration_records_what_each_batch_owns_in_a_loaded_database(engine: sa.Engine, tmp_path: Path) -> None:
    folders = {A: deliver(tmp_path / "a", ["story.txt", "quay-a.txt"]), B: deliver(tmp_path / "b", ["story.txt"])}
    for batch_id in sorted(folders):
        run_batch(engine, folders[batch_id], batch_id)
    expected = snapshot(engine, volatile=False)
    with engine.begin() as connection:  # the database as migration 0017 left it: A counts what it delivered
        connection.execute(sa.text("DROP TABLE article_deliveries"))
        connection.execute(sa.text("UPDATE batches SET articles_loaded = articles_delivered, pieces_removed = 99"))
        connection.execute(sa.text("ALTER TABLE batches DROP COLUMN articles_delivered"))
        connection.execute(sa.text("DELETE FROM schema_migrations WHERE version IN (18, 21)"))
    # 0021 adds text_hash to the article_deliveries 0018 creates
    assert migrate(engine) == ["0018_record_article_deliveries", "0021_article_versions"]
    migrated = snapshot(engine, volatile=False)
    assert migrated["batches"] == expected["batches"]  # recounted: each batch counts what it owns
    for batch_id in folders:
        check_counts_agree(engine, batch_id)
    # the owners' deliveries are known; A's delivery of the story B owns is recorded by A's next run
    owners_only = [row for row in expected["article_deliveries"] if (row[1], row[3]) != (A, "story.txt")]
    assert migrated["article_deliveries"] == owners_only
    run_batch(engine, folders[A], A)
    assert snapshot(engine, volatile=False) == expected
