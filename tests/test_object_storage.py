"""Inputs from object storage (issue #13): a batch uploaded to a real S3 API (moto's server, see the
s3_server fixture in conftest.py) lists and cleans exactly like the same files on disk."""

from __future__ import annotations

import gzip
import io
import json
import logging
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from pipeline import Cleaner, ReadError, read_file
from pipeline.core.document import Article
from pipeline.ingest import storage

from .conftest import FIXTURES, S3_FAKE_ACCESS_KEY, S3_FAKE_SECRET_KEY, run_cli

pytest.importorskip("s3fs", reason="s3fs is not installed (the s3 extra)")


def build_batch(folder: Path) -> Path:
    """A small batch: our fixture articles, a nested folder, .gz and .jsonl(.gz), legacy and UTF-16
    text, and files that must be rejected (truncated gzip, binary, unsupported, hidden)."""
    folder.mkdir(parents=True)
    for path in sorted((FIXTURES / "articles").glob("*.txt")):
        shutil.copy(path, folder / path.name)
    wire = folder / "wire"
    wire.mkdir()
    agency = (FIXTURES / "articles" / "agency_page.txt").read_bytes()
    (wire / "agency_page.txt.gz").write_bytes(gzip.compress(agency))
    records = [
        {
            "id": "f1",
            "title": "Ferry back on the river",
            "url": "https://www.example.org/f1?utm_source=x",
            "text": "The river ferry runs again from Monday.\n\nTickets cost two euros.",
        },
        {"id": "f2", "html": "<p>Council approves the harbour budget after a long debate.</p>", "source": "wire"},
        {"id": "f3"},
    ]
    lines = "".join(json.dumps(r) + "\n" for r in records) + "{not json\n"
    (folder / "feeds").mkdir()
    (folder / "feeds" / "regional.jsonl").write_text(lines, encoding="utf-8")
    (folder / "feeds" / "regional.jsonl.gz").write_bytes(gzip.compress(lines.encode()))
    story = "Café owners in Zürich say their rents have doubled.\n\n“We’re not going anywhere,” one owner said."
    (folder / "legacy_cp1252.txt").write_bytes(story.encode("cp1252"))
    (folder / "legacy_utf16.txt").write_bytes(story.encode("utf-16"))
    blob = gzip.compress(("A paragraph of text. " * 5000).encode())
    (folder / "broken_upload.txt.gz").write_bytes(blob[: len(blob) // 2])
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "export.xlsx").write_bytes(b"PK\x03\x04 not really a spreadsheet")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    (wire / ".partial.txt").write_text("an upload in progress")
    return folder


@pytest.fixture(scope="module")
def batches(s3_server: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The same batch on disk and at s3://<bucket>/raw/2024-11-05/."""
    local = build_batch(tmp_path_factory.mktemp("objects") / "2024-11-05")
    bucket = s3_server.make_bucket()
    remote = s3_server.upload(local, f"s3://{bucket}/raw/2024-11-05")
    return local, remote


def clean_all(location: str, name: str) -> list[Article | ReadError]:
    return list(Cleaner.from_files().clean_all(read_file(location, name)))


def test_listing_the_bucket_equals_listing_the_folder(batches: tuple[Path, str]) -> None:
    local, remote = batches
    local_files, remote_files = storage.list_inputs(local), storage.list_inputs(remote)
    assert [f.name for f in remote_files] == [f.name for f in local_files]
    assert "wire/agency_page.txt.gz" in [f.name for f in remote_files]
    assert not any(part.startswith(".") for f in remote_files for part in f.name.split("/"))
    for found in remote_files:
        assert found.location == f"{remote}/{found.name}" and found.recorded_name == found.location
    for found in local_files:
        assert found.recorded_name == found.name and Path(found.location) == local / found.name
    # a trailing slash, the one object given directly, and a URL-aware join
    assert [f.name for f in storage.list_inputs(remote + "/")] == [f.name for f in remote_files]
    [single] = storage.list_inputs(storage.join(remote, "wire", "agency_page.txt.gz"))
    assert (single.name, single.location) == ("agency_page.txt.gz", f"{remote}/wire/agency_page.txt.gz")


def test_every_object_cleans_like_its_local_file(batches: tuple[Path, str]) -> None:
    local, remote = batches
    compared = 0
    for local_file, remote_file in zip(storage.list_inputs(local), storage.list_inputs(remote), strict=True):
        here = clean_all(local_file.location, local_file.recorded_name)
        there = clean_all(remote_file.location, remote_file.recorded_name)
        assert len(here) == len(there) > 0
        for mine, theirs in zip(here, there, strict=True):
            assert type(mine) is type(theirs)
            if isinstance(mine, ReadError) and isinstance(theirs, ReadError):
                assert theirs.source_file == remote_file.location  # the object's URL
                assert (theirs.line, theirs.reason) == (mine.line, mine.reason)
            elif isinstance(mine, Article) and isinstance(theirs, Article):
                assert theirs.source_file == remote_file.location
                assert {**theirs.to_json(), "source_file": None} == {**mine.to_json(), "source_file": None}
                compared += 1
    assert compared >= 8


def test_bad_objects_are_rejected_with_url_and_reason(batches: tuple[Path, str]) -> None:
    _, remote = batches
    errors = {}
    for found in storage.list_inputs(remote):
        for result in read_file(found.location, found.recorded_name):
            if isinstance(result, ReadError):
                errors[(found.name, result.line)] = str(result)
    assert errors == {
        ("binary.txt", None): f"{remote}/binary.txt: binary content (NUL bytes), not a text article",
        ("broken_upload.txt.gz", None): f"{remote}/broken_upload.txt.gz: truncated gzip file"
        " (compressed stream ended early)",
        ("export.xlsx", None): f"{remote}/export.xlsx: unsupported file type"
        " (expected one of .txt, .html, .htm, .jsonl, .txt.gz, .html.gz, .htm.gz, .jsonl.gz)",
        ("feeds/regional.jsonl", 3): f"{remote}/feeds/regional.jsonl:3: no 'text' or 'html' string in the record",
        ("feeds/regional.jsonl", 4): f"{remote}/feeds/regional.jsonl:4: invalid JSON: Expecting property name"
        " enclosed in double quotes at column 2",
        ("feeds/regional.jsonl.gz", 3): f"{remote}/feeds/regional.jsonl.gz:3: no 'text' or 'html' string in the record",
        ("feeds/regional.jsonl.gz", 4): f"{remote}/feeds/regional.jsonl.gz:4: invalid JSON: Expecting property name"
        " enclosed in double quotes at column 2",
    }


def test_legacy_encodings_from_objects(batches: tuple[Path, str]) -> None:
    _, remote = batches
    for name, encoding in (("legacy_cp1252.txt", "cp1252"), ("legacy_utf16.txt", "utf-16")):
        [article] = clean_all(f"{remote}/{name}", f"{remote}/{name}")
        assert isinstance(article, Article) and article.encoding == encoding
        assert "Café owners in Zürich" in article.body


def test_missing_object_bucket_and_prefix(s3_server: Any, batches: tuple[Path, str]) -> None:
    _, remote = batches
    [error] = read_file(f"{remote}/gone.txt")
    assert isinstance(error, ReadError) and error.source_file == f"{remote}/gone.txt"
    assert error.reason.startswith("cannot read file:")
    with pytest.raises(FileNotFoundError, match=r"no such bucket, folder or object"):
        storage.list_inputs(f"{remote}-not-there/")
    with pytest.raises(FileNotFoundError, match=r"s3://no-such-bucket-[0-9a-f]+/raw: no such bucket"):
        storage.list_inputs(f"s3://no-such-bucket-{random.Random(1).getrandbits(32):x}/raw")
    assert storage.exists(remote) and storage.is_dir(remote) and not storage.is_dir(f"{remote}/binary.txt")
    assert storage.exists(f"{remote}/binary.txt") and not storage.exists(f"{remote}/gone.txt")


@pytest.mark.parametrize("name", ["big.jsonl.gz", "big.jsonl"])
def test_objects_are_streamed_not_downloaded(
    s3_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Reading the first article of a 1.7-3 MB object fetches a block or two of it, not the object."""
    rnd = random.Random(5)
    lines = "".join(
        json.dumps({"id": i, "text": f"Story {i}. " + rnd.randbytes(600).hex()}) + "\n" for i in range(2500)
    )
    data = gzip.compress(lines.encode()) if name.endswith(".gz") else lines.encode()
    assert len(data) > 1_500_000
    bucket = s3_server.make_bucket()
    url = f"s3://{bucket}/{name}"
    with s3_server.filesystem().open(url, "wb") as out:
        out.write(data)
    opened: list[io.BufferedReader] = []
    open_binary = storage.open_binary

    def spy(location: str) -> Any:
        opened.append(open_binary(location))  # type: ignore[arg-type]
        return opened[-1]

    monkeypatch.setattr(storage, "BLOCK_SIZE", 256 * 1024)
    monkeypatch.setattr(storage, "open_binary", spy)
    results = read_file(url)
    first = next(results)
    assert getattr(first, "line", None) == 1
    fetched = opened[0].raw._raw.cache.total_requested_bytes  # type: ignore[attr-defined]
    assert 0 < fetched <= 2 * 256 * 1024 < len(data)
    assert sum(1 for _ in results) == 2499  # and the rest still streams through to the end


def test_cli_cleans_a_bucket_and_never_prints_credentials(
    batches: tuple[Path, str], caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    local, remote = batches
    done = run_cli("clean", "--json", remote + "/", f"{remote}-missing/")
    assert done.returncode == 1  # the bad objects and the missing prefix
    articles = [json.loads(line) for line in done.stdout.splitlines()]
    expected = [json.loads(line) for line in run_cli("clean", "--json", str(local)).stdout.splitlines()]
    assert [a["source_file"] for a in articles] == [f"{remote}/{a['source_file']}" for a in expected]
    assert [{**a, "source_file": None} for a in articles] == [{**a, "source_file": None} for a in expected]
    assert f"error: {remote}/binary.txt: binary content" in done.stderr
    assert f"error: {remote}-missing/: no such bucket, folder or object" in done.stderr
    # in-process too, with every logger at INFO (Airflow's task log level)
    with caplog.at_level(logging.INFO):
        for found in storage.list_inputs(remote):
            clean_all(found.location, found.recorded_name)
        with pytest.raises(FileNotFoundError):
            storage.list_inputs(f"{remote}-missing")
    captured = capsys.readouterr()
    for text in (done.stdout, done.stderr, caplog.text, captured.out, captured.err):
        assert S3_FAKE_ACCESS_KEY not in text and S3_FAKE_SECRET_KEY not in text


def test_storage_failure_is_an_error_not_a_rejection(
    batches: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unreachable endpoint fails loudly (the batch is retried) and names no credential."""
    _, remote = batches
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    import os
    import subprocess
    import sys

    env = {**os.environ, "AWS_ENDPOINT_URL": dead, "AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard"}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "clean", "--json", f"{remote}/binary.txt"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert f"error: {remote}/binary.txt: storage error:" in done.stderr
    assert S3_FAKE_ACCESS_KEY not in done.stderr and S3_FAKE_SECRET_KEY not in done.stderr


def test_redaction() -> None:
    assert storage.redact_url("https://user:pa55word@host/x.txt?sig=abc&v=1") == "https://***@host/x.txt?sig=***&v=1"
    assert storage.redact_url("s3://bucket/raw/a.txt") == "s3://bucket/raw/a.txt"
    message = "failed on ftp://bob:hunter22@files.example.org/a.txt"
    assert storage.redact(message) == "failed on ftp://***@files.example.org/a.txt"
    assert "hunter22" not in repr(storage.InputFile("ftp://bob:hunter22@files.example.org/a.txt", "a.txt"))
    assert storage.InputFile("ftp://bob:hunter22@h/a.txt", "a.txt").recorded_name == "ftp://***@h/a.txt"


def test_credentials_in_a_url_never_reach_a_message(s3_server: Any) -> None:
    with pytest.raises(storage.StorageError) as raised:
        storage.list_inputs("s3://AKIAEXAMPLE:s3cr3tv4lue@some-bucket/raw/")
    assert "s3cr3tv4lue" not in str(raised.value) and "AKIAEXAMPLE" not in str(raised.value)
    assert str(raised.value).startswith("s3://***@some-bucket/raw/: storage error:")


def test_join_and_is_remote() -> None:
    assert storage.join("s3://bucket/raw", "2024-11-05") == "s3://bucket/raw/2024-11-05"
    assert storage.join("s3://bucket/raw/", "2024-11-05", "a.txt") == "s3://bucket/raw/2024-11-05/a.txt"
    assert storage.join("s3://bucket", "2024-11-05") == "s3://bucket/2024-11-05"
    assert storage.join("samples/raw", "2024-11-05") == str(Path("samples/raw/2024-11-05"))
    assert storage.is_remote("s3://b/k") and storage.is_remote("gs://b/k") and storage.is_remote("memory://x")
    assert not storage.is_remote("samples/raw") and not storage.is_remote(Path("/tmp"))
    assert not storage.is_remote("file:///tmp/x") and storage.local_path("file:///tmp/x") == Path("/tmp/x")
