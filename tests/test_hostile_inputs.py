"""Hostile and unlucky inputs (issue 22, the input side): whatever one record or file holds, it ends
loaded (repaired, the repair audited) or in rejected_inputs with a reason naming file and line, the
rest of the batch goes on, and the ledger never stays `running`. Each reproduction of the issue is
run as users type it: `python -m pipeline run --input DIR --batch b1` in a subprocess."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from pipeline.ingest.readers import ReadError, read_file
from pipeline.ingest.storage import list_inputs, printable

from .conftest import ROOT, scalar

BODY = "The harbour authority said the new ferry route would open in spring after two years of delays."
SECRET = "root:x:0:0:outside-the-batch-marker"


def run(db_url: sa.URL, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=environment, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def rows(engine: sa.Engine, query: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(query))]


def record(case: str, **fields: Any) -> str:
    """A JSONL record whose body names its case (a body of its own: an article of its own)."""
    return json.dumps({"text": f"Case {case}\n\n{BODY}", **fields})


# One JSONL line each (as the reproductions write them), and how it must end: loaded with
# the repair audited, loaded as is, or rejected with a reason naming its line.
RECORDS = [
    ("nul_in_title", record("a", title="a\u0000b"), "repaired", "title: 1 NUL character(s) removed"),
    ("nul_in_url", record("b", url="https://example.org/a\u0000b"), "repaired", "url: 1 NUL character(s) removed"),
    ("nul_in_source", record("c", source="wire\u0000"), "repaired", "source: 1 NUL character(s) removed"),
    ("nul_in_text", record("d", text=f"Case d\n\n{BODY} NUL\u0000"), "repaired", "text: 1 NUL character(s) removed"),
    ("nul_in_html", json.dumps({"html": f"<p>Case e: {BODY}\u0000</p>"}), "repaired", "html: 1 NUL character"),
    ("surrogate_in_text", record("f", text=f"Case f\n\n{BODY} \ud800"), "repaired", "text: 1 unpaired surrogate"),
    ("surrogate_in_source", record("g", source="wire\ud800"), "repaired", "source: 1 unpaired surrogate(s) replaced"),
    ("bad_ipv6_url", record("h", url="http://[::1"), "loaded", ""),
    ("id_of_5000_digits", record("i")[:-1] + ', "id": ' + "7" * 5000 + "}", "rejected", "4300"),
    ("nested_100000_deep", "[" * 100_000 + "]" * 100_000, "rejected", "nested too deeply"),
]


def test_each_hostile_record_ends_repaired_loaded_or_rejected_and_the_batch_goes_on(
    engine: sa.Engine, db_url: sa.URL, tmp_path: Path
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    # One file per record, so each record is its own article whatever its identity.
    for name, line, _, _ in RECORDS:
        (folder / f"{name}.jsonl").write_text(line + "\n", encoding="utf-8", errors="surrogatepass")
    (folder / "good.txt").write_text(f"Ferry route opens\n\n{BODY}\n", encoding="utf-8")
    done = run(db_url, "run", "--input", str(folder), "--batch", "b1")
    assert done.returncode == 0, done.stderr
    assert scalar(engine, "SELECT status FROM batches WHERE batch_id = 'b1'") == "published"
    loaded = {file for (file,) in rows(engine, "SELECT source_file FROM articles")}
    rejected = {
        file: (line, reason)
        for file, line, reason in rows(engine, "SELECT source_file, line, reason FROM rejected_inputs")
    }
    repairs = rows(engine, "SELECT a.source_file, r.text FROM removals r JOIN articles a USING (article_id)"
                           " WHERE r.rule = 'unstorable_character'")  # fmt: skip
    assert "good.txt" in loaded
    for name, _, outcome, detail in RECORDS:
        file = f"{name}.jsonl"
        if outcome == "rejected":
            assert file not in loaded and rejected[file][0] == 1 and detail in rejected[file][1], (file, rejected)
        else:
            assert file in loaded and file not in rejected, (file, rejected.get(file))
            noted = [text for source, text in repairs if source == file]
            assert (noted and detail in noted[0]) if outcome == "repaired" else not noted, (file, noted)


def test_a_failing_staging_never_leaves_the_ledger_running(engine: sa.Engine, db_url: sa.URL, tmp_path: Path) -> None:
    # A real PostgreSQL failure while the run's staging is created (where COPY stage_inputs failed
    # in the issue), after the ledger row was opened.
    with engine.begin() as connection:
        connection.execute(sa.text(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE 'staging refused'; END$$;"
            " CREATE TRIGGER refuse BEFORE INSERT ON staging_runs FOR EACH ROW EXECUTE FUNCTION refuse()"
        ))  # fmt: skip
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "good.txt").write_text(BODY, encoding="utf-8")
    done = run(db_url, "run", "--input", str(folder), "--batch", "b1")
    assert done.returncode != 0 and "staging refused" in done.stderr
    status, error = rows(engine, "SELECT status, error FROM batches WHERE batch_id = 'b1'")[0]
    assert status == "failed" and "staging refused" in error


def make_links(folder: Path, outside: Path) -> dict[str, str]:
    """Links of every kind in the batch folder; the reason each must be rejected with (or '' : loaded)."""
    (folder / "real.txt").write_text(f"Inside story\n\n{BODY}\n", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "p.txt").symlink_to("/etc/passwd")
    (folder / "outside.txt").symlink_to(outside)
    (folder / "relative_escape.txt").symlink_to("../outside/secret.txt")
    (folder / "inside.txt").symlink_to("real.txt")
    (folder / "dangling.txt").symlink_to("missing.txt")
    (folder / "loop.txt").symlink_to("loop.txt")
    (folder / "sub" / "folder_link").symlink_to("..")
    os.mkfifo(folder / "fifo.txt")
    return {
        "p.txt": "outside the batch folder",
        "outside.txt": "outside the batch folder",
        "relative_escape.txt": "outside the batch folder",
        "inside.txt": "",
        "real.txt": "",
        "dangling.txt": "dangling symbolic link",
        "loop.txt": "symbolic link loop",
        "sub/folder_link": "symbolic link to a folder",
        "fifo.txt": "not a regular file",
    }


def test_links_are_followed_only_inside_the_batch_and_every_other_entry_is_rejected(
    engine: sa.Engine, db_url: sa.URL, tmp_path: Path
) -> None:
    (tmp_path / "outside").mkdir()
    outside = tmp_path / "outside" / "secret.txt"
    outside.write_text(f"{SECRET}\n\n{BODY} Outside.\n", encoding="utf-8")
    folder = tmp_path / "batch"
    folder.mkdir()
    expected = make_links(folder, outside)
    done = run(db_url, "run", "--input", str(folder), "--batch", "b1")
    assert done.returncode == 0, done.stderr
    loaded = {file for (file,) in rows(engine, "SELECT source_file FROM articles")}
    rejected = dict(rows(engine, "SELECT source_file, reason FROM rejected_inputs"))
    for name, reason in expected.items():
        assert reason in rejected[name] if reason else name not in rejected, (name, rejected)
    # the link inside the batch and its target deliver one article (same identity): loaded once
    assert len(loaded) == 1 and loaded <= {"inside.txt", "real.txt"}, loaded
    assert scalar(engine, "SELECT count(*) FROM articles WHERE body LIKE '%root:%' OR body LIKE '%Outside.%'") == 0
    assert scalar(engine, "SELECT files_seen FROM batches WHERE batch_id = 'b1'") == len(expected)


def test_a_file_name_that_is_not_utf8_is_rejected_with_its_bytes_escaped(
    engine: sa.Engine, db_url: sa.URL, tmp_path: Path
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text(BODY, encoding="utf-8")
    (folder / "good.txt").write_text(BODY + " Good.", encoding="utf-8")
    done = run(db_url, "run", "--input", str(folder), "--batch", "b1")
    assert done.returncode == 0, done.stderr
    assert rows(engine, "SELECT source_file FROM articles") == [("good.txt",)]
    ((name, reason),) = rows(engine, "SELECT source_file, reason FROM rejected_inputs")
    assert name == "caf\\xe9.txt" and "not valid UTF-8" in reason
    assert scalar(engine, "SELECT status FROM batches WHERE batch_id = 'b1'") == "published"
    cleaned = run(db_url, "clean", str(folder))  # `clean` goes on past it too
    assert cleaned.returncode == 1 and "caf\\xe9.txt: file name is not valid UTF-8" in cleaned.stderr
    assert cleaned.stdout.startswith("good.txt\n")


@pytest.mark.parametrize("name", ["forged\nerror: other.txt: fake.jsonl", "tab\there.jsonl", "esc\x1b[31mred.jsonl"])
def test_control_characters_in_file_names_are_escaped_wherever_printed(
    engine: sa.Engine, db_url: sa.URL, tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / name).write_text("not json\n", encoding="utf-8")
    (folder / "good.txt").write_text(BODY, encoding="utf-8")
    shown = printable(name)
    assert shown != name and "\n" not in shown and "\x1b" not in shown and "\t" not in shown
    cleaned = run(db_url, "clean", str(folder))
    assert cleaned.stderr.splitlines() == [f"error: {shown}:1: invalid JSON: Expecting value at column 1"]
    done = run(db_url, "run", "--input", str(folder), "--batch", "b1")
    assert done.returncode == 0, done.stderr
    assert rows(engine, "SELECT source_file FROM rejected_inputs") == [(shown,)]
    report = run(db_url, "report", "--batch", "b1")
    assert shown in report.stdout and not any(line.startswith("error: other") for line in report.stdout.splitlines())


@pytest.mark.parametrize("ending", [b"\r", b"\r\n", b"\n"])
def test_jsonl_lines_end_at_cr_crlf_or_lf(tmp_path: Path, ending: bytes) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(ending.join(json.dumps({"text": f"{BODY} {n}"}).encode() for n in range(3)) + ending)
    results = list(read_file(path))
    assert [r.line for r in results] == [1, 2, 3] and not any(isinstance(r, ReadError) for r in results)


def test_a_line_end_split_across_read_chunks_is_one_line_end(tmp_path: Path) -> None:
    from pipeline.ingest import readers

    first = json.dumps({"text": BODY}).encode()
    padded = first + b" " * (readers.LINE_CHUNK - len(first) - 1)  # CR the chunk's last byte, LF the next's first
    path = tmp_path / "x.jsonl"
    path.write_bytes(padded + b"\r\n" + first + b"\r\n")
    assert [r.line for r in read_file(path)] == [1, 2]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.txt", f"Title here\n\n{BODY}\ufeff More text.\n"),
        ("a.jsonl", json.dumps({"text": f"{BODY}\ufeff More text."}) + "\n"),
        ("a.html", f"<html><body><article><p>{BODY}\ufeff More text.</p></article></body></html>"),
    ],
)
def test_a_byte_order_mark_inside_a_file_is_removed(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8"))
    (article,) = read_file(path)
    assert not isinstance(article, ReadError)
    assert "\ufeff" not in (article.text or article.html or "")


def gzip_stream(path: Path, parts: list[tuple[bytes, int]]) -> None:
    """A .gz file of each (bytes, times) written in turn, never held whole."""
    with gzip.open(path, "wb", compresslevel=1) as out:
        for data, times in parts:
            for _ in range(times):
                out.write(data)


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".txt.gz"])
def test_a_record_over_the_cap_is_rejected_as_it_streams_and_memory_stays_flat(tmp_path: Path, suffix: str) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text("input:\n  max_record_bytes: 1048576\n", encoding="utf-8")
    folder = tmp_path / "batch"
    folder.mkdir()
    huge = 256  # MiB in one record: held whole, the process would grow past it
    if suffix == ".jsonl.gz":
        gzip_stream(folder / f"big{suffix}", [(b'{"text": "', 1), (b"word " * 209715, huge * 5), (b'"}\n', 1),
                                             (record("after").encode() + b"\n", 1)])  # fmt: skip
    else:
        gzip_stream(folder / f"big{suffix}", [(b"word " * 209715, huge * 5)])
    script = (
        "import sys\n"
        "from pipeline.ingest.readers import read_paths\n"
        "results = [str(r) if hasattr(r, 'reason') else r.line for r in read_paths([sys.argv[1]])]\n"
        "print(results)\n"
        # VmHWM: this process's own peak; ru_maxrss would also count the forking parent's (Linux keeps it over exec)
        "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) // 1024)\n"
    )
    env = {**os.environ, "NEWSCLEAN_SETTINGS": str(settings)}
    done = subprocess.run([sys.executable, "-c", script, str(folder)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    results, peak_mb = done.stdout.splitlines()
    if suffix == ".jsonl.gz":
        assert results == "['big.jsonl.gz:1: line longer than 1 MiB; not one article (input.max_record_bytes)', 2]"
    else:
        assert results == "['big.txt.gz: file larger than 1 MiB; not one article']"
    assert int(peak_mb) < huge // 2, f"peak {peak_mb} MB while reading a {huge} MiB record"


def test_listing_judges_every_entry_once(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    outside = tmp_path / "outside" / "secret.txt"
    outside.write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "batch"
    folder.mkdir()
    expected = make_links(folder, outside)
    listed = {item.name: item.refused for item in list_inputs(folder)}
    assert set(listed) == set(expected)
    for name, reason in expected.items():
        assert (reason in listed[name]) if reason else not listed[name], (name, listed[name])


def test_a_link_named_directly_is_read_where_it_points(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "story.txt"
    target.parent.mkdir()
    target.write_text(BODY, encoding="utf-8")
    (tmp_path / "story.txt").symlink_to(target)
    (item,) = list_inputs(tmp_path / "story.txt")
    assert item.name == "story.txt" and not item.refused and item.location == str(target)


@pytest.mark.parametrize("ending", [b"", b"\n", b"\r"])
def test_a_jsonl_file_of_one_line_over_the_cap_is_one_rejection(tmp_path: Path, ending: bytes) -> None:
    path = tmp_path / "one.jsonl"
    path.write_bytes(record("x").encode() + ending)
    (error,) = read_file(path, max_bytes=50)
    assert isinstance(error, ReadError) and error.line == 1 and "line longer than 50 bytes" in error.reason
