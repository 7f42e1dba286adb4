"""One batch end to end: discover files, clean them into staging, publish, report."""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from .cleaner import Cleaner
from .readers import iter_input_files
from .staging import ShardSummary, stage_shard
from .store import fail_batch, load_learned, publish_batch, start_batch


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


def _with_progress(files: Sequence[tuple[Path, str]], show: bool) -> Iterator[tuple[Path, str]]:
    if not show:
        yield from files
        return
    from tqdm import tqdm

    yield from tqdm(files, desc="cleaning", unit="file", file=sys.stderr)


def run_batch(
    engine: sa.Engine,
    input_path: Path,
    batch_id: str,
    rules_files: Sequence[Path] = (),
    progress: bool = False,
) -> BatchReport:
    """Clean every file under input_path and publish them as batch_id; rerunning changes nothing.

    The batch is cleaned with the boilerplate learned so far and its publish updates those
    statistics; when that teaches new lines for the batch's sources, the batch is cleaned and
    published once more with them (so a batch both uses and improves what is learned).
    """
    learned = load_learned(engine)
    report = _run_once(engine, input_path, batch_id, Cleaner.from_files(rules_files, learned), progress)
    relearned = load_learned(engine)
    if relearned != learned:
        report = _run_once(engine, input_path, batch_id, Cleaner.from_files(rules_files, relearned), progress)
    return report


def _run_once(engine: sa.Engine, input_path: Path, batch_id: str, cleaner: Cleaner, progress: bool) -> BatchReport:
    started = time.perf_counter()
    files = discover(input_path)
    start_batch(engine, batch_id, str(input_path))
    try:
        with tempfile.TemporaryDirectory(prefix=f"newsclean-{batch_id}-") as workdir:
            shard_dir = Path(workdir) / "shard-0"
            summary = stage_shard(_with_progress(files, progress), shard_dir, cleaner, "0")
            counts = publish_batch(engine, batch_id, [shard_dir], files_seen=len(files))
    except Exception as exc:
        fail_batch(engine, batch_id, f"{type(exc).__name__}: {exc}")
        raise
    report = combine(batch_id, str(input_path), [summary])
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
    engine: sa.Engine, raw_dir: Path, first: str, last: str, rules_files: Sequence[Path] = ()
) -> Iterator[BatchReport | str]:
    """Run each day's batch (raw_dir/<day>/) in date order; a day without a folder is reported, not run."""
    for day in days(first, last):
        folder = raw_dir / day
        if not folder.is_dir():
            yield f"{day}: no folder {folder}, skipped"
            continue
        yield run_batch(engine, folder, day, rules_files)


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
