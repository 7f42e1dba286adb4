"""The Postgres store against a real server: migrations, COPY load, idempotent atomic batches."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from pipeline.core.faults import HANG_ENV
from pipeline.run.runner import run_batch
from pipeline.store.migrate import migrate

from .conftest import FIXTURES, ROOT, reset_schema, scalar, shared_path, snapshot

ARTICLES = FIXTURES / "articles"


def fixture_batch(tmp_path: Path, name: str = "batch") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for path in ARTICLES.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder


def test_migrations_from_empty_create_every_table_with_comments(engine: sa.Engine) -> None:
    tables = {"batches", "articles", "paragraphs", "captions", "removals", "rejected_inputs"}
    with engine.connect() as connection:
        found = set(
            connection.execute(
                sa.text("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
            ).scalars()
        )
        assert tables <= found
        uncommented = (
            connection.execute(
                sa.text(
                    """SELECT c.table_name || '.' || c.column_name FROM information_schema.columns c
               WHERE c.table_schema = 'public' AND c.table_name = ANY(:tables)
               AND col_description((quote_ident(c.table_name))::regclass, c.ordinal_position) IS NULL"""
                ),
                {"tables": list(tables)},
            )
            .scalars()
            .all()
        )
        assert uncommented == []
        for table in tables:
            assert connection.execute(sa.text("SELECT obj_description(CAST(:t AS regclass))"), {"t": table}).scalar()
    assert migrate(engine) == []  # re-running is a no-op


def test_every_column_of_every_table_and_view_has_a_comment(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        uncommented = (
            connection.execute(
                sa.text(
                    """SELECT c.relname || '.' || a.attname FROM pg_class c
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                   JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v') AND col_description(c.oid, a.attnum) IS NULL
                   ORDER BY 1"""
                )
            )
            .scalars()
            .all()
        )
        relations = (
            connection.execute(
                sa.text(
                    """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v') AND obj_description(c.oid) IS NULL"""
                )
            )
            .scalars()
            .all()
        )
    assert uncommented == [] and relations == []


def test_fixture_articles_load_into_expected_rows(engine: sa.Engine, tmp_path: Path) -> None:
    report = run_batch(engine, fixture_batch(tmp_path), "2024-11-05")
    assert report.files == 3 and report.articles == 3 and report.rejected == []
    for expected_path in ARTICLES.glob("*.json"):
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        with engine.connect() as connection:
            row = connection.execute(
                sa.text(
                    "SELECT article_id, title, subtitle, section, authors, dateline, body, paragraph_count"
                    " FROM articles WHERE source_file = :f"
                ),
                {"f": expected["source_file"]},
            ).one()
            paragraphs = (
                connection.execute(
                    sa.text("SELECT text FROM paragraphs WHERE article_id = :a ORDER BY position"),
                    {"a": row.article_id},
                )
                .scalars()
                .all()
            )
            captions = connection.execute(
                sa.text("SELECT text, credit FROM captions WHERE article_id = :a ORDER BY position"),
                {"a": row.article_id},
            ).all()
        assert (row.title, row.subtitle, row.section, row.authors, row.dateline) == (
            expected["title"],
            expected["subtitle"],
            expected["section"],
            expected["authors"],
            expected["dateline"],
        )
        assert paragraphs == expected["paragraphs"] and row.paragraph_count == len(paragraphs)
        assert row.body == "\n\n".join(expected["paragraphs"])
        assert [{"text": t, "credit": c} for t, c in captions] == expected["captions"]
    assert scalar(engine, "SELECT status FROM batches WHERE batch_id = '2024-11-05'") == "published"
    rules = set(scalar(engine, "SELECT array_agg(DISTINCT rule) FROM removals"))
    assert {"caption.gallery_block", "agency.anadolu_subscription", "newsletter.sign_up"} <= rules


def test_published_dates_are_stored_as_utc_midnight(engine: sa.Engine, tmp_path: Path) -> None:
    run_batch(engine, fixture_batch(tmp_path), "b1")
    value = scalar(engine, "SELECT published_at::text FROM articles WHERE source_file = 'agency_page.txt'")
    assert value.startswith("2024-11-05 00:00:00")


def test_seeds_load_and_full_text_search_finds_kosovo(engine: sa.Engine, tmp_path: Path) -> None:
    seeds = shared_path("seeds")
    report = run_batch(engine, seeds, "seeds")
    assert report.articles == len(list(seeds.glob("*.txt"))) and report.rejected == []
    for expected_path in sorted(shared_path("spec", "expected").glob("*.json")):
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        got = scalar(
            engine,
            "SELECT array_agg(p.text ORDER BY p.position) FROM paragraphs p JOIN articles a"
            " USING (article_id) WHERE a.source_file = :f",
            f=expected["source_file"],
        )
        assert got == expected["paragraphs"]
    hits = scalar(
        engine,
        "SELECT array_agg(source_file ORDER BY source_file) FROM articles"
        " WHERE search @@ websearch_to_tsquery('english', 'Kosovo')",
    )
    assert hits == sorted(p.name for p in seeds.glob("*.txt"))


def test_loading_a_batch_twice_leaves_identical_tables(engine: sa.Engine, tmp_path: Path) -> None:
    folder = fixture_batch(tmp_path)
    (folder / "broken.jsonl").write_text('{"text": "One good line of news text here."}\n{oops\n')
    first_report = run_batch(engine, folder, "2024-11-05")
    first = snapshot(engine)
    second_report = run_batch(engine, folder, "2024-11-05")
    assert snapshot(engine) == first
    assert second_report.articles_written == 0 and first_report.articles_written == 4
    assert scalar(engine, "SELECT runs FROM batches") == 2


def test_shards_cleaned_on_several_processes_load_the_same_rows(engine: sa.Engine, tmp_path: Path) -> None:
    folder = fixture_batch(tmp_path)
    (folder / "bad.jsonl").write_text('{"title": "T", "text": "Body text of a record."}\n{broken\n', encoding="utf-8")
    run_batch(engine, folder, "2024-11-05", workers=1)
    serial = snapshot(engine, volatile=False)
    reset_schema(engine)
    report = run_batch(engine, folder, "2024-11-05", workers=2, files_per_shard=1)
    assert report.files == 4 and report.articles == 4 and len(report.rejected) == 1
    assert snapshot(engine, volatile=False) == serial
    assert scalar(engine, "SELECT count(*) FROM articles WHERE search IS NOT NULL AND cluster_id IS NOT NULL") == 4


def test_bad_inputs_are_rejected_with_reasons_and_the_rest_loads(engine: sa.Engine, tmp_path: Path) -> None:
    folder = fixture_batch(tmp_path)
    (folder / "binary.txt").write_bytes(bytes(range(256)))
    (folder / "empty.html").write_bytes(b"")
    blob = gzip.compress(" ".join(f"Story line {n}." for n in range(20000)).encode())
    (folder / "cut.txt.gz").write_bytes(blob[: len(blob) // 2])
    (folder / "feed.jsonl").write_text(
        json.dumps({"title": "Ferry line to reopen in spring", "text": "The ferry line will reopen in April."})
        + "\nnot json at all\n",
        encoding="utf-8",
    )
    (folder / "notes.pdf").write_bytes(b"%PDF")
    report = run_batch(engine, folder, "b")
    with engine.connect() as connection:
        rejected = connection.execute(
            sa.text("SELECT source_file, line, reason FROM rejected_inputs ORDER BY 1, 2")
        ).all()
    assert [(f, line) for f, line, _ in rejected] == [
        ("binary.txt", 0),
        ("cut.txt.gz", 0),
        ("empty.html", 0),
        ("feed.jsonl", 2),
        ("notes.pdf", 0),
    ]
    reasons = {f: reason for f, _, reason in rejected}
    assert "binary" in reasons["binary.txt"] and "truncated" in reasons["cut.txt.gz"]
    assert "empty" in reasons["empty.html"] and "invalid JSON" in reasons["feed.jsonl"]
    assert report.articles == 4
    # nothing is lost: every input file is loaded or rejected
    loaded = set(scalar(engine, "SELECT array_agg(source_file) FROM articles"))
    assert loaded | {f for f, _, _ in rejected} == {p.name for p in folder.iterdir()}


def test_same_article_in_a_later_batch_updates_in_any_order(engine: sa.Engine, tmp_path: Path) -> None:
    def jsonl_batch(name: str, text: str) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        record = {"url": "https://www.example.org/ferry?utm_source=x", "title": "Ferry line to reopen", "text": text}
        (folder / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
        return folder

    day1 = jsonl_batch("d1", "The ferry line will reopen in April, the operator said.")
    day2 = jsonl_batch("d2", "The ferry line will reopen in May, the operator said on Tuesday.")
    run_batch(engine, day1, "2024-01-01")
    run_batch(engine, day2, "2024-01-02")
    in_order = snapshot(engine, volatile=False)
    assert scalar(engine, "SELECT count(*) FROM articles") == 1
    assert scalar(engine, "SELECT body FROM articles").endswith("on Tuesday.")

    from .conftest import reset_schema

    reset_schema(engine)
    run_batch(engine, day2, "2024-01-02")
    run_batch(engine, day1, "2024-01-01")  # a late backfill of the older day
    assert snapshot(engine, volatile=False)["articles"] == in_order["articles"]
    assert snapshot(engine, volatile=False)["paragraphs"] == in_order["paragraphs"]


def test_rerun_after_a_file_left_the_batch_drops_its_article(engine: sa.Engine, tmp_path: Path) -> None:
    folder = fixture_batch(tmp_path)
    run_batch(engine, folder, "b")
    (folder / "one_per_line.txt").unlink()
    run_batch(engine, folder, "b")
    assert scalar(engine, "SELECT count(*) FROM articles") == 2
    assert (
        scalar(
            engine,
            "SELECT count(*) FROM paragraphs p LEFT JOIN articles a USING (article_id) WHERE a.article_id IS NULL",
        )
        == 0
    )


def run_cli_process(folder: Path, batch: str, db_url: sa.URL, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "--input", str(folder), "--batch", batch],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False), **env},
    )


def test_killed_load_leaves_no_partial_batch_and_rerun_completes(
    engine: sa.Engine, db_url: sa.URL, tmp_path: Path
) -> None:
    folder = fixture_batch(tmp_path)
    marker = tmp_path / "copy-began"
    process = run_cli_process(folder, "b", db_url, **{HANG_ENV: f"copy:{marker}"})
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    time.sleep(0.2)
    assert scalar(engine, "SELECT count(*) FROM articles") == 0
    assert scalar(engine, "SELECT count(*) FROM paragraphs") == 0
    assert scalar(engine, "SELECT status FROM batches WHERE batch_id = 'b'") == "running"

    rerun = run_cli_process(folder, "b", db_url)
    assert rerun.wait(timeout=120) == 0, rerun.communicate()
    assert scalar(engine, "SELECT count(*) FROM articles") == 3
    assert scalar(engine, "SELECT count(*) - count(DISTINCT (article_id, position)) FROM paragraphs") == 0
    assert scalar(engine, "SELECT status FROM batches WHERE batch_id = 'b'") == "published"


def test_two_concurrent_runs_of_one_batch_end_with_one_correct_copy(
    engine: sa.Engine, db_url: sa.URL, tmp_path: Path
) -> None:
    folder = fixture_batch(tmp_path)
    processes = [run_cli_process(folder, "b", db_url) for _ in range(2)]
    for process in processes:
        assert process.wait(timeout=120) == 0, process.communicate()
    concurrent = snapshot(engine, volatile=False)

    from .conftest import reset_schema

    reset_schema(engine)
    run_batch(engine, folder, "b")
    assert concurrent == snapshot(engine, volatile=False)
    assert len(concurrent["articles"]) == 3


def test_source_is_the_record_field_else_url_host_else_sub_folder(engine: sa.Engine, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    (folder / "pages").mkdir(parents=True)
    (folder / "wire").mkdir()
    page = (
        '<html><head><link rel="canonical" href="https://www.transport.example.com/a"></head><body><article>'
        "<p>Night trains will run to the coast again from December, the operator said on Tuesday.</p>"
        "</article></body></html>"
    )
    (folder / "pages" / "trains.html").write_text(page, encoding="utf-8")
    (folder / "wire" / "ferry.txt").write_text("The ferry line will reopen in April, the operator said.")
    (folder / "wire" / "feed.jsonl").write_text(
        json.dumps({"source": "Agency X", "text": "The port handled more grain than ever in October."}) + "\n"
    )
    run_batch(engine, folder, "b")
    with engine.connect() as connection:
        sources = dict(connection.execute(sa.text("SELECT source_file, source FROM articles")).all())
    assert sources == {
        "pages/trains.html": "transport.example.com",
        "wire/ferry.txt": "wire",
        "wire/feed.jsonl": "Agency X",
    }


def test_full_text_search_stems_each_article_in_its_own_language(engine: sa.Engine, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "hafen.txt").write_text(
        "Neue Fähren für die Häfen der Stadt\n\n"
        "Die Stadt hat am Montag beschlossen, zwei neue Fähren für ihre Häfen zu kaufen. Die Schiffe sollen "
        "ab dem nächsten Frühjahr zwischen der Altstadt und dem Industriegebiet verkehren, sagte die "
        "Bürgermeisterin nach der Sitzung des Stadtrats.\n\n"
        "Die alten Boote seien mehr als vierzig Jahre alt und müssten ersetzt werden, hieß es weiter.",
        encoding="utf-8",
    )
    (folder / "harbour.txt").write_text(
        "New ferries for the city's harbours\n\n"
        "The city council decided on Monday to buy two new ferries for its harbours. The boats will sail "
        "between the old town and the industrial district from next spring, the mayor said after the meeting.",
        encoding="utf-8",
    )
    run_batch(engine, folder, "b")
    with engine.connect() as connection:
        languages = dict(connection.execute(sa.text("SELECT source_file, language FROM articles")).all())
        assert languages == {"hafen.txt": "de", "harbour.txt": "en"}

        def found(words: str) -> list[str]:
            return list(connection.execute(
                sa.text("SELECT source_file FROM articles WHERE search @@ newsclean_search_query(:q) ORDER BY 1"),
                {"q": words},
            ).scalars())  # fmt: skip

        assert found("Hafen") == ["hafen.txt"]  # German stems: Hafen ~ Häfen
        assert found("Fähre") == ["hafen.txt"]  # Fähre ~ Fähren
        assert found("harbour") == ["harbour.txt"]  # English stems: harbour ~ harbours
        assert found("ferry") == ["harbour.txt"]  # ferry ~ ferries
