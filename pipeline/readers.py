"""Readers: turn input files into RawArticles, one at a time, or into ReadErrors naming file and line.

A batch is never held in memory: files are opened one by one and JSONL is read line by line
(gzip included), so memory is bounded by the largest single article.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import ftfy

from .document import RawArticle

FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
SUPPORTED = ", ".join([*FORMATS, *(f"{s}.gz" for s in FORMATS)])
MAX_ARTICLE_BYTES = 20 * 1024 * 1024  # one article per .txt/.html file; anything larger is not one article
_DATE_MARKER = re.compile(r"\A\s*date (\d{4}-\d{2}-\d{2})\b[ \t]*")
# Cheap gate before ftfy: UTF-8 read as cp1252/latin-1 leaves these pairs behind.
_MOJIBAKE_HINT = re.compile("[ÃÂâÐÑÅ][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ReadError:
    """An input (a file, or one line of a JSONL file) that could not be read, and why."""

    source_file: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source_file}:{self.line}" if self.line is not None else self.source_file
        return f"{where}: {self.reason}"


ReadResult = RawArticle | ReadError


def iter_input_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Every file under the given paths, sorted, with the name it is recorded under.

    A file given directly is named by its basename; a file found in a directory by its path
    relative to that directory, so that names are stable wherever the batch folder lives.
    """
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = child.relative_to(path)
                if not any(part.startswith(".") for part in relative.parts):
                    yield child, relative.as_posix()
        else:
            yield path, path.name


def file_format(name: str) -> tuple[str | None, bool]:
    """('txt'|'html'|'jsonl'|None, gzipped) from a file name."""
    lower = name.lower()
    gzipped = lower.endswith(".gz")
    if gzipped:
        lower = lower[:-3]
    return FORMATS.get(Path(lower).suffix), gzipped


def read_file(path: Path, name: str | None = None) -> Iterator[ReadResult]:
    """Yield the articles of one file, or errors naming the file (and line); never raises on bad input."""
    name = name or path.name
    fmt, gzipped = file_format(name)
    if fmt is None:
        yield ReadError(name, f"unsupported file type (expected one of {SUPPORTED})")
        return
    try:
        if fmt == "jsonl":
            yield from _read_jsonl(path, name, gzipped)
        else:
            yield from _read_single(path, name, fmt, gzipped)
    except OSError as exc:  # unreadable file, truncated gzip, bad gzip header
        yield ReadError(name, f"cannot read file: {_describe_os_error(exc)}")


def read_paths(paths: Iterable[Path]) -> Iterator[ReadResult]:
    for path, name in iter_input_files(paths):
        yield from read_file(path, name)


def _describe_os_error(exc: OSError) -> str:
    if isinstance(exc, gzip.BadGzipFile):
        return f"not a valid gzip file ({exc})"
    return exc.strerror or str(exc) or type(exc).__name__


def _open(path: Path, gzipped: bool) -> IO[bytes]:
    if gzipped:
        return gzip.GzipFile(path, "rb")  # type: ignore[return-value]  # a GzipFile is a binary file object
    return open(path, "rb")


def _read_single(path: Path, name: str, fmt: str, gzipped: bool) -> Iterator[ReadResult]:
    chunks: list[bytes] = []
    size = 0
    with _open(path, gzipped) as handle:
        try:
            # Read to the end: a truncated gzip stream only raises once its end is reached.
            while chunk := handle.read(1 << 20):
                size += len(chunk)
                if size > MAX_ARTICLE_BYTES:
                    yield ReadError(name, f"file larger than {MAX_ARTICLE_BYTES // (1024 * 1024)} MiB; not one article")
                    return
                chunks.append(chunk)
        except EOFError:
            yield ReadError(name, "truncated gzip file (compressed stream ended early)")
            return
        except zlib.error as exc:
            yield ReadError(name, f"corrupt gzip data ({exc})")
            return
    data = b"".join(chunks)
    text = decode(data)
    if isinstance(text, str) and not text.strip():
        text = DecodeFailure("empty file (no text)")
    if isinstance(text, DecodeFailure):
        yield ReadError(name, text.reason)
        return
    if fmt == "html":
        yield RawArticle(source_file=name, html=text)
        return
    published = None
    marker = _DATE_MARKER.match(text)
    if marker:
        published, text = marker.group(1), text[marker.end() :]
    yield RawArticle(source_file=name, text=text, published=published)


def _read_jsonl(path: Path, name: str, gzipped: bool) -> Iterator[ReadResult]:
    seen_any = False
    with _open(path, gzipped) as handle:
        number = 0
        try:
            for number, raw_line in enumerate(handle, start=1):
                if not raw_line.strip():
                    continue
                seen_any = True
                yield _parse_jsonl_line(raw_line, name, number)
        except EOFError:
            yield ReadError(name, "truncated gzip file (compressed stream ended early)", line=number + 1)
            return
        except zlib.error as exc:
            yield ReadError(name, f"corrupt gzip data ({exc})", line=number + 1)
            return
    if not seen_any:
        yield ReadError(name, "empty file (no JSON lines)")


def _parse_jsonl_line(raw_line: bytes, name: str, number: int) -> ReadResult:
    text = decode(raw_line)
    if isinstance(text, DecodeFailure):
        return ReadError(name, text.reason, line=number)
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return ReadError(name, f"invalid JSON: {exc.msg} at column {exc.colno}", line=number)
    if not isinstance(record, dict):
        return ReadError(name, f"expected a JSON object, got {type(record).__name__}", line=number)
    body = {key: record.get(key) for key in ("text", "html")}
    if not any(isinstance(value, str) and value.strip() for value in body.values()):
        return ReadError(name, "no 'text' or 'html' string in the record", line=number)
    for key in ("title", "url", "published", "source", "id"):
        if record.get(key) is not None and not isinstance(record[key], (str, int)):
            return ReadError(name, f"field {key!r} must be a string", line=number)
    url = _optional_str(record, "url")
    return RawArticle(
        source_file=name,
        line=number,
        text=repair_text(body["text"]) if isinstance(body["text"], str) and body["text"].strip() else None,
        html=body["html"] if isinstance(body["html"], str) and body["html"].strip() else None,
        title=_optional_str(record, "title"),
        url=url,
        published=_optional_str(record, "published"),
        source=_optional_str(record, "source") or url_host(url),
        external_id=_optional_str(record, "id"),
        title_given="title" in record,
    )


def _optional_str(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def url_host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


@dataclass(frozen=True)
class DecodeFailure:
    reason: str


def decode(data: bytes) -> str | DecodeFailure:
    """Strict UTF-8 (BOM allowed), then mojibake repair; binary input is refused, not guessed at."""
    if b"\x00" in data[:8192]:
        return DecodeFailure("binary content (NUL bytes), not a text article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return DecodeFailure(f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})")
    return repair_text(text)


def repair_text(text: str) -> str:
    if _MOJIBAKE_HINT.search(text):
        text = ftfy.fix_encoding(text)
    return _CONTROL.sub("", text)
