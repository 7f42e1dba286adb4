"""Quarantine: an article whose removal ratio is anomalous is stored but held back for review."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from pipeline.report.checks import check_counts_agree
from pipeline.run.runner import run_batch
from pipeline.store import quarantine

from .conftest import FIXTURES, ROOT, scalar

GALLERY = " ".join(
    f"Combined Shape Caption Boats in the harbor at dawn, picture {n}. (AP Photo/Erik Lund) Credit: Erik Lund"
    for n in range(12)
)
PROSE = (
    "The harbor board met on {day} and agreed to repair the east quay before the autumn storms arrive, "
    "the chair said, adding that the work would be paid from the maintenance reserve."
)


def stripped(line: str) -> str:
    """A photo page: a headline, one line of text, a gallery (removed as captions)."""
    return f"Harbor pictures of the week\n\n{line}\n\n{GALLERY}"


def batch_with_a_stripped_article(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    for path in (FIXTURES / "articles").glob("*.txt"):
        shutil.copy(path, folder / path.name)
    (folder / "stripped.txt").write_text(stripped("Boats at dawn."), encoding="utf-8")
    return folder


def statuses(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as connection:
        return dict(connection.execute(sa.text("SELECT source_file, status FROM articles")).all())


def test_a_stripped_article_is_quarantined_and_the_rest_published(engine: sa.Engine, tmp_path: Path) -> None:
    report = run_batch(engine, batch_with_a_stripped_article(tmp_path), "2024-11-05")
    assert statuses(engine) == {
        "agency_page.txt": "published",
        "one_per_line.txt": "published",
        "wire_gallery.txt": "published",
        "stripped.txt": "quarantined",
    }
    assert report.quarantined == 1 and "quarantined: 1" in report.render()
    assert report.articles == 4  # stored, counted, held back
    reason = scalar(engine, "SELECT quarantine_reason FROM articles WHERE source_file = 'stripped.txt'")
    assert reason.startswith("removal ratio 0.9") and ">= 0.8" in reason
    # left out of what users query by default
    assert scalar(engine, "SELECT count(*) FROM clean_articles") == 3
    assert [row[4] for row in quarantine.list_quarantined(engine, "2024-11-05")] == ["Harbor pictures of the week"]
    assert quarantine.list_quarantined(engine, "another-batch") == []


def test_a_released_article_stays_published_on_reruns(engine: sa.Engine, tmp_path: Path) -> None:
    folder = batch_with_a_stripped_article(tmp_path)
    run_batch(engine, folder, "b")
    article = scalar(engine, "SELECT article_id FROM articles WHERE status = 'quarantined'")
    assert quarantine.release(engine, article, "a photo story: the pictures are the story") == "b"
    assert statuses(engine)["stripped.txt"] == "published"
    assert scalar(engine, "SELECT articles_quarantined FROM batches") == 0
    report = run_batch(engine, folder, "b")
    assert statuses(engine)["stripped.txt"] == "published" and report.quarantined == 0
    # a changed version is judged again
    (folder / "stripped.txt").write_text(stripped("Boats at dusk."), encoding="utf-8")
    run_batch(engine, folder, "b")
    assert statuses(engine)["stripped.txt"] == "quarantined"


def test_a_dropped_article_is_rejected_and_stays_out_on_reruns(engine: sa.Engine, tmp_path: Path) -> None:
    folder = batch_with_a_stripped_article(tmp_path)
    run_batch(engine, folder, "b")
    article = scalar(engine, "SELECT article_id FROM articles WHERE status = 'quarantined'")
    quarantine.drop(engine, article, "not an article")
    assert "stripped.txt" not in statuses(engine)
    ledger = ("SELECT (articles_delivered, articles_loaded, paragraphs_kept, pieces_removed, captions_kept,"
              " inputs_rejected, articles_quarantined)::text FROM batches")  # fmt: skip
    after_drop = scalar(engine, ledger)
    for _ in range(2):  # right after the drop, and after a rerun of the batch
        assert scalar(engine, ledger) == after_drop  # the drop's arithmetic is what a rerun counts
        check_counts_agree(engine, "b")
        assert scalar(engine, "SELECT reason FROM rejected_inputs WHERE source_file = 'stripped.txt'") == (
            "dropped by a person after quarantine review"
        )
        assert scalar(engine, "SELECT (articles_loaded, inputs_rejected, articles_quarantined)::text FROM batches") == (
            "(3,1,0)"
        )
        assert scalar(engine, "SELECT count(*) FROM lsh_bands l LEFT JOIN articles a USING (article_id)"
                              " WHERE a.article_id IS NULL") == 0  # fmt: skip
        run_batch(engine, folder, "b")
        assert "stripped.txt" not in statuses(engine)


def test_an_article_far_above_its_sources_usual_ratio_is_quarantined(engine: sa.Engine, tmp_path: Path) -> None:
    folder = tmp_path / "batch" / "harborpost"
    folder.mkdir(parents=True)
    for day in range(30):
        (folder / f"day{day}.txt").write_text(
            f"Harbor report {day}\n\n{PROSE.format(day=f'day {day}')}\n\nAdvertisement", encoding="utf-8"
        )
    noisy = "\n\n".join(["Share this article", "Advertisement", "Facebook Twitter Email Print", "12 Comments"] * 3)
    (folder / "odd.txt").write_text(f"Harbor report odd\n\n{PROSE.format(day='Friday')}\n\n{noisy}", encoding="utf-8")
    run_batch(engine, tmp_path / "batch", "b")
    assert scalar(engine, "SELECT source_file FROM articles WHERE status = 'quarantined'") == "harborpost/odd.txt"
    ratio = scalar(engine, "SELECT removal_ratio FROM article_removal_ratio WHERE source_file = 'harborpost/odd.txt'")
    assert 0.3 < ratio < 0.8  # below the absolute bound: quarantined for being far above its source
    reason = scalar(engine, "SELECT quarantine_reason FROM articles WHERE status = 'quarantined'")
    assert "standard deviations above its source's mean" in reason


def test_quarantine_commands(engine: sa.Engine, db_url: sa.URL, tmp_path: Path) -> None:
    run_batch(engine, batch_with_a_stripped_article(tmp_path), "b")
    article = scalar(engine, "SELECT article_id FROM articles WHERE status = 'quarantined'")
    env = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False)}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pipeline", "quarantine", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True)  # fmt: skip

    listed = cli("list", "--batch", "b")
    assert listed.returncode == 0 and "stripped.txt" in listed.stdout and "removal ratio" in listed.stdout
    released = cli("release", str(article), "--note", "fine")
    assert released.returncode == 0 and "released" in released.stdout
    again = cli("release", str(article))
    assert again.returncode == 2 and again.stderr.startswith("error: article") and "Traceback" not in again.stderr
