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
from pipeline.store.staging import ShardWriter
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


def article_row(article: Article, copy_id: int, provenance: Provenance) -> list[Any]:
    removed_chars = sum(len(r.text) for r in article.removed)
    kept_chars = sum(len(p.text) for p in article.paragraphs)
    fields = article.to_json()
    fields.pop("line", None)
    fields["source_line"] = article.line
    return [
        copy_id, article_key(article), article.source, article.url, article.external_id, article.source_file,
        article.line, article.title, article.subtitle, article.section, article.authors, article.published,
        article.updated, article.dateline, article.body, len(article.paragraphs), len(article.removed),
        removed_chars, kept_chars + removed_chars, content_hash(fields), article.language, article.encoding,
        article.seo_title, article.agencies, article.wire_origin, article.wire_evidence,
        provenance.version, provenance.digest,
        article.page_type, article.complete, article.incomplete_reason,
    ]  # fmt: skip


def article_rows(
    article: Article, copy_id: int, minhasher: MinHasher, provenance: Provenance
) -> list[tuple[StagedTable, Sequence[Any]]]:
    """Every staged row of one article, computed before any is written: an article that fails
    here (or holds what PostgreSQL cannot store) leaves no row behind and can be rejected."""
    rows: list[tuple[StagedTable, Sequence[Any]]] = [(ARTICLES, article_row(article, copy_id, provenance))]
    for position, paragraph in enumerate(article.paragraphs):
        rows.append((PARAGRAPHS, (copy_id, position, paragraph.position, paragraph.text)))
    for position, caption in enumerate(article.captions):
        rows.append((CAPTIONS, (copy_id, position, caption.text, caption.credit)))
    for seq, removal in enumerate(article.removed):
        audit = (copy_id, seq, removal.position, removal.rule, removal.category, removal.scope, removal.text)
        rows.append((REMOVALS, (*audit, removal.score)))  # score: a model's removal's (issue 23), else None
        if removal.category == LEARNED_CATEGORY and article.source:
            rows.append((LEARNED_SAMPLES, (article.source, line_hash(removal.text), removal.text)))
    rows.append((SIGNATURES, (copy_id, signature_bytes(minhasher.signature(article.body)))))
    for table, values in rows:
        _check_storable(table, values)
    return rows


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


def write_rows(writer: ShardWriter, rows: list[tuple[StagedTable, Sequence[Any]]]) -> None:
    for table, values in rows:
        writer.write(table, values)


def write_rejected(writer: ShardWriter, error: ReadError) -> None:
    writer.write(REJECTED, (error.source_file, error.line or 0, error.reason))
