"""Article versions (issue 26): a changed text keeps the earlier one in article_versions, ordered by
batch id whatever the order the batches ran in; reruns add nothing; `newsclean versions` prints them
with a word diff."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.report.html_page import load_page_data, render_page
from pipeline.report.versions import word_diff
from pipeline.run.runner import run_batch

from .conftest import ROOT, reset_schema, scalar, snapshot

EARLY, A, B = "2024-05-01", "2024-05-02", "2024-05-03"
TITLE = {"ferry": "Harbour ferry returns after the winter", "bridge": "River bridge reopens to cyclists",
         "choir": "Town choir sings in the old church"}  # fmt: skip
TEXTS = {
    "ferry": [
        "The ferry to the island runs again from Monday, the council said. Six crossings a day are planned.",
        "The ferry to the island runs again from Tuesday, the council said. Eight crossings a day are planned.",
        "The ferry to the island runs again from Tuesday, the harbour office said. Eight crossings a day are planned.",
    ],
    "bridge": [
        "The bridge over the river opens to cyclists this week after two years of works on its deck.",
        "The bridge over the river opens to cyclists and walkers this week after two years of works on its deck.",
        "The bridge over the river opened to cyclists and walkers on Friday after two years of works.",
    ],
    "choir": [
        "The town choir sings in the old church on Sunday evening; the entry is free for everyone.",
        "The town choir sings in the old church on Saturday evening; the entry is free for everyone.",
        "The town choir sang in the old church on Saturday evening in front of three hundred people.",
    ],
}


def write_batch(folder: Path, versions: dict[str, int]) -> Path:
    """One file per story, each in the given version of its text (same headline: the same article)."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.iterdir():
        path.unlink()
    for name, version in versions.items():
        body = TEXTS[name][version]
        text = f"{TITLE[name]}\n\n{body}\n\n{body.replace('.', ' again.', 1)}\n"
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def versions_table(engine: sa.Engine) -> list[tuple[object, ...]]:
    query = "SELECT article_key, batch_id, body, text_hash, loaded_at FROM article_versions ORDER BY 1, 2"
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(query))]


def article_id(engine: sa.Engine, name: str) -> int:
    return int(scalar(engine, "SELECT article_id FROM articles WHERE title = :t", t=TITLE[name]))


def cli_versions(db_url: sa.URL, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False)}
    return subprocess.run([sys.executable, "-m", "pipeline", "versions", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip


def test_two_changed_articles_have_two_versions_a_rerun_adds_none_a_backfill_slots_in(
    engine: sa.Engine, db_url: sa.URL, tmp_path: Path
) -> None:
    run_batch(engine, write_batch(tmp_path / "a", {"ferry": 0, "bridge": 0, "choir": 0}), A)
    run_batch(engine, write_batch(tmp_path / "b", {"ferry": 1, "bridge": 1, "choir": 0}), B)
    kept = versions_table(engine)
    assert sorted((row[1], row[2].split("\n")[0]) for row in kept) == sorted(
        [(A, TEXTS["ferry"][0]), (A, TEXTS["bridge"][0])]
    )  # the two changed stories, each with A's text; the unchanged one has no earlier version

    done = cli_versions(db_url, str(article_id(engine, "ferry")))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].startswith(f"version 1  batch {A}") and not lines[1].endswith("(current)")
    assert lines[2].startswith(f"version 2  batch {B}") and lines[2].endswith("(current)")
    assert "[-Monday,-]{+Tuesday,+}" in done.stdout and "[-Six-]{+Eight+}" in done.stdout
    page = render_page(load_page_data(engine, B))  # the report page shows each changed article's versions
    assert page.count("<h3>Earlier versions (1)</h3>") == 2
    assert '<del class="removed">Monday,</del> <ins>Tuesday,</ins>' in page
    unchanged = cli_versions(db_url, str(article_id(engine, "choir")))
    assert unchanged.returncode == 0 and "version 2" not in unchanged.stdout

    before = snapshot(engine)
    run_batch(engine, tmp_path / "a", A)  # rerun either batch: nothing new, nothing touched
    run_batch(engine, tmp_path / "b", B)
    assert versions_table(engine) == kept
    assert snapshot(engine)["articles"] == before["articles"]

    # A late backfill of an older batch slots its text in first; the newest version stays B's.
    run_batch(engine, write_batch(tmp_path / "early", {"ferry": 2}), EARLY)
    ferry = cli_versions(db_url, str(article_id(engine, "ferry"))).stdout.splitlines()
    assert [line.split("  ")[1] for line in ferry if line.startswith("version")] == [
        f"batch {EARLY}",
        f"batch {A}",
        f"batch {B}",
    ]
    assert [line for line in ferry if line.endswith("(current)")][0].startswith(f"version 3  batch {B}")
    assert scalar(engine, "SELECT body FROM articles WHERE title = :t", t=TITLE["ferry"]).startswith(TEXTS["ferry"][1])


def test_versions_of_an_unknown_article_exit_1(engine: sa.Engine, db_url: sa.URL) -> None:
    done = cli_versions(db_url, "987654")
    assert done.returncode == 1 and "no such article" in done.stdout


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("a b c", "a x c", ["a [-b-]{+x+} c"]),
        ("a b c", "a b c d", ["a b c {+d+}"]),
        ("one two", "one two", []),
    ],
)
def test_word_diff_marks_removed_and_added_words(old: str, new: str, expected: list[str]) -> None:
    assert word_diff(old, new) == expected


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    texts=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=3, max_size=3),
    order=st.permutations([EARLY, A, B]),
)
def test_any_delivery_order_gives_the_same_article_and_history(
    texts: list[tuple[int, int]], order: list[str], engine: sa.Engine, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Each batch delivers the same two stories in a drawn version; delivered in the drawn order and
    in batch order, the articles and their versions end the same."""
    root = tmp_path_factory.mktemp("orders")
    batches = {
        batch: {"ferry": ferry, "bridge": bridge} for batch, (ferry, bridge) in zip([EARLY, A, B], texts, strict=True)
    }
    results = []
    for sequence in (order, sorted(order)):
        reset_schema(engine)
        for batch in sequence:
            run_batch(engine, write_batch(root / batch, batches[batch]), batch)
        state = snapshot(engine, volatile=False)
        results.append((state["articles"], state["article_versions"]))
    assert results[0] == results[1]
    assert len(results[0][1]) == sum(  # one version per change of text between consecutive batches
        1 for name in ("ferry", "bridge")
        for (_, x), (_, y) in itertools.pairwise(sorted((b, v[name]) for b, v in batches.items())) if x != y
    )  # fmt: skip
