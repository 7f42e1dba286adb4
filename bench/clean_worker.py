"""One side of a side-by-side CPU comparison (bench/bench_html.py --against): cleans the inputs a
manifest names with whatever `pipeline` PYTHONPATH points at, on command, and reports the CPU time.

Usage (by bench_html.py, not by hand): PYTHONPATH=TREE python bench/clean_worker.py MANIFEST.json
The manifest is {"html": [paths], "text": [paths]}. Every input is read (and the cleaner built and
warmed up over every input once) before "ready <where pipeline was imported from>" is printed;
then each line "KIND START END" on stdin cleans inputs START..END-1 of that kind and prints the
CPU seconds of this process spent cleaning them (time.process_time, reading and writing outside).
Only public API present in every revision compared (Cleaner.from_files, read_file) is used.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pipeline
from pipeline import Cleaner, ReadError, read_file


def read_inputs(paths: list[str]) -> list[object]:
    articles: list[object] = []
    for path in paths:
        articles.extend(result for result in read_file(Path(path)) if not isinstance(result, ReadError))
    return articles


def main() -> None:
    manifest = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    inputs = {kind: read_inputs(paths) for kind, paths in manifest.items()}
    cleaner = Cleaner.from_files()
    for articles in inputs.values():  # warm-up: lazy imports, dateparser's and htmldate's set-up
        for raw in articles:
            cleaner.clean(raw)  # type: ignore[arg-type]
    counts = " ".join(f"{kind}={len(articles)}" for kind, articles in inputs.items())
    print(f"ready {Path(pipeline.__file__).parent} {counts}", flush=True)
    for line in sys.stdin:
        kind, start, end = line.split()
        chunk = inputs[kind][int(start) : int(end)]
        started = time.process_time()
        for raw in chunk:
            cleaner.clean(raw)  # type: ignore[arg-type]
        print(f"{time.process_time() - started:.6f}", flush=True)


if __name__ == "__main__":
    main()
