"""The collapse-repeated-span search (`repeated_span`) on hostile paragraphs, one core.

Usage: python bench/bench_repetition.py [--mb 15]

Each case is one paragraph of about --mb megabytes (the first: 1 MB) that is, or almost is, one
span said many times: seconds for `repeated_span(text, 20)` (best of 3). Trying every possible
span made these quadratic: 1 MB of one repeated character took 10.6 s, a 15 MB repeated word
did not finish in 150 s.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from pipeline.clean.steps import repeated_span


def cases(mb: int) -> dict[str, Callable[[], str]]:
    size = mb * 1_000_000
    return {
        "1 MB of one character": lambda: "a" * 1_000_000,
        f"{mb} MB of one word": lambda: "word " * (size // 5),
        f"{mb} MB of one word, a prime count": lambda: "word " * _prime_below(size // 5),
        f"{mb} MB of 'a a a', breaking at the end": lambda: " ".join(["a"] * (size // 2 - 1)) + "a",
    }


def _prime_below(n: int) -> int:
    while any(n % d == 0 for d in range(2, int(n**0.5) + 1)):
        n -= 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=15)
    args = parser.parse_args()
    for name, build in cases(args.mb).items():
        text = build()
        best = min(_seconds(text) for _ in range(3))
        print(f"{name:<45} {best:7.3f} s")


def _seconds(text: str) -> float:
    started = time.perf_counter()
    repeated_span(text, 20)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
