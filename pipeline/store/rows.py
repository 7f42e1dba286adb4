"""The staged rows of one cleaned article (and of one rejected input), in the column order of
the staged-table spec."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pipeline.clean.learned import LEARNED_CATEGORY, line_hash
from pipeline.clean.provenance import Provenance
from pipeline.core.document import Article
from pipeline.corpus.identity import article_key, content_hash
from pipeline.corpus.minhash import MinHasher, signature_bytes
from pipeline.ingest.readers import ReadError
from pipeline.store.staging import ShardWriter, copy_line, copy_text, copy_value
from pipeline.store.tables import (
    ARTICLES,
    CAPTIONS,
    LEARNED_SAMPLES,
    PARAGRAPHS,
    REJECTED,
    REMOVALS,
    SIGNATURES,
    StagedTable,
)

_SURROGATE = re.compile("[\ud800-\udfff]")


def article_row(article: Article, copy_id: int, provenance: Provenance, body: str | None = None) -> list[Any]:
    """body: article.body when the caller has it (it is joined from the paragraphs on each read)."""
    removed_chars = sum(len(r.text) for r in article.removed)
    kept_chars = sum(len(p.text) for p in article.paragraphs)
    fields = article.to_json()
    fields.pop("line", None)
    fields["source_line"] = article.line
    return [
        copy_id, article_key(article), article.source, article.url, article.external_id, article.source_file,
        article.line, article.title, article.subtitle, article.section, article.authors, article.published,
        article.updated, article.dateline, article.body if body is None else body, len(article.paragraphs),
        len(article.removed), removed_chars, kept_chars + removed_chars, content_hash(fields), article.language,
        article.encoding, article.seo_title, article.agencies, article.wire_origin, article.wire_evidence,
        provenance.version, provenance.digest,
        article.page_type, article.complete, article.incomplete_reason,
    ]  # fmt: skip


# The rows of one article per staged table, each in COPY text format (staging.copy_line).
StagedLines = list[tuple[StagedTable, list[str]]]


def article_rows(article: Article, copy_id: int, minhasher: MinHasher, provenance: Provenance) -> StagedLines:
    """Every staged row of one article, computed before any is written: an article that fails
    here (or holds what PostgreSQL cannot store) leaves no row behind and can be rejected. The
    rows come formatted for COPY, so that the check for what PostgreSQL cannot store reads one
    text per article instead of every field (issue 27)."""
    body = article.body
    lines = [
        (ARTICLES, [copy_line(article_row(article, copy_id, provenance, body))]),
        (PARAGRAPHS, _paragraph_lines(article, copy_id)),
        (CAPTIONS, [copy_line((copy_id, position, c.text, c.credit)) for position, c in enumerate(article.captions)]),
        (REMOVALS, _removal_lines(article, copy_id)),
        (LEARNED_SAMPLES, [copy_line(values) for values in _learned_samples(article)]),
        (SIGNATURES, [copy_line((copy_id, signature_bytes(minhasher.signature(body))))]),
    ]
    joined = "".join(line for _, table_lines in lines for line in table_lines)
    if "\x00" in joined or _holds_surrogate(joined):  # rare: find the field, for the reason given
        _check_article(article, copy_id, provenance, body)
    return lines


def _paragraph_lines(article: Article, copy_id: int) -> list[str]:
    # copy_line of (copy_id, position, source position, text) with the integers formatted inline:
    # a paragraph is the most frequent staged row (issue 27)
    return [f"{copy_id}\t{i}\t{p.position}\t{copy_text(p.text)}" for i, p in enumerate(article.paragraphs)]


def _removal_lines(article: Article, copy_id: int) -> list[str]:
    # copy_line of (copy_id, seq, position, rule, category, scope, text, score), the integers
    # formatted inline (the second most frequent row); score: a model's removal's (issue 23), else None
    return [
        f"{copy_id}\t{seq}\t{r.position}\t{copy_text(r.rule)}\t{copy_text(r.category)}\t{copy_text(r.scope)}"
        f"\t{copy_text(r.text)}\t{copy_value(r.score)}"
        for seq, r in enumerate(article.removed)
    ]


def _learned_samples(article: Article) -> list[Sequence[Any]]:
    if not article.source:
        return []
    return [(article.source, line_hash(r.text), r.text) for r in article.removed if r.category == LEARNED_CATEGORY]


def _check_article(article: Article, copy_id: int, provenance: Provenance, body: str) -> None:
    """Raise UnstorableError naming the first field PostgreSQL cannot store, in row order (a
    learned sample repeats its article's source and a removal's text, checked before it)."""
    rows: list[tuple[StagedTable, Sequence[Any]]] = [(ARTICLES, article_row(article, copy_id, provenance, body))]
    rows += [(PARAGRAPHS, (copy_id, i, p.position, p.text)) for i, p in enumerate(article.paragraphs)]
    rows += [(CAPTIONS, (copy_id, i, c.text, c.credit)) for i, c in enumerate(article.captions)]
    rows += [
        (REMOVALS, (copy_id, i, r.position, r.rule, r.category, r.scope, r.text, r.score))
        for i, r in enumerate(article.removed)
    ]
    for table, values in rows:
        _check_storable(table, values)


class UnstorableError(ValueError):
    """A value PostgreSQL refuses (a NUL, an unpaired surrogate) that no reader repair removed."""


def _check_storable(table: StagedTable, values: Sequence[Any]) -> None:
    for column, value in zip(table.copied, values, strict=True):
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, str) and ("\x00" in text or _holds_surrogate(text)):
                raise UnstorableError(f"{column} holds a NUL or an unpaired surrogate, which PostgreSQL cannot store")


def _holds_surrogate(text: str) -> bool:
    # isascii() reads a flag CPython keeps on the string (no scan), and an ASCII text holds no
    # surrogate: the regex then scans only the rarer non-ASCII texts (~5 % of a run's CPU went here).
    return not text.isascii() and _SURROGATE.search(text) is not None


def write_article(
    writer: ShardWriter, article: Article, copy_id: int, minhasher: MinHasher, provenance: Provenance
) -> None:
    write_rows(writer, article_rows(article, copy_id, minhasher, provenance))


def write_rows(writer: ShardWriter, rows: StagedLines) -> None:
    for table, lines in rows:
        writer.write_lines(table, lines)


def write_rejected(writer: ShardWriter, error: ReadError) -> None:
    writer.write(REJECTED, (error.source_file, error.line or 0, error.reason))
