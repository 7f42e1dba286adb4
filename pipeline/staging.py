"""Clean input files into COPY-ready staging files, one article at a time.

A shard of a batch (a list of files) is cleaned into one staging folder holding five files in
PostgreSQL's COPY text format plus a small summary. Nothing is kept in memory but the article
being cleaned, and only paths and counts leave this module (what crosses Airflow's XCom).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from .cleaner import Cleaner
from .corpus import (
    LEARNED_CATEGORY,
    LearnedSettings,
    MinHasher,
    article_line_hashes,
    line_hash,
    signature_bytes,
)
from .document import Article
from .identity import article_key, content_hash
from .readers import ReadError, read_file

TABLES = {
    "articles": (
        "copy_id",
        "article_key",
        "source",
        "url",
        "external_id",
        "source_file",
        "source_line",
        "title",
        "subtitle",
        "section",
        "authors",
        "published_at",
        "updated_at",
        "dateline",
        "body",
        "paragraph_count",
        "removed_count",
        "removed_chars",
        "input_chars",
        "content_hash",
    ),
    "paragraphs": ("copy_id", "position", "text"),
    "captions": ("copy_id", "position", "text", "credit"),
    "removals": ("copy_id", "seq", "position", "rule", "category", "scope", "text"),
    "rejected": ("source_file", "line", "reason"),
    "line_hashes": ("copy_id", "line_hash", "sample"),
    "signatures": ("copy_id", "minhash"),
}
SUMMARY = "summary.json"


@dataclass
class ShardSummary:
    """Counts of one cleaned shard; sums over shards give the batch report."""

    shard: str
    files: int = 0
    articles: int = 0
    paragraphs_kept: int = 0
    removed_by_category: dict[str, int] = field(default_factory=dict)
    captions: int = 0
    rejected: list[tuple[str, int, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ShardSummary:
        data = dict(data)
        data["rejected"] = [tuple(r) for r in data.get("rejected", [])]
        return cls(**data)


def copy_value(value: Any) -> str:
    """One field in COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, list):
        value = "{" + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value) + "}"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _write_row(handle: IO[str], values: Iterable[Any]) -> None:
    handle.write("\t".join(copy_value(v) for v in values) + "\n")


def source_from_path(name: str) -> str | None:
    """A batch sub-folder names the source: 'reuters/x.txt' -> 'reuters'."""
    parts = Path(name).parts
    return parts[0] if len(parts) > 1 else None


def article_row(article: Article, copy_id: str) -> list[Any]:
    removed_chars = sum(len(r.text) for r in article.removed)
    kept_chars = sum(len(p.text) for p in article.paragraphs)
    fields = article.to_json()
    fields.pop("line", None)
    fields["source_line"] = article.line
    return [
        copy_id, article_key(article), article.source, article.url, article.external_id, article.source_file,
        article.line, article.title, article.subtitle, article.section, article.authors, article.published,
        article.updated, article.dateline, article.body, len(article.paragraphs), len(article.removed),
        removed_chars, kept_chars + removed_chars, content_hash(fields),
    ]  # fmt: skip


def stage_shard(files: Iterable[tuple[Path, str]], staging_dir: Path, cleaner: Cleaner, shard: str) -> ShardSummary:
    """Clean every file of the shard into staging_dir; return its counts (also written to summary.json)."""
    staging_dir.mkdir(parents=True, exist_ok=True)
    summary = ShardSummary(shard=shard)
    removed: Counter[str] = Counter()
    minhasher = MinHasher()
    with ExitStack() as stack:
        out = {t: stack.enter_context(open(staging_dir / f"{t}.copy", "w", encoding="utf-8")) for t in TABLES}
        for path, name in files:
            summary.files += 1
            for number, result in enumerate(_clean_file(cleaner, path, name)):
                if isinstance(result, ReadError):
                    summary.rejected.append((result.source_file, result.line or 0, result.reason))
                    _write_row(out["rejected"], [result.source_file, result.line or 0, result.reason])
                    continue
                copy_id = f"{shard}:{summary.files}:{number}"
                summary.articles += 1
                summary.paragraphs_kept += len(result.paragraphs)
                summary.captions += len(result.captions)
                removed.update(r.category for r in result.removed)
                _write_article(out, result, copy_id, minhasher)
    summary.removed_by_category = dict(sorted(removed.items()))
    (staging_dir / SUMMARY).write_text(json.dumps(summary.to_json()), encoding="utf-8")
    return summary


def _clean_file(cleaner: Cleaner, path: Path, name: str) -> Iterator[Article | ReadError]:
    for result in read_file(path, name):
        if isinstance(result, ReadError):
            yield result
            continue
        result.fallback_source = source_from_path(name)
        article = cleaner.clean(result)
        if not article.paragraphs:
            yield ReadError(result.source_file, "no article text left after cleaning", result.line)
            continue
        yield article


def _write_article(out: Mapping[str, IO[str]], article: Article, copy_id: str, minhasher: MinHasher) -> None:
    _write_row(out["articles"], article_row(article, copy_id))
    for position, paragraph in enumerate(article.paragraphs):
        _write_row(out["paragraphs"], [copy_id, position, paragraph.text])
    for position, caption in enumerate(article.captions):
        _write_row(out["captions"], [copy_id, position, caption.text, caption.credit])
    for seq, removal in enumerate(article.removed):
        _write_row(
            out["removals"],
            [copy_id, seq, removal.position, removal.rule, removal.category, removal.scope, removal.text],
        )
    samples = {line_hash(p.text): p.text for p in article.paragraphs}
    samples.update({line_hash(r.text): r.text for r in article.removed if r.category == LEARNED_CATEGORY})
    for value in article_line_hashes(article, LearnedSettings()):
        _write_row(out["line_hashes"], [copy_id, value, samples[value]])
    # bytea in hex form; copy_value doubles the backslash as COPY's text format wants
    _write_row(out["signatures"], [copy_id, "\\x" + signature_bytes(minhasher.signature(article.body)).hex()])


def read_summary(staging_dir: Path) -> ShardSummary:
    return ShardSummary.from_json(json.loads((staging_dir / SUMMARY).read_text(encoding="utf-8")))
