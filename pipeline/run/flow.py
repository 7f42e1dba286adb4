"""One batch, one way: plan → learn → clean → publish. The only implementation of a run.

- plan: list the batch's inputs, cut them into shards, open the ledger, create the run's staging
  schema in PostgreSQL (nothing a later step needs stays on the planning host).
- learn (per shard, in parallel): count each delivered article's raw paragraphs per source, and
  stage what it read (records, read errors, a text's paragraphs: store/parsed.py).
- merge_learned (once): the batch's counts replace its earlier ones in the corpus statistics.
- clean (per shard, in parallel): clean every staged record once, with the boilerplate learned
  including this batch, and stage its rows (COPY) with their full-text vectors. No input is
  read, decoded or split twice in a run.
- publish (once): one transaction merges the staging into the corpus and drops it.

The process pool of `run`/`backfill` (runner.py) and the Airflow tasks (tasks.py) are thin
runners of these functions; between steps only a BatchRun (ids, counts) travels.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pipeline.clean.cleaner import Cleaner
from pipeline.clean.html.page_type import NOT_AN_ARTICLE, holds_back
from pipeline.clean.provenance import Provenance, cleaning_provenance
from pipeline.core.document import RawArticle
from pipeline.core.faults import maybe_hang
from pipeline.core.settings import QuarantineSettings, Settings, load_settings
from pipeline.corpus.learn import read_once
from pipeline.corpus.minhash import MinHasher
from pipeline.ingest import storage
from pipeline.ingest.readers import ReadError, ReadResult, read_input
from pipeline.ingest.storage import InputFile
from pipeline.run.batch_ids import validate_batch_id
from pipeline.store.ledger import fail_batch, record_cleaning_config, start_batch
from pipeline.store.line_stats import load_learned, merge_batch_counts
from pipeline.store.parsed import ParsedWriter, staged_results
from pipeline.store.publish import publish_run
from pipeline.store.rows import StagedLines, article_rows, write_rejected, write_rows
from pipeline.store.staging import (
    copy_value,
    create_stage,
    drop_abandoned,
    shard_inputs,
    shard_writer,
    stage_schema,
)
from pipeline.store.tables import CLEAN_TABLES, LEARN_TABLES, LINES, SOURCES

FILES_PER_SHARD = 200
BYTES_PER_SHARD = 32 << 20
MAX_SHARDS = 64  # far under Airflow's 1024 mapped-task limit whatever the file count
# A staged article's copy_id holds its number in the shard above SHARD_BITS bits of the shard, not
# the shard in the high half: PostgreSQL hashes a bigint by folding its high half into its low one,
# so (shard << 32) | number gave the copies of 20 shards ~1 hash value in 19, and every hash join on
# copy_id in the publish scanned chains as long as the batch had shards (issue 27: the publish per
# article grew 0.29 -> 0.42 ms from 10k to 200k articles). Numbers keep their order within a shard.
SHARD_BITS = 16


def staged_copy_id(shard: int, number: int) -> int:
    """The staged id of the shard's number-th article: unique in the run, ordered within the shard."""
    if not 0 <= shard < 1 << SHARD_BITS:
        raise ValueError(f"shard {shard} out of range: at most {1 << SHARD_BITS} shards")
    return number << SHARD_BITS | shard


# A batch id that opens with a day names the day its inputs were fetched (settings dates:).
_BATCH_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?!\d)")


class BatchError(Exception):
    """A batch that cannot run or did not load; the message says why, for a person to read."""


@dataclass(frozen=True)
class BatchRun:
    """One run of one batch: what travels between the steps (and through Airflow's XCom)."""

    batch_id: str
    stage: str
    input_path: str
    shards: int
    files: int
    # issue 23: keep the pages judged not articles (with articles.page_type) rather than reject them
    keep_non_articles: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BatchRun:
        fields = {k: data[k] for k in ("batch_id", "stage", "input_path", "shards", "files")}
        # absent from a run planned before issue 23
        return cls(**fields, keep_non_articles=bool(data.get("keep_non_articles", False)))


def list_inputs(input_path: str | Path) -> list[InputFile]:
    """Every input file of a batch (a local folder or an fsspec URL), sorted by name; an error
    naming the folder when it is missing or empty."""
    try:
        inputs = storage.list_inputs(input_path)
    except FileNotFoundError:
        raise BatchError(f"input folder {_shown(input_path)} does not exist") from None
    if not inputs:
        raise BatchError(f"input folder {_shown(input_path)} holds no input files")
    return inputs


def _shown(input_path: str | Path) -> str:
    return storage.printable(storage.redact_url(str(input_path)))


def split_into_shards(
    inputs: Sequence[InputFile],
    files_per_shard: int = FILES_PER_SHARD,
    bytes_per_shard: int = BYTES_PER_SHARD,
    max_shards: int = MAX_SHARDS,
) -> list[list[InputFile]]:
    """Consecutive runs of inputs of about equal size: as many as files_per_shard files or
    bytes_per_shard bytes per shard ask for, at most max_shards, at least one. (What is published
    does not depend on the cut.)"""
    total = sum(max(1, i.size) for i in inputs)
    wanted = max(math.ceil(len(inputs) / max(1, files_per_shard)), math.ceil(total / max(1, bytes_per_shard)))
    count = max(1, min(max_shards, wanted, len(inputs)))
    shards: list[list[InputFile]] = [[] for _ in range(count)]
    done = 0
    for item in inputs:
        shard = min(count - 1, done * count // total)
        shards[shard].append(item)
        done += max(1, item.size)
    return [shard for shard in shards if shard] or [[]]


def plan(
    engine: sa.Engine,
    batch_id: str,
    input_path: str | Path,
    run_token: str,
    files_per_shard: int = FILES_PER_SHARD,
    bytes_per_shard: int = BYTES_PER_SHARD,
    max_shards: int = MAX_SHARDS,
    session_held: bool = False,
    keep_non_articles: bool = False,
) -> BatchRun:
    """List and shard the batch's inputs, open the ledger, create the run's staging (dropping
    that of runs which will never publish). session_held: the caller holds hold_stage() on
    stage_schema(batch_id, run_token) for the run's whole life (a single-process run).
    keep_non_articles: store the pages judged not articles, with their page type (else the
    setting page_types.keep_non_articles decides)."""
    validate_batch_id(batch_id)
    inputs = list_inputs(input_path)
    shards = split_into_shards(inputs, files_per_shard, bytes_per_shard, max_shards)
    drop_abandoned(engine)
    stage = stage_schema(batch_id, run_token)
    where = _shown(input_path)
    start_batch(engine, batch_id, where)
    try:
        create_stage(engine, stage, batch_id, where, shards, session_held)
    except BaseException as exc:  # the ledger row just opened must not stay `running`
        fail(engine, batch_id, exc)
        raise
    return BatchRun(batch_id, stage, where, len(shards), len(inputs), keep_non_articles)


def _articles(run: BatchRun, engine: sa.Engine, shard: int) -> Iterator[tuple[int, ReadResult]]:
    """(position of the input in the shard, result) for every article or read error of the
    shard's inputs, one at a time."""
    for position, item in enumerate(shard_inputs(engine, run.stage, shard)):
        for result in read_input(item):
            if not isinstance(result, ReadError):
                result.fallback_source = source_from_path(item.name)
                result.batch_date = batch_date(run.batch_id)
            yield position, result


def _learned_read(run: BatchRun, engine: sa.Engine, shard: int) -> Iterator[tuple[int, ReadResult]]:
    """The shard's records as its learn pass read and split them (issue 27: each input is read
    once per run); the inputs themselves only when the learn pass staged nothing for the shard
    (inputs that yield no record, or a clean step run on its own)."""
    staged = False
    for position, result in staged_results(engine, run.stage, shard):
        staged = True
        yield position, result
    if not staged:
        yield from _articles(run, engine, shard)


def batch_date(batch_id: str) -> str | None:
    """A batch id opening with a day ("2024-05-01", "2024-05-01-rerun") dates its inputs' fetch."""
    match = _BATCH_DAY.match(batch_id)
    return match.group(0) if match else None


def source_from_path(name: str) -> str | None:
    """A batch sub-folder names the source: 'reuters/x.txt' -> 'reuters'."""
    parts = Path(name).parts
    return parts[0] if len(parts) > 1 else None


def learn_shard(engine: sa.Engine, run: BatchRun, shard: int) -> int:
    """Stage the countable raw paragraphs of every article of the shard, per source; the number
    of articles counted."""
    settings = load_settings()  # the shipped values, or NEWSCLEAN_SETTINGS's
    sources: Counter[str] = Counter()
    with shard_writer(engine, run.stage, shard, LEARN_TABLES) as writer:
        staged = ParsedWriter(writer)  # what the clean step reads instead of the inputs
        for position, result in _articles(run, engine, shard):
            source, hashes = _learnable(result, settings)
            staged.add(position, result)  # with the paragraphs read_once split
            if source is None:
                continue
            sources[source] += 1
            counted = copy_value(source)  # formatted once per article, not once per line (issue 27)
            writer.write_lines(LINES, [f"{counted}\t{value}" for value in hashes])
        staged.flush()
        for source, count in sorted(sources.items()):
            writer.write(SOURCES, (source, count))
    return sum(sources.values())


def _learnable(result: ReadResult, settings: Settings) -> tuple[str | None, list[int]]:
    """read_once of an article; nothing to count for a read error or an article it cannot read
    (the clean step meets the same article again and rejects it with the reason)."""
    if isinstance(result, ReadError):
        return None, []
    try:
        return read_once(result, settings)
    except Exception:
        return None, []


def merge_learned(engine: sa.Engine, run: BatchRun) -> None:
    merge_batch_counts(engine, run.stage, run.batch_id)


@dataclass
class ShardCounts:
    files: int = 0
    articles: int = 0
    rejected: int = 0


def clean_shard(
    engine: sa.Engine,
    run: BatchRun,
    shard: int,
    rules_files: Sequence[Path | str] = (),
) -> ShardCounts:
    """Clean every article of the shard once, with what the corpus (this batch included) has
    taught, and stage its rows; the shard's counts."""
    settings = load_settings()  # the shipped values, or NEWSCLEAN_SETTINGS's (workers inherit it)
    cleaner = Cleaner.from_files(list(rules_files), load_learned(engine, settings.learned), settings)
    provenance = cleaning_provenance(list(rules_files), settings)
    record_cleaning_config(engine, provenance.digest, provenance.version, provenance.to_json()["parts"])
    keep_non_articles = run.keep_non_articles or settings.page_types.keep_non_articles
    minhasher = MinHasher()
    counts = ShardCounts()
    last = None
    with shard_writer(engine, run.stage, shard, CLEAN_TABLES) as writer:
        for position, result in _learned_read(run, engine, shard):
            if position != last:
                counts.files += 1
                last = position
            if isinstance(result, ReadError):
                counts.rejected += 1
                write_rejected(writer, result)
                continue
            cleaned = _cleaned_rows(
                cleaner, result, staged_copy_id(shard, counts.articles), minhasher, provenance, keep_non_articles
            )
            maybe_hang("clean")
            if isinstance(cleaned, ReadError):
                counts.rejected += 1
                write_rejected(writer, cleaned)
                continue
            write_rows(writer, cleaned)
            counts.articles += 1
    return counts


def _cleaned_rows(
    cleaner: Cleaner,
    raw: RawArticle,
    copy_id: int,
    minhasher: MinHasher,
    provenance: Provenance,
    keep_non_articles: bool = False,
) -> StagedLines | ReadError:
    """The staged rows of one article, or why it is rejected: the record-level fault boundary,
    so that whatever one article holds, the rest of the batch goes on. A page judged not an
    article is rejected as one ("not an article: listing") unless the run keeps them."""
    try:
        article = cleaner.clean_within_limit(raw)
        if isinstance(article, ReadError):  # over the time limit per document
            return article
        if holds_back(article, keep_non_articles):
            return ReadError(raw.source_file, f"{NOT_AN_ARTICLE}{article.page_type}", raw.line)
        if not article.paragraphs:
            return ReadError(raw.source_file, "no article text left after cleaning", raw.line)
        return article_rows(article, copy_id, minhasher, provenance)
    except Exception as exc:  # not BaseException: an interrupt or a kill still ends the run
        detail = storage.printable(storage.redact(str(exc)))[:200]
        return ReadError(raw.source_file, f"cannot clean the article ({type(exc).__name__}: {detail})", raw.line)


def publish(
    engine: sa.Engine,
    run: BatchRun,
    quarantine: QuarantineSettings | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Publish the run in one transaction; a batch whose every input was rejected is recorded
    (its rejections kept) and then raised as a BatchError."""
    counts = publish_run(engine, run.batch_id, run.stage, run.files, quarantine, on_phase)
    if counts["status"] == "failed":
        raise BatchError(f"batch {run.batch_id}: {counts['error']}")
    return counts


def fail(engine: sa.Engine, run_or_batch: BatchRun | str, error: BaseException) -> None:
    batch_id = run_or_batch.batch_id if isinstance(run_or_batch, BatchRun) else run_or_batch
    fail_batch(engine, batch_id, f"{type(error).__name__}: {error}")


def default_workers() -> int:
    return os.cpu_count() or 1
