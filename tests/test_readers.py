"""Readers: every format, gzip of each, and a clear error naming file (and line) for bad input."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from pipeline import RawArticle, ReadError, read_file, read_paths
from pipeline.ingest import storage
from pipeline.ingest.readers import iter_input_files

from .conftest import run_cli

HTML_PAGE = """<html><head><title>Harbor gets a wall | Example News</title>
<meta property="og:title" content="Harbor gets a wall">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Harbor town gets its breakwater", "datePublished": "2024-03-14T09:30:00+01:00",
 "dateModified": "2024-03-15T10:00:00+01:00", "author": [{"@type": "Person", "name": "Erik Lund"}],
 "url": "https://www.example.com/news/harbor"}</script>
<style>.x{color:red}</style></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Harbor town gets its breakwater</h1>
<p>Fishermen said on Thursday that the new wall would let their boats winter in the harbor.</p>
<figure><img src="a.jpg"><figcaption>Trawlers in the harbor. <span class="credit">Erik Lund</span></figcaption></figure>
<p>Construction starts in May, the harbor authority said.</p>
<ul><li>Cost: 40 million crowns</li></ul>
<script>var tracking = 1;</script>
</article><footer>Contact us | Privacy</footer></body></html>"""


def write(path: Path, data: bytes | str, gz: bool = False) -> Path:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if gz:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(raw))
    else:
        path.write_bytes(raw)
    return path


@pytest.mark.parametrize("gz", [False, True])
def test_txt_date_marker_becomes_published(tmp_path: Path, gz: bool) -> None:
    path = write(tmp_path / "a.txt", " date 2024-03-14 First paragraph here.\n\nSecond one.", gz)
    [article] = read_file(path)
    assert isinstance(article, RawArticle)
    assert article.published == "2024-03-14"
    assert article.text is not None and article.text.startswith("First paragraph")


@pytest.mark.parametrize("gz", [False, True])
def test_html_page_body_metadata_and_captions(tmp_path: Path, gz: bool) -> None:
    from pipeline import Cleaner

    path = write(tmp_path / "page.html", HTML_PAGE, gz)
    [raw] = read_file(path)
    assert isinstance(raw, RawArticle) and raw.html
    article = Cleaner.from_files().clean(raw)
    assert article.title == "Harbor town gets its breakwater"
    assert article.published == "2024-03-14T09:30:00+01:00"
    assert article.updated == "2024-03-15T10:00:00+01:00"
    assert article.authors == ["Erik Lund"]
    assert article.source == "example.com"
    assert [p.text for p in article.paragraphs] == [
        "Fishermen said on Thursday that the new wall would let their boats winter in the harbor.",
        "Construction starts in May, the harbor authority said.",
        "Cost: 40 million crowns",
    ]
    assert [(c.text, c.credit) for c in article.captions] == [("Trawlers in the harbor.", "Erik Lund")]


@pytest.mark.parametrize("gz", [False, True])
def test_jsonl_bad_line_reported_with_number_rest_goes_through(tmp_path: Path, gz: bool) -> None:
    lines = [
        json.dumps(
            {
                "id": "a1",
                "title": "First story",
                "text": "Body one.",
                "url": "https://news.example.org/a1",
                "published": "2024-05-01",
            }
        ),
        "{not json",
        json.dumps({"id": "a3", "html": "<p>Body three is html.</p>", "source": "wire"}),
        json.dumps({"id": "a4"}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"text": "Body six."}),
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n", gz)
    results = list(read_file(path))
    ok = [r for r in results if isinstance(r, RawArticle)]
    errors = [r for r in results if isinstance(r, ReadError)]
    assert [r.line for r in ok] == [1, 3, 7]
    assert ok[0].source == "news.example.org" and ok[0].title == "First story" and ok[0].external_id == "a1"
    assert ok[1].html and ok[1].source == "wire"
    assert [(e.line, e.reason.split(":")[0]) for e in errors] == [
        (2, "invalid JSON"),
        (4, "no 'text' or 'html' string in the record"),
        (5, "expected a JSON object, got list"),
    ]
    assert str(errors[0]).startswith(f"{path.name}:2: invalid JSON")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.html", b"  \n\n ", "empty file"),
        ("empty.jsonl", b"\n\n", "empty file"),
        ("binary.txt", bytes(range(256)) * 4, "binary content"),
        # too short for the legacy-encoding detector to tell (see test_encodings.py for longer text)
        ("latin1.txt", "Caf\u00e9 au lait".encode("latin-1"), "not valid UTF-8 (byte 0xe9 at offset 3)"),
        ("report.pdf", b"%PDF-1.4", "unsupported file type"),
        ("noext", b"hello", "unsupported file type"),
        ("notgz.txt.gz", b"this is not gzip", "not a valid gzip file"),
    ],
)
def test_bad_file_gives_error_naming_it(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    [error] = read_file(write(tmp_path / name, data))
    assert isinstance(error, ReadError)
    assert error.source_file == name
    assert reason in error.reason


@pytest.mark.parametrize("keep", [0.5, 0.01])
def test_truncated_gzip_is_an_error_not_a_crash(tmp_path: Path, keep: float) -> None:
    blob = gzip.compress(("A paragraph of text. " * 20000).encode())
    path = tmp_path / "cut.txt.gz"
    path.write_bytes(blob[: int(len(blob) * keep)])
    [error] = read_file(path)
    assert isinstance(error, ReadError) and "truncated" in error.reason


def test_truncated_jsonl_gzip_keeps_lines_before_the_cut(tmp_path: Path) -> None:
    records = "".join(json.dumps({"text": f"Story number {i} " + "x" * i}) + "\n" for i in range(2000))
    blob = gzip.compress(records.encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(blob[: len(blob) // 2])
    results = list(read_file(path))
    assert isinstance(results[-1], ReadError) and "truncated" in results[-1].reason
    assert results[-1].line is not None
    assert all(isinstance(r, RawArticle) for r in results[:-1]) and len(results) > 10


def test_mojibake_is_repaired(tmp_path: Path) -> None:
    broken = "Kosovo’s prime minister met Türkiye’s envoy.".encode().decode("cp1252", errors="replace")
    [article] = read_file(write(tmp_path / "m.txt", broken))
    assert isinstance(article, RawArticle)
    assert article.text == "Kosovo’s prime minister met Türkiye’s envoy."


def test_folder_is_read_in_sorted_order_hidden_files_skipped(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Second story.")
    (tmp_path / "a.txt").write_text("First story.")
    (tmp_path / ".hidden.txt").write_text("Editor swap file.")
    names = [r.source_file for r in read_paths([tmp_path])]
    assert names == ["a.txt", "b.txt"]


def test_locations_may_be_strings_and_file_urls(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "A story.")
    for location in (path, str(path), f"file://{path}"):
        [article] = read_file(location)
        assert isinstance(article, RawArticle) and article.source_file == "a.txt" and article.encoding == "utf-8"


def test_list_inputs_agrees_with_iter_input_files(tmp_path: Path) -> None:
    for name in ("b.txt", "a/z.txt", "a.txt", "a/.hidden/x.txt", "a-b/c.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("Story.")
    listed = storage.list_inputs(tmp_path)
    assert [f.name for f in listed] == ["a/z.txt", "a-b/c.txt", "a.txt", "b.txt"]  # pathlib's order, as before
    assert [(Path(f.location), f.name) for f in listed] == list(iter_input_files([tmp_path]))
    assert [f.recorded_name for f in listed] == [f.name for f in listed]
    assert storage.list_inputs(tmp_path / "a.txt") == [storage.InputFile(str(tmp_path / "a.txt"), "a.txt", 6)]
    assert [f.size for f in listed] == [6, 6, 6, 6]
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        storage.list_inputs(tmp_path / "missing")


def test_missing_input_is_an_error_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A story about the harbor and its new wall, told in one paragraph.")
    done = run_cli("clean", str(tmp_path / "missing.txt"), str(tmp_path))
    assert done.returncode == 1
    assert done.stderr == f"error: {tmp_path / 'missing.txt'}: no such file or folder\n"
    assert "a.txt" in done.stdout


def test_any_fsspec_filesystem_works(tmp_path: Path) -> None:
    """memory:// stands in for object storage here (tests/test_object_storage.py uses a real S3 API)."""
    import fsspec

    fs = fsspec.filesystem("memory")
    root = f"memory://{tmp_path.name}/raw/2024-11-05"
    fs.pipe(f"{root}/wire/a.txt", b"First story.")
    fs.pipe(f"{root}/feed.jsonl.gz", gzip.compress(b'{"text": "Second story."}\n{"text": 1}\n'))
    fs.pipe(f"{root}/.tmp/upload.txt", b"hidden")
    inputs = storage.list_inputs(storage.join(f"memory://{tmp_path.name}/raw", "2024-11-05"))
    assert [(f.name, f.recorded_name) for f in inputs] == [
        ("feed.jsonl.gz", f"{root}/feed.jsonl.gz"),
        ("wire/a.txt", f"{root}/wire/a.txt"),
    ]
    results = [r for f in inputs for r in read_file(f.location, f.recorded_name)]
    assert [(r.source_file, r.line) for r in results] == [
        (f"{root}/feed.jsonl.gz", 1),
        (f"{root}/feed.jsonl.gz", 2),
        (f"{root}/wire/a.txt", None),
    ]
    assert isinstance(results[1], ReadError) and str(results[1]).startswith(f"{root}/feed.jsonl.gz:2: no 'text'")
    assert [r.source_file for r in read_paths([root])] == [f"{root}/feed.jsonl.gz"] * 2 + [f"{root}/wire/a.txt"]
    [missing] = read_file(f"{root}/gone.txt")
    assert isinstance(missing, ReadError) and missing.source_file == f"{root}/gone.txt"
    assert missing.reason.startswith("cannot read file:")


def test_a_storage_failure_mid_read_raises_not_rejects(monkeypatch: pytest.MonkeyPatch) -> None:
    """A connection that breaks while an object is read is no verdict on the file: StorageError."""

    class Flaky(io.RawIOBase):
        def __init__(self) -> None:
            self.reads = 0

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            self.reads += 1
            if self.reads > 1:
                raise ConnectionResetError("connection reset by peer")
            return b'{"text": "First story."}\n' * 10

    class FlakyFS:
        def open(self, path: str, mode: str, block_size: int) -> Flaky:
            return Flaky()

    monkeypatch.setattr(storage, "_filesystem", lambda url: (FlakyFS(), url.split("://", 1)[1]))
    results = read_file("s3://bucket/feed.jsonl")
    assert isinstance(next(results), RawArticle)
    with pytest.raises(storage.StorageError, match=r"^s3://bucket/feed.jsonl: storage error: ConnectionResetError"):
        list(results)


def test_marker_files_are_not_inputs(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("Story.")
    (tmp_path / "_SUCCESS").write_text("")
    (tmp_path / "_tmp").mkdir()
    (tmp_path / "_tmp" / "part.txt").write_text("half written")
    assert [f.name for f in storage.list_inputs(tmp_path)] == ["story.txt"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"text": "open', "invalid JSON: Unterminated string starting at column 10"),
        ('{"text": "a" "b"}', "invalid JSON: Expecting ',' delimiter at column 14"),
        ("{", "invalid JSON: Expecting property name enclosed in double quotes at column 2"),
        ("not json", "invalid JSON: Expecting value at column 1"),
    ],
)
def test_a_bad_json_line_is_refused_with_the_decoders_words_and_column(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    (error,) = read_file(path)
    assert isinstance(error, ReadError) and error.reason == reason and error.line == 1
