"""Readers: turn input files into RawArticles, one at a time, or into ReadErrors naming file and line.

A batch is never held in memory: files are opened one by one and JSONL is read line by line
(gzip included), so memory is bounded by the largest single article, and no article is larger than
the record cap (settings: input.max_record_bytes): a longer .txt/.html file or JSONL line is
rejected as it streams past, never held whole. JSONL lines end at LF, CRLF or a lone CR. Files are
local paths or fsspec URLs (see storage.py); a remote object is streamed in ranged reads, never
downloaded whole.

What PostgreSQL cannot store is repaired in a JSONL record's fields and the repair recorded on the
RawArticle (repairs): NUL characters removed, unpaired surrogates replaced by U+FFFD. A record
that cannot be read at all (nested too deep, a number too long) is a ReadError like bad JSON.

Text is UTF-8 when it decodes as UTF-8 (mojibake then repaired with ftfy, as always); else a
byte-order mark (UTF-8/16/32) or a confident guess of a legacy single-byte code page (encodings.py)
decides. The encoding used is recorded on every RawArticle. A JSONL file gets one encoding, decided
at its first line that is not plain ASCII from that line and the next JSONL_SAMPLE_BYTES.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import gzip
import io
import json
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import ftfy

from pipeline.core.document import RawArticle
from pipeline.core.settings import SETTINGS_ENV, load_settings
from pipeline.ingest import encodings, storage

FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
SUPPORTED = ", ".join([*FORMATS, *(f"{s}.gz" for s in FORMATS)])
# Bytes of a .txt/.html file read at a time: a read asks for a buffer of this size, and a 1 MiB one
# is an mmap and a munmap of its own (two per file, ~12 us of a 5 kB article's read; issue 27).
READ_CHUNK = 64 << 10
# Bytes of a JSONL file read at a time (a line longer than the cap is dropped chunk by chunk); small
# enough that a truncated .gz keeps its lines up to about here before the cut.
LINE_CHUNK = 64 << 10
# A record's fetch or crawl time, under the names crawlers give it: the first one that is a string.
FETCH_TIME_FIELDS = ("fetched", "fetched_at", "fetch_time", "fetch_date", "crawled", "crawled_at", "crawl_time",
                     "crawl_date", "retrieved", "retrieved_at", "scraped_at", "downloaded_at")  # fmt: skip
_DATE_MARKER = re.compile(r"\A\s*date (\d{4}-\d{2}-\d{2})\b[ \t]*")
# Cheap gate before ftfy: UTF-8 read as cp1252/latin-1 leaves these pairs behind.
_MOJIBAKE_HINT = re.compile("[ÃÂâÐÑÅ][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")
# Control characters but tab, newline and carriage return: removed from text. Each is one byte in
# UTF-8 and no byte of a longer character is below 0x80, so whether a text holds one is told on its
# encoding by a bytes-table delete (4x faster than a regex scan); the regex then removes them.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_CONTROL = re.compile("[" + re.escape(_CONTROL_BYTES.decode("ascii")) + "]")
JSONL_SAMPLE_BYTES = 64 * 1024  # lines a JSONL file's encoding is decided on (from its first non-ASCII line)
_SURROGATE = re.compile("[\ud800-\udfff]")
_WIDE = ("utf-16", "utf-32")  # read as a text stream: their bytes cannot be split at b"\n"
_BYTE_ORDER_MARK = "\ufeff"  # inside a text (files joined together) it is no character of the article


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
    """Every file under the given local paths, sorted, with the name it is recorded under.

    A file given directly is named by its basename; a file found in a directory by its path
    relative to that directory, so that names are stable wherever the batch folder lives. A path
    that does not exist is passed on as is (reading it reports the error). For URLs: storage.list_inputs.
    """
    for path in paths:
        path = Path(path)
        if not path.exists():
            yield path, path.name
            continue
        for found in storage.list_inputs(path):
            yield Path(found.location), found.name


def iter_inputs(roots: Iterable[str | Path]) -> Iterator[storage.InputFile | ReadError]:
    """Every file under each root (local path or URL), or a ReadError for a root that does not exist."""
    for root in roots:
        try:
            yield from storage.list_inputs(root)
        except FileNotFoundError as exc:
            shown = storage.redact_url(str(root))
            yield ReadError(shown, str(exc).removeprefix(f"{shown}: ") or "no such file or folder")


def file_format(name: str) -> tuple[str | None, bool]:
    """('txt'|'html'|'jsonl'|None, gzipped) from a file name (or a URL)."""
    lower = urlsplit(name).path.lower() if "://" in name else name.lower()
    gzipped = lower.endswith(".gz")
    if gzipped:
        lower = lower[:-3]
    return FORMATS.get(_suffix(lower)), gzipped


def _suffix(name: str) -> str:
    """Path(name).suffix; a bare file name's without building the Path (~3 us a file; issue 27)."""
    if "/" in name or name in ("", "."):
        return Path(name).suffix
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def read_input(item: storage.InputFile, max_bytes: int | None = None) -> Iterator[ReadResult]:
    """Yield the articles of one listed input, or its refusal (a link out of the batch, ...)."""
    if item.refused:
        yield ReadError(item.recorded_name, item.refused)
        return
    yield from read_file(item.location, item.recorded_name, max_bytes)


def record_cap() -> int:
    """The largest record read, in bytes (input.max_record_bytes, as NEWSCLEAN_SETTINGS sets it)."""
    return _record_cap(os.environ.get(SETTINGS_ENV) or None)


@functools.lru_cache(maxsize=4)
def _record_cap(settings_file: str | None) -> int:
    return load_settings(settings_file).input.max_record_bytes


def read_file(location: str | Path, name: str | None = None, max_bytes: int | None = None) -> Iterator[ReadResult]:
    """Yield the articles of one file, or errors naming the file (and line); never raises on bad input.

    location is a local path or an fsspec URL (an InputFile's location); name is what the file is
    recorded as (default: the basename of a local file, the redacted URL of a remote one). A remote
    file that is missing or forbidden is a ReadError like a local one; a failure of the storage
    service itself (network, credentials) raises storage.StorageError, so the batch can be retried.
    max_bytes: the record cap (default: record_cap()).
    """
    cap = max_bytes or record_cap()
    if storage.is_remote(location):
        url = str(location)
        name = name or storage.redact_url(url)
        fmt, gzipped = file_format(urlsplit(url).path)
        opener: Callable[[], IO[bytes]] = lambda: storage.open_binary(url)  # noqa: E731
    else:
        path = storage.local_path(location)
        name = storage.printable(name or path.name)
        fmt, gzipped = file_format(name)
        opener = lambda: open(path, "rb")  # noqa: E731
    if fmt is None:
        yield ReadError(name, f"unsupported file type (expected one of {SUPPORTED})")
        return
    try:
        if fmt == "jsonl":
            yield from _read_jsonl(opener, name, gzipped, cap)
        else:
            yield from _read_single(opener, name, fmt, gzipped, cap)
    except storage.StorageError:
        raise
    except OSError as exc:  # unreadable file, truncated gzip, bad gzip header, missing or forbidden object
        yield ReadError(name, f"cannot read file: {_describe_os_error(exc)}")


def read_paths(paths: Iterable[str | Path]) -> Iterator[ReadResult]:
    """The articles of every file under the given paths or URLs, in order."""
    for found in iter_inputs(paths):
        if isinstance(found, ReadError):
            yield found
        else:
            yield from read_input(found)


def _describe_os_error(exc: OSError) -> str:
    if isinstance(exc, gzip.BadGzipFile):
        return f"not a valid gzip file ({exc})"
    return storage.redact(exc.strerror or str(exc) or type(exc).__name__)


def _open(opener: Callable[[], IO[bytes]], gzipped: bool) -> contextlib.AbstractContextManager[IO[bytes]]:
    """The file's bytes, decompressed on the fly for .gz. A plain file is its own context manager
    (a generator's costs ~2 us a file; issue 27)."""
    return _unzipped(opener) if gzipped else opener()


@contextlib.contextmanager
def _unzipped(opener: Callable[[], IO[bytes]]) -> Iterator[IO[bytes]]:
    """A .gz file's bytes, decompressed on the fly (GzipFile does not close what it wraps)."""
    with opener() as raw, gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
        yield unzipped  # type: ignore[misc]  # a GzipFile is a binary file object


def _read_single(opener: Callable[[], IO[bytes]], name: str, fmt: str, gzipped: bool, cap: int) -> Iterator[ReadResult]:
    chunks: list[bytes] = []
    size = 0
    with _open(opener, gzipped) as handle:
        try:
            # Read to the end: a truncated gzip stream only raises once its end is reached.
            while chunk := handle.read(READ_CHUNK):
                size += len(chunk)
                if size > cap:
                    yield ReadError(name, f"file larger than {_size(cap)}; not one article")
                    return
                chunks.append(chunk)
        except EOFError:
            yield ReadError(name, "truncated gzip file (compressed stream ended early)")
            return
        except zlib.error as exc:
            yield ReadError(name, f"corrupt gzip data ({exc})")
            return
    decoded = decode_bytes(b"".join(chunks), html=fmt == "html")
    if isinstance(decoded, Decoded) and not decoded.text.strip():
        decoded = DecodeFailure("empty file (no text)")
    if isinstance(decoded, DecodeFailure):
        yield ReadError(name, decoded.reason)
        return
    text, encoding = decoded.text, decoded.encoding
    if fmt == "html":
        yield RawArticle(source_file=name, html=text, encoding=encoding)
        return
    published = None
    marker = _DATE_MARKER.match(text)
    if marker:
        published, text = marker.group(1), text[marker.end() :]
    yield RawArticle(source_file=name, text=text, published=published, encoding=encoding)


def _size(cap: int) -> str:
    """A byte count as people write it: 20 MiB, 512 KiB, 1000 bytes."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if cap >= factor and cap % factor == 0:
            return f"{cap // factor} {unit}"
    return f"{cap} bytes"


def _read_jsonl(opener: Callable[[], IO[bytes]], name: str, gzipped: bool, cap: int) -> Iterator[ReadResult]:
    seen_any = False
    with _open(opener, gzipped) as handle:
        try:
            head = _peek(handle, 4)
        except EOFError:
            yield ReadError(name, "truncated gzip file (compressed stream ended early)", line=1)
            return
        except zlib.error as exc:
            yield ReadError(name, f"corrupt gzip data ({exc})", line=1)
            return
        codec = encodings.bom_encoding(head)
        if codec in _WIDE:
            lines = _wide_lines(handle, name, codec or "", cap)
        else:
            lines = _decided_lines(_byte_lines(handle, name, cap))
        for number, line in lines:
            if isinstance(line, ReadError):  # a line too long, a broken stream: the file had lines
                seen_any = True
                yield line
                continue
            if isinstance(line, DecodeFailure):
                seen_any = True
                yield ReadError(name, line.reason, line=number)
                continue
            if not line.text.strip():
                continue
            seen_any = True
            yield _read_record(line, name, number)
    if not seen_any:
        yield ReadError(name, "empty file (no JSON lines)")


def _peek(handle: IO[bytes], size: int) -> bytes:
    peek = getattr(handle, "peek", None)
    return bytes(peek(size)[:size]) if peek is not None else b""


_Line = tuple[int, "bytes | ReadError"]
_DecodedLine = tuple[int, "Decoded | DecodeFailure | ReadError"]


def _byte_lines(handle: IO[bytes], name: str, cap: int) -> Iterator[_Line]:
    """(number, bytes) per line, a line longer than cap a ReadError (dropped as it streams past);
    a truncated or corrupt gzip stream ends it with a ReadError."""
    number = 0
    try:
        for number, raw_line in enumerate(_split_lines(handle, cap), start=1):
            yield number, (ReadError(name, _too_long(cap), line=number) if raw_line is None else raw_line)
    except EOFError:
        yield number + 1, ReadError(name, "truncated gzip file (compressed stream ended early)", line=number + 1)
    except zlib.error as exc:
        yield number + 1, ReadError(name, f"corrupt gzip data ({exc})", line=number + 1)


def _split_lines(handle: IO[bytes], cap: int) -> Iterator[bytes | None]:
    """The lines of a byte stream, read LINE_CHUNK at a time, ended by LF, CRLF or a lone CR (a JSON
    line holds none of them raw: bytes.splitlines splits at exactly these); None for a line longer
    than cap, which is never held whole."""
    parts: list[bytes] = []  # the start of the current line, unless it is already too long
    size = 0
    after_cr = False  # the previous read ended with CR: a LF starting this one is the rest of a CRLF
    # read1: what one read of the source gives, so the lines before a broken read still come out
    read = getattr(handle, "read1", handle.read)
    while chunk := read(LINE_CHUNK):
        pieces = chunk.splitlines()
        if after_cr and chunk.startswith(b"\n"):
            del pieces[0]
        after_cr = chunk.endswith(b"\r")
        going_on = None if chunk.endswith((b"\n", b"\r")) else pieces.pop()  # continues in the next read
        for piece in pieces:
            size += len(piece)
            yield (b"".join([*parts, piece]) if parts else piece) if size <= cap else None
            parts, size = [], 0
        if going_on is not None:
            size += len(going_on)
            parts = [*parts, going_on] if size <= cap else []
    if size:
        yield b"".join(parts) if size <= cap else None


def _too_long(cap: int) -> str:
    return f"line longer than {_size(cap)}; not one article (input.max_record_bytes)"


def _wide_lines(handle: IO[bytes], name: str, codec: str, cap: int) -> Iterator[_DecodedLine]:
    """UTF-16/32 JSONL: decoded as one text stream and split at decoded newlines (LF, CRLF or CR),
    since their newline is two or four bytes and a 0x0A byte occurs inside other characters. A
    broken code unit (an unpaired surrogate) spoils its line only; the stream decoder lets it
    through to be found. A line longer than cap (counted in characters) is dropped as it is read."""
    label = encodings.recorded_name(codec)
    number = 0
    try:
        text_stream = io.TextIOWrapper(handle, encoding=codec, errors="surrogatepass", newline=None)
        for number, line in enumerate(_capped_text_lines(text_stream, cap), start=1):
            if line is None:
                yield number, ReadError(name, _too_long(cap), line=number)
            elif _SURROGATE.search(line):
                yield number, DecodeFailure(f"not valid {label.upper()} (unpaired surrogate)")
            elif "\x00" in line:
                yield number, DecodeFailure("binary content (NUL characters), not a text article")
            else:
                yield number, Decoded(repair_text(line), label)
    except UnicodeDecodeError as exc:
        yield number + 1, ReadError(name, f"not valid {label.upper()} ({exc.reason}); file read up to here", number + 1)
    except EOFError:
        yield number + 1, ReadError(name, "truncated gzip file (compressed stream ended early)", line=number + 1)
    except zlib.error as exc:
        yield number + 1, ReadError(name, f"corrupt gzip data ({exc})", line=number + 1)


def _capped_text_lines(stream: IO[str], cap: int) -> Iterator[str | None]:
    """The lines of a text stream, None for one longer than cap characters (read in pieces)."""
    piece = min(cap + 1, LINE_CHUNK)
    parts: list[str] = []
    size = 0
    while text := stream.readline(piece):
        size += len(text)
        parts = [*parts, text] if size <= cap else []
        if text.endswith("\n"):
            yield "".join(parts) if size <= cap else None
            parts, size = [], 0
    if size:
        yield "".join(parts) if size <= cap else None


def _decided_lines(lines: Iterator[_Line]) -> Iterator[_DecodedLine]:
    """Decode byte lines with one encoding for the whole file.

    ASCII lines read the same in every encoding considered and are taken as UTF-8. At the first
    line with other bytes, that line and the following ones up to JSONL_SAMPLE_BYTES decide: UTF-8
    when they are (mostly) UTF-8, else a confident legacy guess, else UTF-8 again (so undecodable
    lines are reported one by one, as before, with the reason no legacy encoding was taken).
    """
    codec: str | None = None
    why_not_legacy = ""
    for number, raw in lines:
        if isinstance(raw, ReadError):
            yield number, raw
            continue
        if codec is None and not raw.isascii():
            sample: list[_Line] = [(number, raw)]
            size = len(raw) + 1  # the line end, which the lines come without
            while size < JSONL_SAMPLE_BYTES:
                following = next(lines, None)
                if following is None:
                    break
                sample.append(following)
                if isinstance(following[1], ReadError):
                    break
                size += len(following[1]) + 1
            codec, why_not_legacy = _file_codec(b"\n".join(r for _, r in sample if isinstance(r, bytes)))
            for sampled_number, sampled in sample:
                if isinstance(sampled, ReadError):
                    yield sampled_number, sampled
                else:
                    yield sampled_number, _decode_line(sampled, codec, why_not_legacy)
            continue
        yield number, _decode_line(raw, codec or "utf-8", why_not_legacy)


def _file_codec(sample: bytes) -> tuple[str, str]:
    """(codec, why no legacy encoding was taken) for a JSONL file from a sample of its lines."""
    if encodings.bom_encoding(sample) == "utf-8-sig" or encodings.mostly_utf8(sample):
        return "utf-8", ""
    guess = encodings.guess_legacy(sample)
    if guess.encoding is None:
        return "utf-8", guess.reason
    return guess.encoding, ""


def _decode_line(raw: bytes, codec: str, why_not_legacy: str) -> Decoded | DecodeFailure:
    if codec == "utf-8":
        decoded = _decode_utf8(raw)
        if isinstance(decoded, DecodeFailure) and why_not_legacy and decoded.reason.startswith("not valid UTF-8"):
            return DecodeFailure(f"{decoded.reason}; {why_not_legacy}")
        return decoded
    return _decode_legacy(raw, codec)


def _read_record(line: Decoded, name: str, number: int) -> ReadResult:
    """One JSONL record, or why not: whatever a line holds ends in an article or a ReadError."""
    try:
        return _parse_jsonl_line(line, name, number)
    except Exception as exc:  # a record no check foresaw must not end the file, let alone the batch
        return ReadError(name, f"cannot read the record ({type(exc).__name__})", line=number)


def _json_problem(exc: json.JSONDecodeError) -> str:
    """The decoder's message with its column: some messages end in "at" already ("Unterminated
    string starting at"), which must not read "at at column 27"."""
    message = exc.msg.removesuffix(" at")
    return f"{message} at column {exc.colno}"


def _parse_jsonl_line(line: Decoded, name: str, number: int) -> ReadResult:
    text = line.text
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return ReadError(name, f"invalid JSON: {_json_problem(exc)}", line=number)
    except RecursionError:
        return ReadError(name, "invalid JSON: nested too deeply", line=number)
    except ValueError as exc:  # int(): more digits than sys.get_int_max_str_digits()
        return ReadError(name, f"invalid JSON: {str(exc).split(':')[0]}", line=number)
    if not isinstance(record, dict):
        return ReadError(name, f"expected a JSON object, got {type(record).__name__}", line=number)
    body = {key: record.get(key) for key in ("text", "html")}
    if not any(isinstance(value, str) and value.strip() for value in body.values()):
        return ReadError(name, "no 'text' or 'html' string in the record", line=number)
    for key in ("title", "url", "published", "source", "id"):
        if record.get(key) is not None and not isinstance(record[key], (str, int)):
            return ReadError(name, f"field {key!r} must be a string", line=number)
    repairs: list[str] = []
    fields = {
        key: _storable(_optional_str(record, key), key, repairs)
        for key in ("title", "url", "published", "source", "id")
    }
    given_text, given_html = (value if isinstance(value, str) and value.strip() else None for value in body.values())
    html = _storable(given_html, "html", repairs)
    return RawArticle(
        source_file=name,
        line=number,
        text=repair_text(_storable(given_text, "text", repairs) or "") if given_text is not None else None,
        html=html.replace(_BYTE_ORDER_MARK, "") if html is not None and _BYTE_ORDER_MARK in html else html,
        title=fields["title"],
        url=fields["url"],
        published=fields["published"],
        source=fields["source"] or url_host(fields["url"]),
        external_id=fields["id"],
        title_given="title" in record,
        fetched=next((value for key in FETCH_TIME_FIELDS if (value := _optional_str(record, key))), None),
        encoding=line.encoding,
        repairs=tuple(repairs),
    )


def _optional_str(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _storable(value: str | None, field: str, repairs: list[str]) -> str | None:
    """value without what PostgreSQL cannot store (NUL; unpaired surrogates, which a JSON \\u
    escape can give), each repair noted in repairs for the audit."""
    if value is None or (value.isascii() and "\x00" not in value):  # the common case, two C scans
        return value
    if "\x00" in value:
        repairs.append(f"{field}: {value.count(chr(0))} NUL character(s) removed")
        value = value.replace("\x00", "")
    if _SURROGATE.search(value):
        repairs.append(f"{field}: {len(_SURROGATE.findall(value))} unpaired surrogate(s) replaced by U+FFFD")
        value = _SURROGATE.sub("\ufffd", value)
    return value


def url_host(url: str | None) -> str | None:
    """The host of a URL without www., None when it has none or is no URL ("http://[::1")."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


@dataclass(frozen=True)
class DecodeFailure:
    reason: str


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # as recorded: "utf-8", "utf-16", "utf-32", "cp1252", "iso8859-1", "iso8859-2", ...


def decode(data: bytes) -> str | DecodeFailure:
    """The text of data (see decode_bytes), without the encoding."""
    decoded = decode_bytes(data)
    return decoded.text if isinstance(decoded, Decoded) else decoded


def decode_bytes(data: bytes, html: bool = False) -> Decoded | DecodeFailure:
    """UTF-8 (then mojibake repair), else UTF-16/32 by byte-order mark, else (for an HTML page) the
    encoding it declares, else a legacy single-byte encoding when the detector is confident; binary
    and undecidable input is refused with a reason."""
    codec = encodings.bom_encoding(data[:4])
    if codec in _WIDE:
        return _decode_wide(data, codec or "")
    if _nul_near_start(data):
        return DecodeFailure("binary content (NUL bytes), not a text article")
    decoded = _decode_utf8(data)
    if isinstance(decoded, Decoded) or encodings.mostly_utf8(data):
        return decoded
    declared = encodings.declared_html_encoding(data) if html else None
    if declared is not None:
        from_declared = _decode_legacy(data, declared)
        if isinstance(from_declared, Decoded):
            return from_declared
    guess = encodings.guess_legacy(data)
    if guess.encoding is None:
        return DecodeFailure(f"{decoded.reason}; {guess.reason}")
    return _decode_legacy(data, guess.encoding)


def _nul_near_start(data: bytes) -> bool:
    """A NUL byte in the first 8 kB (binary content), found without copying them."""
    return data.find(b"\x00", 0, 8192) >= 0


def _decode_utf8(data: bytes) -> Decoded | DecodeFailure:
    """Strict UTF-8 (BOM allowed), then mojibake repair: exactly what every input got before."""
    if _nul_near_start(data):
        return DecodeFailure("binary content (NUL bytes), not a text article")
    try:
        # = data.decode("utf-8-sig"), the mark's check and its codec's Python wrapper aside (~0.7 us
        # of a 5 kB article's read; issue 27)
        marked = data.startswith(codecs.BOM_UTF8)
        text = data[3:].decode("utf-8") if marked else data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start + 3 * marked  # the offset in the file, the mark counted (the codec counts past it)
        return DecodeFailure(f"not valid UTF-8 (byte 0x{data[start]:02x} at offset {start})")
    return Decoded(repair_text(text), "utf-8")


def _decode_legacy(data: bytes, codec: str) -> Decoded | DecodeFailure:
    label = encodings.recorded_name(codec)
    if _nul_near_start(data):
        return DecodeFailure("binary content (NUL bytes), not a text article")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        return DecodeFailure(f"not valid {label} (byte 0x{data[exc.start]:02x} at offset {exc.start})")
    return Decoded(repair_text(text), label)


def _decode_wide(data: bytes, codec: str) -> Decoded | DecodeFailure:
    label = encodings.recorded_name(codec)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        reason = f"{exc.reason} at byte {exc.start}"
        return DecodeFailure(f"not valid {label.upper()} despite its byte-order mark ({reason})")
    if "\x00" in text[:8192]:
        return DecodeFailure("binary content (NUL characters), not a text article")
    if not encodings.reads_as_text(text):
        return DecodeFailure(f"not text: its {label.upper()} decoding is not text in any script")
    return Decoded(repair_text(text), label)


def repair_text(text: str) -> str:
    # Mojibake is made of non-ASCII characters: ASCII text (str.isascii costs nothing) has none.
    if not text.isascii() and _MOJIBAKE_HINT.search(text):
        text = ftfy.fix_encoding(text)
    if not text.isascii() and _BYTE_ORDER_MARK in text:
        text = text.replace(_BYTE_ORDER_MARK, "")
    encoded = text.encode("utf-8", "surrogatepass")
    return _CONTROL.sub("", text) if len(encoded.translate(None, _CONTROL_BYTES)) < len(encoded) else text
