"""Incremental cost of corpus-level dedup: time per 10k-article batch as the corpus grows.

Usage: python bench/bench_corpus.py [--batches 20] [--batch-size 10000] [--workers N]
Each batch: 10 sources (sub-folders) with their own footer lines, some stories syndicated across
sources. Prints, per batch, the cleaning time (on --workers processes) and the publish time
(COPY, merge, line statistics, MinHash LSH clustering) - the latter must stay flat while the
corpus grows.
Uses DATABASE_URL when set, else a newsclean_bench database on the embedded server (its schema is
dropped and recreated).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_load import bench_engine  # noqa: E402
from corpus import noisy_article  # noqa: E402
from pipeline.batch import default_workers, discover, prepare_shards  # noqa: E402

from pipeline import Cleaner  # noqa: E402
from pipeline.store import load_learned, publish_batch, start_batch  # noqa: E402

SOURCES = [f"outlet{n}" for n in range(10)]


def write_batch(folder: Path, number: int, size: int, rng: random.Random) -> None:
    for source in SOURCES:
        (folder / source).mkdir(parents=True)
    for i in range(size):
        source = SOURCES[i % len(SOURCES)]
        text = noisy_article(rng, number * size + i)
        if i % 50 == 0 and i + 1 < size:  # syndicate: the next source runs the same story
            (folder / SOURCES[(i + 1) % len(SOURCES)] / f"syn{i}.txt").write_text(text, encoding="utf-8")
        footer = f"\n\nRead {source} every morning: the {source} daily edition is in your inbox at six."
        (folder / source / f"a{i}.txt").write_text(text + footer, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    engine = bench_engine()
    rng = random.Random(11)
    print(f"{'batch':>5} {'corpus':>8} {'clean s':>8} {'publish s':>10} {'corpus-dedup s':>15} {'learned':>8}")
    publish_times: list[float] = []
    batch_times: list[float] = []
    for number in range(args.batches):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            write_batch(folder, number, args.batch_size, rng)
            learned = load_learned(engine)
            started = time.perf_counter()
            cleaner = Cleaner.from_files((), learned)
            prepared = prepare_shards(engine, discover(folder), Path(tmp) / "stage", cleaner, args.workers, False)
            cleaned = time.perf_counter() - started
            batch = f"b{number:03d}"
            start_batch(engine, batch, str(folder))
            started = time.perf_counter()
            counts = publish_batch(engine, batch, [d for d, _ in prepared], 0)
            published = time.perf_counter() - started
            publish_times.append(published)
            batch_times.append(cleaned + published)
        with engine.connect() as connection:
            corpus = connection.execute(sa.text("SELECT count(*) FROM articles")).scalar()
        print(
            f"{number:>5} {corpus:>8,} {cleaned:>8.1f} {published:>10.1f} {counts['seconds']['corpus']:>15.2f} "
            f"{sum(len(v) for v in learned.values()):>8}",
            flush=True,
        )
    # medians: one batch in a few pays for a checkpoint or an autovacuum pass
    for name, times in (("publish", publish_times), ("clean + publish", batch_times)):
        if len(times) >= 10:
            first, last = statistics.median(times[:5]), statistics.median(times[-5:])
            print(f"{name}: median of first 5 batches {first:.1f} s, of the last 5 {last:.1f} s: x{last / first:.2f}")


if __name__ == "__main__":
    main()
