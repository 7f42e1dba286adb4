"""Rows/s of publishing a batch into PostgreSQL (COPY into staging + merge, one transaction).

Usage: python bench/bench_load.py [--articles 23000] [--workers N]
Uses DATABASE_URL when set, else a newsclean_bench database on the embedded server; its schema is
dropped and recreated. The parallel part (cleaning, staging files, full-text vectors) is timed
apart from the publish, the one serial transaction.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sqlalchemy as sa  # noqa: E402
from corpus import noisy_articles  # noqa: E402
from pipeline.batch import default_workers, prepare_shards  # noqa: E402

from pipeline import Cleaner  # noqa: E402
from pipeline.db import create_engine, embedded_url, normalize_url  # noqa: E402
from pipeline.migrate import migrate  # noqa: E402
from pipeline.store import publish_batch, start_batch  # noqa: E402

MIN_PARAGRAPHS = 200_000


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


def rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f} rows/s" if seconds > 0 else "n/a"


def report(counts: dict[str, Any], published: float) -> None:
    phases = counts["seconds"]
    paragraphs = counts["paragraphs_kept"]
    rows = counts["articles_loaded"] + paragraphs + counts["pieces_removed"] + counts["captions_kept"]
    paragraph_path = phases["copy_paragraphs"] + phases["insert_paragraphs"]
    print(f"publish (one transaction): {published:.1f} s; {rows:,} rows in 4 tables, {rate(rows, published)}")
    print(f"  COPY of every staged file into temp tables: {phases['copy']:.2f} s")
    print(f"  articles upsert (stored vectors + GIN, B-tree indexes): {phases['articles']:.2f} s")
    print(f"  paragraphs, captions, removals into their tables: {phases['children']:.2f} s")
    print(f"  corpus statistics + MinHash LSH clustering: {phases['corpus']:.2f} s")
    print(
        f"paragraph rows: COPY {phases['copy_paragraphs']:.2f} s + insert into paragraphs "
        f"{phases['insert_paragraphs']:.2f} s = {rate(paragraphs, paragraph_path)}"
    )
    print(f"paragraph rows over the whole publish: {rate(paragraphs, published)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=23_000)
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    engine = bench_engine()
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        for number, text in enumerate(noisy_articles(args.articles)):
            (inputs / f"{number:06d}.txt").write_text(text, encoding="utf-8")
        files = sorted((p, p.name) for p in inputs.iterdir())
        started = time.perf_counter()
        prepared = prepare_shards(engine, files, Path(tmp) / "stage", Cleaner.from_files(), args.workers, False)
        cleaned = time.perf_counter() - started
        dirs = [d for d, _ in prepared]
        start_batch(engine, "bench", str(inputs))
        started = time.perf_counter()
        counts = publish_batch(engine, "bench", dirs, len(files))
        published = time.perf_counter() - started
        started = time.perf_counter()
        publish_batch(engine, "bench", dirs, len(files))
        republished = time.perf_counter() - started
    articles = sum(summary.articles for _, summary in prepared)
    print(
        f"articles: {articles:,}; paragraphs: {counts['paragraphs_kept']:,}; "
        f"removals: {counts['pieces_removed']:,}; captions: {counts['captions_kept']:,}"
    )
    if counts["paragraphs_kept"] < MIN_PARAGRAPHS:
        print(f"note: under {MIN_PARAGRAPHS:,} paragraphs; raise --articles")
    print(
        f"clean + stage + full-text vectors: {cleaned:.1f} s on {args.workers} process(es) "
        f"({articles / cleaned:,.0f} articles/s)"
    )
    report(counts, published)
    print(f"rerun of the same batch (nothing changes): {republished:.1f} s")


if __name__ == "__main__":
    main()
