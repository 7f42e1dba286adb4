"""The batch job split into steps that a scheduler can run as separate, retryable tasks.

Pure Python (no Airflow import): the DAG in dags/clean_articles.py only wires these together.
Only paths and counts go in and out, never article text, so results fit in Airflow's XCom.
Every step is idempotent: a retry or rerun rewrites the same staging files and publishes the
same rows.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .batch import FILES_PER_SHARD, combine, discover, prepare_shard, split_into_shards
from .cleaner import Cleaner
from .db import create_engine, database_url
from .migrate import migrate
from .staging import read_summary
from .store import fail_batch, load_learned, publish_batch, start_batch

ENV_RAW_DIR = "ARTICLES_RAW_DIR"
ENV_STAGING_DIR = "ARTICLES_STAGING_DIR"
MAX_SHARDS = 64  # far under Airflow's 1024 mapped-task limit whatever the file count


def engine_for(url: str | None = None) -> sa.Engine:
    engine = create_engine(database_url(url))
    migrate(engine)
    return engine


def batch_input_dir(batch_id: str, input_dir: str | None = None) -> Path:
    if input_dir:
        return Path(input_dir)
    raw_root = os.environ.get(ENV_RAW_DIR)
    if not raw_root:
        raise ValueError(f"no input folder: set {ENV_RAW_DIR} (batches are {ENV_RAW_DIR}/<date>/) or pass input_dir")
    return Path(raw_root) / batch_id


def staging_root(batch_id: str) -> Path:
    base = os.environ.get(ENV_STAGING_DIR) or os.path.join(tempfile.gettempdir(), "newsclean-staging")
    return Path(base) / batch_id


def plan_shards(
    batch_id: str,
    input_dir: str | None = None,
    files_per_shard: int = FILES_PER_SHARD,
    max_shards: int = MAX_SHARDS,
    db_url: str | None = None,
) -> list[dict[str, Any]]:
    """List the batch's files and cut them into at most max_shards shards (at least one)."""
    folder = batch_input_dir(batch_id, input_dir)
    if not folder.exists():
        raise FileNotFoundError(f"batch {batch_id}: input folder {folder} does not exist")
    names = [name for _, name in discover(folder)]
    start_batch(engine_for(db_url), batch_id, str(folder))
    return [
        {"batch_id": batch_id, "input_dir": str(folder), "shard": i, "files": files}
        for i, files in enumerate(split_into_shards(names, files_per_shard, max_shards))
    ]


def clean_shard(
    shard: dict[str, Any], rules_files: list[str] | None = None, db_url: str | None = None
) -> dict[str, Any]:
    """Clean one shard's files into its staging folder (with the boilerplate learned so far);
    returns the folder and the counts."""
    folder = Path(shard["input_dir"])
    out = staging_root(shard["batch_id"]) / f"shard-{shard['shard']:03d}"
    if out.exists():
        shutil.rmtree(out)  # a retry starts from scratch
    engine = engine_for(db_url)
    cleaner = Cleaner.from_files([Path(p) for p in rules_files or []], load_learned(engine))
    files = [(folder / name, name) for name in shard["files"]]
    summary = prepare_shard(engine, files, out, cleaner, f"{shard['shard']:03d}")
    return {"staging_dir": str(out), "files": summary.files, "articles": summary.articles,
            "rejected": len(summary.rejected)}  # fmt: skip


def publish(batch_id: str, shard_results: list[dict[str, Any]], db_url: str | None = None) -> dict[str, Any]:
    """Publish every shard of the batch in one transaction; returns the batch counts."""
    engine = engine_for(db_url)
    dirs = [Path(r["staging_dir"]) for r in shard_results]
    files = sum(int(r["files"]) for r in shard_results)
    try:
        counts = publish_batch(engine, batch_id, dirs, files_seen=files)
    except Exception as exc:
        fail_batch(engine, batch_id, f"{type(exc).__name__}: {exc}")
        raise  # staging stays for the retry
    report = combine(batch_id, "", (read_summary(d) for d in dirs))
    remove_staging(batch_id)
    return {k: v for k, v in counts.items() if k != "seconds"} | {"removed_by_category": report.removed_by_category}


def remove_staging(batch_id: str) -> None:
    shutil.rmtree(staging_root(batch_id), ignore_errors=True)


def learned_fingerprint(db_url: str | None = None) -> str:
    """A short digest of the learned boilerplate, to tell whether a publish taught anything new."""
    learned = load_learned(engine_for(db_url))
    digest = hashlib.sha256()
    for source in sorted(learned):
        digest.update(source.encode("utf-8"))
        digest.update(b"".join(v.to_bytes(8, "big", signed=True) for v in sorted(learned[source])))
    return digest.hexdigest()[:16]


def relearn(
    batch_id: str,
    shards: list[dict[str, Any]],
    fingerprint: str,
    rules_files: list[str] | None = None,
    db_url: str | None = None,
) -> dict[str, Any]:
    """If the batch's publish taught new boilerplate (the fingerprint taken before cleaning
    changed), clean the batch again with it and republish; otherwise do nothing."""
    if learned_fingerprint(db_url) == fingerprint:
        return {"relearned": False}
    results = [clean_shard(shard, rules_files, db_url) for shard in shards]
    return {"relearned": True, **publish(batch_id, results, db_url)}
