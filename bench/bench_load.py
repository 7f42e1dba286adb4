"""Rows/s of publishing a batch into PostgreSQL (COPY into staging + merge, one transaction).

Usage: python bench/bench_load.py [--articles 20000]
Uses DATABASE_URL when set, else a newsclean_bench database on the embedded server; its schema is
dropped and recreated. Cleaning into staging files is timed separately from the publish.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sqlalchemy as sa  # noqa: E402
from corpus import noisy_articles  # noqa: E402

from pipeline import Cleaner  # noqa: E402
from pipeline.batch import prepare_shard  # noqa: E402
from pipeline.db import create_engine, embedded_url, normalize_url  # noqa: E402
from pipeline.migrate import migrate  # noqa: E402
from pipeline.store import publish_batch, start_batch  # noqa: E402


def bench_engine() -> sa.Engine:
    if os.environ.get("DATABASE_URL"):
        url = normalize_url(os.environ["DATABASE_URL"])
    else:
        url = embedded_url("newsclean_bench")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
    migrate(engine)
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=20_000)
    args = parser.parse_args()
    engine = bench_engine()
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        for number, text in enumerate(noisy_articles(args.articles)):
            (inputs / f"{number:06d}.txt").write_text(text, encoding="utf-8")
        files = sorted((p, p.name) for p in inputs.iterdir())
        started = time.perf_counter()
        summary = prepare_shard(engine, files, Path(tmp) / "stage", Cleaner.from_files(), "0")
        cleaned = time.perf_counter() - started
        start_batch(engine, "bench", str(inputs))
        started = time.perf_counter()
        counts = publish_batch(engine, "bench", [Path(tmp) / "stage"], len(files))
        published = time.perf_counter() - started
        started = time.perf_counter()
        publish_batch(engine, "bench", [Path(tmp) / "stage"], len(files))
        republished = time.perf_counter() - started
    rows = counts["articles_loaded"] + counts["paragraphs_kept"] + counts["pieces_removed"] + counts["captions_kept"]
    print(
        f"articles:          {summary.articles:,}; paragraphs: {counts['paragraphs_kept']:,}; "
        f"removals: {counts['pieces_removed']:,}; captions: {counts['captions_kept']:,}"
    )
    print(f"read+clean+stage:  {cleaned:.1f} s ({summary.articles / cleaned:,.0f} articles/s, one core)")
    phases = counts["seconds"]
    children = counts["paragraphs_kept"] + counts["pieces_removed"] + counts["captions_kept"]
    print(
        f"publish (one transaction): {published:.1f} s in all; {rows:,} rows in 4 tables, "
        f"{rows / published:,.0f} rows/s"
    )
    print(f"  COPY of all staged rows into temp tables: {phases['copy']:.2f} s ({rows / phases['copy']:,.0f} rows/s)")
    print(
        f"  articles upsert incl. English full-text vectors + GIN index: {phases['articles']:.2f} s "
        f"({counts['articles_loaded'] / phases['articles']:,.0f} articles/s)"
    )
    print(
        f"  paragraphs, captions, removals into their tables: {phases['children']:.2f} s "
        f"({children / phases['children']:,.0f} rows/s)"
    )
    print(
        f"  paragraph rows/s, COPY + insert: {counts['paragraphs_kept'] / (phases['copy'] + phases['children']):,.0f}; "
        f"over the whole publish: {counts['paragraphs_kept'] / published:,.0f}"
    )
    print(f"rerun of the same batch (nothing changes): {republished:.1f} s")


if __name__ == "__main__":
    main()
