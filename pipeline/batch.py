"""One batch end to end: discover files, clean them into staging, publish, report."""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa

from .cleaner import Cleaner
from .db import create_engine
from .readers import iter_input_files
from .staging import ShardSummary, stage_shard
from .store import fail_batch, load_learned, publish_batch, stage_search_vectors, start_batch

FILES_PER_SHARD = 200
T = TypeVar("T")


@dataclass
class BatchReport:
    batch_id: str
    input_path: str
    files: int = 0
    articles: int = 0
    articles_written: int | None = 0  # None when read back from the ledger
    paragraphs_kept: int = 0
    captions: int = 0
    removed_by_category: dict[str, int] = field(default_factory=dict)
    rejected: list[tuple[str, int, str]] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "batch_id": self.batch_id, "input_path": self.input_path, "files": self.files,
            "articles": self.articles, "articles_written": self.articles_written,
            "paragraphs_kept": self.paragraphs_kept, "captions": self.captions,
            "removed_by_category": self.removed_by_category, "rejected": len(self.rejected),
            "seconds": round(self.seconds, 3),
        }  # fmt: skip

    def render(self) -> str:
        removed = sum(self.removed_by_category.values())
        lines = [
            f"batch {self.batch_id}  ({self.input_path})",
            f"  files:       {self.files}",
            f"  articles:    {self.articles} loaded"
            + (f" ({self.articles_written} new or changed rows written)" if self.articles_written is not None else ""),
            f"  paragraphs:  {self.paragraphs_kept} kept, {removed} pieces removed",
        ]
        for category, count in sorted(self.removed_by_category.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"      {category:<12} {count}")
        lines.append(f"  captions:    {self.captions}")
        lines.append(f"  rejected:    {len(self.rejected)}")
        for name, line, reason in self.rejected[:20]:
            lines.append(f"      {name}{f':{line}' if line else ''}: {reason}")
        if len(self.rejected) > 20:
            lines.append(f"      ... and {len(self.rejected) - 20} more (table rejected_inputs)")
        lines.append(f"  time:        {self.seconds:.2f} s")
        return "\n".join(lines)


def combine(batch_id: str, input_path: str, summaries: Iterable[ShardSummary]) -> BatchReport:
    report = BatchReport(batch_id, input_path)
    removed: Counter[str] = Counter()
    for summary in summaries:
        report.files += summary.files
        report.articles += summary.articles
        report.paragraphs_kept += summary.paragraphs_kept
        report.captions += summary.captions
        removed.update(summary.removed_by_category)
        report.rejected.extend(summary.rejected)
    report.removed_by_category = dict(sorted(removed.items()))
    return report


def discover(input_path: Path) -> list[tuple[Path, str]]:
    """Every input file of a batch, sorted, with its name relative to the batch folder."""
    return list(iter_input_files([input_path]))


def prepare_shard(
    engine: sa.Engine, files: Iterable[tuple[Path, str]], staging_dir: Path, cleaner: Cleaner, shard: str
) -> ShardSummary:
    """Clean a shard's files into staging_dir and add their full-text vectors: all the work of a
    batch that can run in parallel, ahead of the one serial publish."""
    summary = stage_shard(files, staging_dir, cleaner, shard)
    stage_search_vectors(engine, staging_dir)
    return summary


def split_into_shards(
    files: Sequence[T], files_per_shard: int = FILES_PER_SHARD, max_shards: int | None = None
) -> list[list[T]]:
    """Consecutive runs of about files_per_shard files, at most max_shards runs, at least one
    (the publish does not depend on the cut)."""
    count = math.ceil(len(files) / max(1, files_per_shard))
    count = max(1, count if max_shards is None else min(max_shards, count))
    size = max(1, math.ceil(len(files) / count))
    return [list(files[i * size : (i + 1) * size]) for i in range(count)]


def _prepare_in_worker(
    url: str, files: list[tuple[Path, str]], staging_dir: Path, cleaner: Cleaner, shard: str
) -> ShardSummary:
    engine = create_engine(sa.make_url(url))
    try:
        return prepare_shard(engine, files, staging_dir, cleaner, shard)
    finally:
        engine.dispose()


def prepare_shards(
    engine: sa.Engine,
    files: Sequence[tuple[Path, str]],
    workdir: Path,
    cleaner: Cleaner,
    workers: int,
    progress: bool,
    files_per_shard: int = FILES_PER_SHARD,
) -> list[tuple[Path, ShardSummary]]:
    """Prepare every shard of a batch on up to `workers` processes; (staging dir, counts) in shard order."""
    shards = split_into_shards(files, files_per_shard)
    dirs = [workdir / f"shard-{number:03d}" for number in range(len(shards))]
    bar = _progress_bar(len(files), progress)
    if workers <= 1 or len(shards) == 1:
        summaries = []
        for number, shard_files in enumerate(shards):
            summaries.append(prepare_shard(engine, shard_files, dirs[number], cleaner, f"{number:03d}"))
            bar.update(len(shard_files))
    else:
        url = engine.url.render_as_string(hide_password=False)
        # spawn, not fork: a forked child would share the parent's open database connections
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(shards)), mp_context=context) as pool:
            futures = [
                pool.submit(_prepare_in_worker, url, shard_files, dirs[number], cleaner, f"{number:03d}")
                for number, shard_files in enumerate(shards)
            ]
            summaries = []
            for future, shard_files in zip(futures, shards, strict=True):
                summaries.append(future.result())
                bar.update(len(shard_files))
    bar.close()
    return list(zip(dirs, summaries, strict=True))


def _progress_bar(total: int, show: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc="cleaning", unit="file", file=sys.stderr, disable=not show)


def default_workers() -> int:
    return os.cpu_count() or 1


def run_batch(
    engine: sa.Engine,
    input_path: Path,
    batch_id: str,
    rules_files: Sequence[Path] = (),
    progress: bool = False,
    workers: int = 1,
    files_per_shard: int = FILES_PER_SHARD,
) -> BatchReport:
    """Clean every file under input_path and publish them as batch_id; rerunning changes nothing.

    The batch is cleaned with the boilerplate learned so far and its publish updates those
    statistics; when that teaches new lines for the batch's sources, the batch is cleaned and
    published once more with them (so a batch both uses and improves what is learned).
    """
    learned = load_learned(engine)
    cleaner = Cleaner.from_files(rules_files, learned)
    report = _run_once(engine, input_path, batch_id, cleaner, progress, workers, files_per_shard)
    relearned = load_learned(engine)
    if relearned != learned:
        cleaner = Cleaner.from_files(rules_files, relearned)
        report = _run_once(engine, input_path, batch_id, cleaner, progress, workers, files_per_shard)
    return report


def _run_once(
    engine: sa.Engine,
    input_path: Path,
    batch_id: str,
    cleaner: Cleaner,
    progress: bool,
    workers: int,
    files_per_shard: int,
) -> BatchReport:
    started = time.perf_counter()
    files = discover(input_path)
    start_batch(engine, batch_id, str(input_path))
    try:
        with tempfile.TemporaryDirectory(prefix=f"newsclean-{batch_id}-") as workdir:
            prepared = prepare_shards(engine, files, Path(workdir), cleaner, workers, progress, files_per_shard)
            counts = publish_batch(engine, batch_id, [d for d, _ in prepared], files_seen=len(files))
    except Exception as exc:
        fail_batch(engine, batch_id, f"{type(exc).__name__}: {exc}")
        raise
    report = combine(batch_id, str(input_path), [summary for _, summary in prepared])
    report.articles = counts["articles_loaded"]
    report.paragraphs_kept = counts["paragraphs_kept"]
    report.captions = counts["captions_kept"]
    report.articles_written = counts["articles_written"]
    report.seconds = time.perf_counter() - started
    return report


def days(first: str, last: str) -> list[str]:
    """ISO dates from first to last, both included."""
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    if end < start:
        raise ValueError(f"--to {last} is before --from {first}")
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


def backfill(
    engine: sa.Engine, raw_dir: Path, first: str, last: str, rules_files: Sequence[Path] = (), workers: int = 1
) -> Iterator[BatchReport | str]:
    """Run each day's batch (raw_dir/<day>/) in date order; a day without a folder is reported, not run."""
    for day in days(first, last):
        folder = raw_dir / day
        if not folder.is_dir():
            yield f"{day}: no folder {folder}, skipped"
            continue
        yield run_batch(engine, folder, day, rules_files, workers=workers)


def load_report(engine: sa.Engine, batch_id: str) -> BatchReport:
    """The report of a published batch, read back from the ledger and the tables."""
    with engine.connect() as connection:
        ledger = connection.execute(sa.text("SELECT * FROM batches WHERE batch_id = :b"), {"b": batch_id}).one_or_none()
        if ledger is None:
            raise LookupError(f"no batch {batch_id!r} in the ledger")
        removed = connection.execute(
            sa.text("SELECT category, sum(pieces) FROM batch_removals_by_rule WHERE batch_id = :b GROUP BY 1"),
            {"b": batch_id},
        ).all()
        rejected = connection.execute(
            sa.text("SELECT source_file, line, reason FROM rejected_inputs WHERE batch_id = :b ORDER BY 1, 2"),
            {"b": batch_id},
        ).all()
    seconds = (ledger.finished_at - ledger.started_at).total_seconds() if ledger.finished_at else 0.0
    return BatchReport(
        batch_id=batch_id,
        input_path=f"{ledger.input_path}; status {ledger.status}, run {ledger.runs} time(s)",
        files=ledger.files_seen,
        articles=ledger.articles_loaded,
        articles_written=None,
        paragraphs_kept=ledger.paragraphs_kept,
        captions=ledger.captions_kept,
        removed_by_category={category: int(count) for category, count in removed},
        rejected=[(f, line, reason) for f, line, reason in rejected],
        seconds=seconds,
    )
