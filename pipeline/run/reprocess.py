"""Re-clean published batches from their recorded inputs: `newsclean reprocess`.

A batch is re-cleaned whole, by the very run a batch runs (plan, learn, clean, publish through
store/publish.py in one transaction): the learned boilerplate of a batch is counted over all of
its inputs, and the publish hands over or deletes the articles a batch no longer delivers. So a
batch is reprocessed only when every input it recorded (a file that delivered an article, in
article_deliveries, or that was rejected, in rejected_inputs) can still be read where the ledger
says the batch was read from; otherwise each unreadable input is reported with the reason, the
batch is left as it is (its articles keep their digest, so they stay stale), and the other
batches go on. A run cleans every article of a batch with one digest, so the articles re-cleaned
by `--stale` are exactly those whose digest differs from the current one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from pipeline.clean.provenance import cleaning_provenance
from pipeline.core.settings import Settings
from pipeline.ingest import storage
from pipeline.ingest.storage import InputFile
from pipeline.report.summary import BatchReport
from pipeline.run import flow
from pipeline.run.runner import run_batch
from pipeline.store.sql import statement


@dataclass(frozen=True)
class Reprocessed:
    """One batch's outcome: its report, or the reasons it was left as it is."""

    batch_id: str
    report: BatchReport | None = None
    problems: tuple[str, ...] = ()


def batches_to_reprocess(
    engine: sa.Engine, batch_id: str | None = None, since: date | None = None, stale_digest: str | None = None
) -> list[str]:
    """The batches asked for, in id order: one batch of the ledger, the batches whose latest run
    started on or after `since` (UTC), or those owning an article cleaned with another digest."""
    params: dict[str, object]
    if batch_id is not None:
        query, params = "reprocess_one_batch", {"b": batch_id}
    elif since is not None:
        query, params = "reprocess_batches_since", {"since": since}
    else:
        query, params = "reprocess_stale_batches", {"digest": stale_digest}
    with engine.connect() as connection:
        found = [str(row[0]) for row in connection.execute(sa.text(statement(query)), params)]
    if batch_id is not None and not found:
        raise LookupError(f"no batch {batch_id!r} in the ledger")
    return found


def current_digest(rules_files: Sequence[str], settings: Settings) -> str:
    return cleaning_provenance(list(rules_files), settings).digest


def reprocess(
    engine: sa.Engine,
    batch_ids: Sequence[str],
    rules_files: Sequence[str] = (),
    workers: int = 1,
    on_batch: Callable[[str], None] | None = None,
) -> Iterator[Reprocessed]:
    """Re-clean each batch from its recorded inputs, one after the other."""
    for batch_id in batch_ids:
        if on_batch:
            on_batch(batch_id)
        location, recorded = _recorded_inputs(engine, batch_id)
        problems = unreadable_inputs(location, recorded)
        if problems:
            yield Reprocessed(batch_id, problems=tuple(problems))
            continue
        try:
            yield Reprocessed(batch_id, report=run_batch(engine, location, batch_id, rules_files, workers=workers))
        except (flow.BatchError, OSError) as exc:
            yield Reprocessed(batch_id, problems=(storage.redact(str(exc)),))


def _recorded_inputs(engine: sa.Engine, batch_id: str) -> tuple[str, set[str]]:
    """Where the batch was read from, and the names of the inputs its latest run recorded."""
    with engine.connect() as connection:
        location = connection.execute(sa.text(statement("report_ledger")), {"b": batch_id}).one()._mapping
        names = connection.execute(sa.text(statement("reprocess_recorded_inputs")), {"b": batch_id}).scalars()
        return str(location["input_path"]), set(names)


def unreadable_inputs(location: str, recorded: set[str]) -> list[str]:
    """One message per recorded input that cannot be read now (naming it and why); [] when all can."""
    try:
        listed = {item.recorded_name: item for item in storage.list_inputs(location)}
    except FileNotFoundError:
        return [f"{_shown(location)}: the batch's input folder no longer exists"]
    except OSError as exc:
        return [f"{_shown(location)}: cannot list the batch's inputs ({storage.redact(str(exc))})"]
    problems = []
    for name in sorted(recorded):
        item = listed.get(name)
        if item is None:  # (a remote input is recorded by its URL, a local one relative to the folder)
            where = name if storage.is_remote(name) else storage.join(location, name)
            problems.append(f"{_shown(where)}: no longer in the batch's input folder")
        elif reason := _unreadable(item):
            problems.append(f"{_shown(item.location)}: {reason}")
    return problems


def _unreadable(item: InputFile) -> str | None:
    """Why the input cannot be read now, or None. (A file refused when the batch ran is refused
    again, as recorded: nothing to read.)"""
    if item.refused:
        return None
    try:
        remote = storage.is_remote(item.location)
        with storage.open_binary(item.location) if remote else open(item.location, "rb") as stream:
            stream.read(1)
    except OSError as exc:
        return f"cannot be read ({type(exc).__name__}: {storage.redact(exc.strerror or str(exc))})"
    return None


def _shown(location: str) -> str:
    return storage.printable(storage.redact_url(location))
