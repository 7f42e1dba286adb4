"""The batch flow as tasks a scheduler runs separately, retries, and places on any host.

Pure Python (no Airflow import): the DAG in dags/clean_articles.py only wires these together.
Only ids, paths and counts go in and out (a BatchRun as a dict, shard numbers), never article
text, so results fit in Airflow's XCom; everything else lives in PostgreSQL. Every step is
idempotent: a retry replaces its own staging, a rerun publishes the same rows.
"""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa

from pipeline.core.settings import Settings
from pipeline.ingest import storage
from pipeline.report.checks import check_counts_agree, check_no_empty_bodies, check_removal_ratio
from pipeline.report.summary import load_report
from pipeline.run import flow
from pipeline.run.batch_ids import validate_batch_id
from pipeline.store.db import create_engine, database_url, scrub
from pipeline.store.migrate import migrate

ENV_RAW_DIR = "ARTICLES_RAW_DIR"


def engine_for(url: str | None = None, migrated: bool = True, settings: Settings | None = None) -> sa.Engine:
    """An engine on the articles database; migrated=True applies pending migrations first (the
    plan task and the CLI do; later tasks of a run rely on it). `settings`: a caller's settings,
    whose embedded_server section an embedded server starts with (None: read them there)."""
    engine = create_engine(database_url(url, settings.embedded_server if settings is not None else None))
    if migrated:
        migrate(engine)
    return engine


def batch_date(params_batch: str | None, interval_start: Any | None) -> str:
    """The batch a run loads: the `batch` param, else the day its data interval starts (a
    scheduled run at midnight loads the day that just ended), else today (UTC) for a manual
    trigger without a logical date."""
    if params_batch:
        return validate_batch_id(params_batch)
    if interval_start is not None:
        return str(interval_start.date().isoformat() if hasattr(interval_start, "date") else interval_start)[:10]
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).date().isoformat()


def batch_input_dir(batch_id: str, input_dir: str | None = None) -> str:
    if input_dir:
        return input_dir
    raw_root = os.environ.get(ENV_RAW_DIR)
    if not raw_root:
        raise flow.BatchError(
            f"no input folder: set {ENV_RAW_DIR} (batches are {ENV_RAW_DIR}/<date>/) or pass input_dir"
        )
    return storage.join(raw_root, batch_id)


def input_ready(batch_id: str, input_dir: str | None = None, marker: str | None = None) -> bool:
    """Whether the batch's input folder (local or a URL) exists, and holds the marker file when
    one is asked for (e.g. _SUCCESS, written by the producer once the day's dumps are complete)."""
    folder = batch_input_dir(batch_id, input_dir)
    return storage.is_dir(folder) and (marker is None or storage.exists(storage.join(folder, marker)))


def plan(
    batch_id: str,
    run_token: str,
    input_dir: str | None = None,
    files_per_shard: int = flow.FILES_PER_SHARD,
    db_url: str | None = None,
    keep_non_articles: bool = False,
) -> list[dict[str, Any]]:
    """Migrate, list and shard the batch, open the ledger, create the run's staging; returns one
    {run, shard} per shard (the unit of work of the mapped learn and clean tasks). keep_non_articles:
    the DAG's param, carried in the run to the clean tasks."""
    engine = engine_for(db_url)
    run = flow.plan(engine, validate_batch_id(batch_id), batch_input_dir(batch_id, input_dir), run_token,
                    files_per_shard, keep_non_articles=keep_non_articles)  # fmt: skip
    return [{"run": run.to_json(), "shard": shard} for shard in range(run.shards)]


def _guarded(run: dict[str, Any], db_url: str | None, step: Any) -> Any:
    engine = engine_for(db_url, migrated=False)
    batch_run = flow.BatchRun.from_json(run)
    try:
        return step(engine, batch_run)
    except flow.BatchError:
        raise
    except Exception as exc:
        flow.fail(engine, batch_run, exc)
        raise


def learn(run: dict[str, Any], shard: int, db_url: str | None = None) -> int:
    return int(_guarded(run, db_url, lambda engine, r: flow.learn_shard(engine, r, shard)))


def merge_learned(run: dict[str, Any], db_url: str | None = None) -> None:
    _guarded(run, db_url, flow.merge_learned)


def clean(
    run: dict[str, Any], shard: int, rules_files: list[str] | None = None, db_url: str | None = None
) -> dict[str, int]:
    counts = _guarded(run, db_url, lambda engine, r: flow.clean_shard(engine, r, shard, rules_files or []))
    return {"shard": shard, "files": counts.files, "articles": counts.articles, "rejected": counts.rejected}


def publish(run: dict[str, Any], db_url: str | None = None) -> dict[str, Any]:
    """Publish the run in one transaction; returns the batch counts (for XCom and the Asset)."""
    counts = _guarded(run, db_url, flow.publish)
    return {k: v for k, v in counts.items() if k != "seconds"}


def check(name: str, batch_id: str, db_url: str | None = None, **bounds: Any) -> str:
    """Run one data-quality check; raises quality.QualityCheckFailed with the figures."""
    engine = engine_for(db_url, migrated=False)
    checks = {
        "no_empty_bodies": check_no_empty_bodies,
        "counts_agree": check_counts_agree,
        "removal_ratio": check_removal_ratio,
    }
    return checks[name](engine, batch_id, **bounds).describe()


def drift(batch_id: str, db_url: str | None = None) -> dict[str, Any]:
    """Issue 26: the batch's sources against their baselines. A warning, never a failure (not even
    when the check itself cannot run): the drifting sources, each with why, for the log and the
    Asset's extra."""
    import logging

    from pipeline.report.drift import source_drift

    try:
        judged = source_drift(engine_for(db_url, migrated=False), validate_batch_id(batch_id))
    except Exception as exc:  # the batch is published whatever this check finds
        reason = scrub(storage.redact(f"{type(exc).__name__}: {exc}"), db_url)[:300]
        logging.getLogger(__name__).warning("batch %s: the drift check could not run: %s", batch_id, reason)
        return {"drifting_sources": [], "drift_error": reason}
    drifting = [d.to_json() for d in judged if d.drifting]
    for source in drifting:
        logging.getLogger(__name__).warning(
            "batch %s: source %s drifted: %s", batch_id, source["source"], "; ".join(source["reasons"])
        )
    return {"drifting_sources": drifting, "sources_judged": len(judged)}


def write_report(batch_id: str, reports_dir: str, db_url: str | None = None) -> str:
    """Write the batch's HTML report page to reports_dir/<batch>.html (a folder or an fsspec URL,
    so that it can live beside the dumps in object storage); returns where."""
    import tempfile
    from pathlib import Path

    from pipeline.report.html_page import write_html_report

    engine = engine_for(db_url, migrated=False)
    target = storage.join(reports_dir, f"{validate_batch_id(batch_id)}.html")
    if not storage.is_remote(target):
        return str(write_html_report(engine, batch_id, Path(target)))
    with tempfile.TemporaryDirectory() as tmp:
        page = write_html_report(engine, batch_id, Path(tmp) / "report.html")
        storage.put_file(page, target)
    return storage.redact_url(target)


def report_text(batch_id: str, db_url: str | None = None) -> str:
    return load_report(engine_for(db_url, migrated=False), batch_id).render()


# A person's answers to the review step of the DAG (its options, in the order shown).
RELEASE_ALL, DROP_ALL, ONE_BY_ONE = "release all", "drop all", "decide one by one in the CLI"
REVIEW_OPTIONS = [RELEASE_ALL, DROP_ALL, ONE_BY_ONE]


def quarantined(batch_id: str, db_url: str | None = None) -> list[dict[str, Any]]:
    """The batch's quarantined articles, as `newsclean quarantine list --batch` prints them."""
    from pipeline.store.quarantine import COLUMNS, list_quarantined

    rows = list_quarantined(engine_for(db_url, migrated=False), validate_batch_id(batch_id))
    articles = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
    for article in articles:  # a task's result must be JSON (XCom): no Decimal
        article["removal_ratio"] = float(article["removal_ratio"] or 0)
    return articles


def review_request(batch_id: str, articles: list[dict[str, Any]], report: str) -> str:
    """What the reviewer reads (Markdown): each article's title, source, ratio and reason, the
    report page, and the commands that decide one article at a time."""
    lines = [f"Batch **{batch_id}** held back {len(articles)} article(s) for review.", "",
             "| id | title | source | removal ratio | reason |", "| --- | --- | --- | --- | --- |"]  # fmt: skip
    for a in articles:
        cells = [str(a["article_id"]), a["title"] or "-", a["source"] or "-", f"{a['removal_ratio']:.2f}",
                 a["quarantine_reason"] or "-"]  # fmt: skip
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    link = f"[{report}]({report})" if report.startswith(("http://", "https://")) else f"`{report}`"
    commands = "`newsclean quarantine release ID --note ...` or `newsclean quarantine drop ID`"
    lines += ["", f"Report page: {link}", "", f"'{ONE_BY_ONE}': {commands}."]
    return "\n".join(lines)


def apply_review(batch_id: str, decision: str, reviewer: str, db_url: str | None = None) -> dict[str, list[int]]:
    """Release or drop every article still quarantined in the batch, through the same code as
    `newsclean quarantine release/drop`, the reviewer named in each decision's note; ONE_BY_ONE
    leaves them for the command. Returns the ids by outcome."""
    from pipeline.store import quarantine

    if decision not in REVIEW_OPTIONS:
        raise ValueError(f"unknown review decision {decision!r} (known: {REVIEW_OPTIONS})")
    ids = [a["article_id"] for a in quarantined(batch_id, db_url)]
    if decision == ONE_BY_ONE:
        return {"left": ids}
    engine = engine_for(db_url, migrated=False)
    decide = quarantine.release if decision == RELEASE_ALL else quarantine.drop
    outcome = "released" if decision == RELEASE_ALL else "dropped"
    done: dict[str, list[int]] = {outcome: [], "gone": []}
    for article_id in ids:
        try:
            decide(engine, article_id, f"{decision} in Airflow's review by {reviewer}")
            done[outcome].append(article_id)
        except quarantine.NotQuarantined:  # decided in the CLI meanwhile: that decision stands
            done["gone"].append(article_id)
    return done
