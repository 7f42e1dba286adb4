"""Articles/s of text cleaning on one core over a generated corpus of noisy articles.

Usage: python bench/bench_clean.py [--articles 20000]
Generation happens outside the timed region; only Cleaner.clean is timed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from corpus import noisy_articles  # noqa: E402

from pipeline import Cleaner, RawArticle  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=20_000)
    args = parser.parse_args()
    cleaner = Cleaner.from_files()
    raws = [RawArticle(source_file=f"{i}.txt", text=t) for i, t in enumerate(noisy_articles(args.articles))]
    chars = sum(len(r.text or "") for r in raws)
    kept = removed = 0
    started = time.perf_counter()
    for raw in raws:
        article = cleaner.clean(raw)
        kept += len(article.paragraphs)
        removed += len(article.removed)
    elapsed = time.perf_counter() - started
    print(f"articles:        {len(raws):,} ({chars / len(raws):,.0f} chars each on average)")
    print(f"paragraphs kept: {kept:,}; removals recorded: {removed:,}")
    print(f"elapsed:         {elapsed:.2f} s on one core")
    print(f"throughput:      {len(raws) / elapsed:,.0f} articles/s ({chars / elapsed / 1e6:.1f} MB/s)")


if __name__ == "__main__":
    main()
