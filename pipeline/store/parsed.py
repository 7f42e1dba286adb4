"""A shard's inputs as the learn pass read them, staged for the clean pass (issue 27): each input
of a run is read, decoded and (a text article) split into paragraphs once, by the learn pass; the
clean pass takes the staged records from PostgreSQL instead of reading the files again.

A chunk is one row of stage_parsed: up to CHUNK_RECORDS read results of one shard, in read order,
each with the position of its input in the shard (the clean pass counts the files it met). The
payload is marshal of plain tuples: no code is run to load it (not pickle), and a format number
makes a staging written by another version of this code fail loudly. It is not compressed: zlib
cost the learn and clean steps more CPU than the whole read it spares (measured, issue 27), and
the column is stored EXTERNAL so that the server does not compress it either.
"""

from __future__ import annotations

import marshal
import operator
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from pipeline.core.document import Paragraph, RawArticle
from pipeline.ingest.readers import ReadError, ReadResult
from pipeline.store.db import raw_connection
from pipeline.store.staging import ShardWriter
from pipeline.store.tables import PARSED

FORMAT = 2
# Records per chunk: few enough that a chunk of full HTML pages stays a few MB in memory, many
# enough that the per-row costs (a COPY line, a fetch, a decompress) spread thin.
CHUNK_RECORDS = 100
CHUNK_CHARS = 4 << 20  # and at most about this many characters of text and HTML (full pages are large)
FETCH_CHUNKS = 8  # chunks fetched per round trip by the clean pass's server-side cursor
# Every field of RawArticle but `paragraphs`, which travel apart; a new field must be added here
# (tests/test_shared_read.py checks that a record comes back equal).
_RAW_FIELDS = (
    "source_file",
    "line",
    "text",
    "html",
    "title",
    "url",
    "published",
    "source",
    "external_id",
    "title_given",
    "fallback_source",
    "fetched",
    "batch_date",
    "encoding",
    "repairs",
)


_raw_fields = operator.attrgetter(*_RAW_FIELDS)
_TEXT = _RAW_FIELDS.index("text")


class ParsedFormatError(Exception):
    """A staged chunk this code cannot read (written by another version of it)."""


def encode_record(position: int, result: ReadResult) -> tuple[Any, ...]:
    """A read result as plain tuples. A text article whose paragraphs (a split's: numbered from 0)
    are given travels without
    its text (parse reads only the paragraphs then), and a paragraph of one line without the line
    when it is the paragraph's text: the text once, not three times."""
    if isinstance(result, ReadError):
        return (position, result.source_file, result.reason, result.line)
    fields = _raw_fields(result)  # one C call for the 15 fields (issue 27)
    if result.paragraphs is None:
        return (position, fields, None)
    fields = (*fields[:_TEXT], None, *fields[_TEXT + 1 :])
    paragraphs = tuple((p.text, _other_lines(p)) for p in result.paragraphs)
    return (position, fields, paragraphs)


def _other_lines(paragraph: Paragraph) -> tuple[str, ...] | None:
    lines = paragraph.lines
    return None if len(lines) == 1 and lines[0] == paragraph.text else tuple(lines)


def decode_record(record: tuple[Any, ...]) -> tuple[int, ReadResult]:
    if len(record) == 4:
        position, source_file, reason, line = record
        return position, ReadError(source_file, reason, line)
    position, fields, paragraphs = record
    raw = RawArticle(*fields)
    if paragraphs is not None:
        raw.text = ""  # not staged: the paragraphs are what parse reads of it
        raw.paragraphs = [
            Paragraph(text, index, [text] if lines is None else list(lines))
            for index, (text, lines) in enumerate(paragraphs)
        ]
    return position, raw


def encode_chunk(records: list[tuple[Any, ...]]) -> bytes:
    return marshal.dumps((FORMAT, tuple(records)))


def decode_chunk(payload: bytes) -> list[tuple[int, ReadResult]]:
    try:
        version, records = marshal.loads(payload)
    except (ValueError, EOFError, TypeError) as exc:
        raise ParsedFormatError(f"a staged chunk cannot be read ({type(exc).__name__})") from None
    if version != FORMAT:
        raise ParsedFormatError(f"a staged chunk is in format {version}, this code reads format {FORMAT}")
    return [decode_record(record) for record in records]


class ParsedWriter:
    """Stages one shard's read results in chunks, through the shard's writer (so a retried learn
    shard replaces its chunks with the rest of its rows)."""

    def __init__(self, writer: ShardWriter) -> None:
        self.writer = writer
        self.records: list[tuple[Any, ...]] = []
        self.chars = 0
        self.chunks = 0

    def add(self, position: int, result: ReadResult) -> None:
        self.records.append(encode_record(position, result))
        if isinstance(result, RawArticle):
            self.chars += len(result.text or "") + len(result.html or "")
        if len(self.records) >= CHUNK_RECORDS or self.chars >= CHUNK_CHARS:
            self.flush()

    def flush(self) -> None:
        if self.records:
            self.writer.write(PARSED, (self.chunks, encode_chunk(self.records)))
            self.chunks += 1
            self.records, self.chars = [], 0


def staged_results(engine: sa.Engine, stage: str, shard: int) -> Iterator[tuple[int, ReadResult]]:
    """(position of the input in the shard, read result) of every record the learn pass staged for
    the shard, in read order; nothing when it staged none."""
    with raw_connection(engine) as connection:
        try:
            with connection.cursor() as probe:  # a run staged by code older than the staged read has no table
                probe.execute("SELECT to_regclass(%s)", (f"{stage}.{PARSED.table}",))
                row = probe.fetchone()
                if row is None or row[0] is None:
                    return
            # a server-side cursor: the chunks stream, memory stays flat whatever the shard
            with connection.cursor(name=f"parsed_{shard}") as cursor:
                cursor.itersize = FETCH_CHUNKS
                cursor.execute(f"SELECT payload FROM {stage}.{PARSED.table} WHERE shard = %s ORDER BY seq", (shard,))
                for (payload,) in cursor:
                    yield from decode_chunk(bytes(payload))
        finally:
            connection.rollback()  # read only: end the transaction the cursor opened
