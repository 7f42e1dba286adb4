"""Pages/s of our whole HTML clean against trafilatura alone, side by side on the same pages.

Usage: python bench/bench_html.py [--pages ../shared/eval/scrapinghub ...] [--rounds 5]

For each folder of *.html pages (read as the pipeline reads them; pages it refuses are left out),
each round times, page by page and interleaved (the order alternating), on one core:
  ours         Cleaner.from_files().clean(RawArticle(source_file=..., html=...)): parse, metadata,
               captions, body, rules, repetition — everything the pipeline does with an HTML page
  trafilatura  trafilatura.extract(html, include_comments=False, deduplicate=False): the peer
               configuration (comments off, its default balanced mode with its fallback extractors)
and prints both rates and their ratio. Machines are shared: only the ratio means much, so run
several rounds and read the range. Page reading is outside the timed region.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from pipeline import Cleaner, RawArticle, ReadError, read_file  # noqa: E402

DEFAULT_PAGES = [Path("../shared/eval/scrapinghub"), Path("../shared/eval/multilingual")]


def load_pages(folder: Path) -> list[tuple[str, str]]:
    pages = []
    for path in sorted(folder.glob("*.html")):
        for result in read_file(path):
            if not isinstance(result, ReadError) and result.html:
                pages.append((path.name, result.html))
    return pages


def one_round(cleaner: Cleaner, pages: list[tuple[str, str]], flip: bool) -> tuple[float, float]:
    """Seconds of ours and of trafilatura over the pages, interleaved page by page (the order
    alternating) so that a change in the machine's load hits both sides alike."""
    import trafilatura

    ours = peer = 0.0
    for index, (name, html) in enumerate(pages):
        for side in ("ours", "peer") if (index % 2 == 0) != flip else ("peer", "ours"):
            started = time.perf_counter()
            if side == "ours":
                cleaner.clean(RawArticle(source_file=name, html=html))
                ours += time.perf_counter() - started
            else:
                trafilatura.extract(html, include_comments=False, deduplicate=False)
                peer += time.perf_counter() - started
    return ours, peer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=Path, nargs="+", default=DEFAULT_PAGES, help="folders of *.html pages")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cleaner = Cleaner.from_files()
    for folder in args.pages:
        if not folder.is_dir():
            print(f"{folder}: not a folder, skipped")
            continue
        pages = load_pages(folder)
        if not pages:
            print(f"{folder}: no readable pages, skipped")
            continue
        one_round(cleaner, pages[:10], False)  # warm-up: imports, rules, trafilatura's lazy set-up
        print(f"{folder} ({len(pages)} pages)")
        print(f"{'round':>5}  {'ours p/s':>9}  {'trafilatura p/s':>15}  {'ratio':>5}")
        ratios = []
        for round_number in range(1, args.rounds + 1):
            ours, peer = one_round(cleaner, pages, flip=round_number % 2 == 0)
            ratio = peer / ours
            ratios.append(ratio)
            print(f"{round_number:>5}  {len(pages) / ours:>9.1f}  {len(pages) / peer:>15.1f}  {ratio:>5.2f}")
        median = sorted(ratios)[len(ratios) // 2]
        print(f"ratio ours/trafilatura: {min(ratios):.2f}–{max(ratios):.2f} (median {median:.2f})")


if __name__ == "__main__":
    main()
