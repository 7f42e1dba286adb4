"""The publish's cost when articles change hands between batches, on N generated articles.

Usage: python bench/bench_ownership.py [--articles 10000] [--per-file 500] [--workers 2]

Four runs, each timed by the publish's own phase timer (the cleaning before it is not counted):
- new:       batch A, N new articles into an empty corpus;
- rerun:     batch A again, unchanged (nothing to write);
- takeover:  batch B (a later id) delivering the same files: B takes every article over;
- hand back: batch B rerun with one small file instead: the N articles A still delivers go back to
             A (before article_deliveries existed they were deleted).
Prints the publish total, the time of the ownership phases (record_deliveries, hand_over,
recount_ledgers) and the slowest phases per run. Uses DATABASE_URL when set, else a
newsclean_bench database on the embedded server (its schema is dropped and recreated), like
bench_scale.py, whose batch generator it shares.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_scale import bench_url, write_batch  # noqa: E402

from pipeline.run.runner import run_batch  # noqa: E402
from pipeline.store.db import create_engine  # noqa: E402


def publish_seconds(engine: object, folder: Path, batch: str, workers: int) -> dict[str, float]:
    report = run_batch(engine, folder, batch, workers=workers)  # type: ignore[arg-type]
    phases: dict[str, float] = report.timings["publish_phases"]
    return phases


# The phases that keep article_deliveries and the ledger's ownership counts (absent before them).
OWNERSHIP_PHASES = ("record_deliveries", "hand_over", "recount_ledgers")


def show(step: str, phases: dict[str, float]) -> None:
    slowest = sorted(((v, k) for k, v in phases.items() if k != "total"), reverse=True)[:5]
    ownership = sum(phases.get(name, 0.0) for name in OWNERSHIP_PHASES)
    print(f"{step:<10} publish {phases['total']:6.2f} s (ownership phases {ownership:.2f} s)   "
          + ", ".join(f"{k} {v:.2f}" for v, k in slowest), flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--per-file", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    engine = create_engine(bench_url())
    with tempfile.TemporaryDirectory() as tmp:
        folder_a, folder_b = Path(tmp) / "a", Path(tmp) / "b"
        write_batch(folder_a, 0, args.articles, args.per_file, random.Random(7))
        shutil.copytree(folder_a, folder_b)
        show("new", publish_seconds(engine, folder_a, "bench-a", args.workers))
        show("rerun", publish_seconds(engine, folder_a, "bench-a", args.workers))
        show("takeover", publish_seconds(engine, folder_b, "bench-b", args.workers))
        shutil.rmtree(folder_b)
        write_batch(folder_b, 1, 50, args.per_file, random.Random(8))
        show("hand back", publish_seconds(engine, folder_b, "bench-b", args.workers))
    engine.dispose()


if __name__ == "__main__":
    main()
