"""Text cleaning against its floor, side by side in one run, on one core.

Usage: python bench/bench_clean.py [--articles 20000] [--rounds 3] [--corpus plain|spans]

The same generated noisy articles (galleries, furniture, repeats, headers), written as .txt files
(outside the timed region; --corpus spans, the default: with galleries and long repeated spans
added to some, bench/corpus.py spanned_article; plain: without), are timed two ways, alternating, --rounds times:
- floor: read each file (plain UTF-8 read_text), split it into paragraphs, write it as JSON (what
  any tool must do);
- clean: read each file, clean it (`Cleaner.clean`: every rule, header, repetition, language),
  write the clean article as JSON (what `pipeline clean --json` does).
Prints articles/s of each and clean as a ratio of the floor (range over the rounds), the same ratio
in CPU time of this process (less moved by other work on a shared machine than the wall clock),
then the cleaner's counters per step over all rounds (Cleaner.stats): removals, share of the
cleaning time.

With --dumps DIR --before-model FILE it times instead real full-page dumps (DIR/*.dump.txt, e.g.
../shared/eval/scrapinghub) cleaned with two page-dump line models side by side, alternating, in one
run: FILE (e.g. the line_model.npz of main, from `git show main:pipeline/clean/dump/line_model.npz`)
and the shipped one; it prints the CPU milliseconds per article of each and their ratio.

With --furniture DIR [--suffix .html] it times real pages (DIR/*<suffix>, e.g. ../shared/eval/
scrapinghub's .html, .extracted.txt or .dump.txt) cleaned with the paragraph furniture model off and
on (issue 23: every form switched on; off also skips reading HTML blocks' structure, which only the
model needs), alternating, in one run: CPU milliseconds per article of each, their ratio, and the
furniture step's own share of the cleaning time (Cleaner.stats).
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from corpus import noisy_articles  # noqa: E402

from pipeline import Cleaner, read_file  # noqa: E402
from pipeline.clean.dump.line_model import MODEL_ENV  # noqa: E402
from pipeline.clean.furniture import DropModelFurniture  # noqa: E402
from pipeline.clean.structure import split_paragraphs  # noqa: E402
from pipeline.core.settings import SHIPPED  # noqa: E402
from pipeline.ingest.readers import ReadError  # noqa: E402


def floor(files: list[Path]) -> tuple[float, float]:
    """(wall seconds, CPU seconds)"""
    out = io.StringIO()
    started, cpu = time.perf_counter(), time.process_time()
    for path in files:
        paragraphs = [p.text for p in split_paragraphs(path.read_text(encoding="utf-8"))]
        out.write(json.dumps({"source_file": path.name, "paragraphs": paragraphs}) + "\n")
    return time.perf_counter() - started, time.process_time() - cpu


def clean(files: list[Path], cleaner: Cleaner) -> tuple[float, float]:
    """(wall seconds, CPU seconds)"""
    out = io.StringIO()
    started, cpu = time.perf_counter(), time.process_time()
    for path in files:
        for raw in read_file(path, path.name):
            if not isinstance(raw, ReadError):
                out.write(json.dumps(cleaner.clean(raw).to_json(), ensure_ascii=False) + "\n")
    return time.perf_counter() - started, time.process_time() - cpu


def dump_models(folder: Path, before: Path, rounds: int) -> None:
    """CPU per dump article with the model `before` and with the shipped one, alternating."""
    files = sorted(folder.glob("*.dump.txt"))
    cleaner = Cleaner.from_files()
    cpu: dict[str, list[float]] = {"before": [], "shipped": []}
    for _ in range(rounds):
        for name, model in (("before", str(before)), ("shipped", "")):
            os.environ[MODEL_ENV] = model  # empty: the shipped model
            cpu[name].append(clean(files, cleaner)[1] / len(files) * 1e3)
    os.environ.pop(MODEL_ENV, None)
    print(f"dumps: {len(files)} from {folder}, {rounds} rounds, one core; CPU ms per article")
    for name, values in cpu.items():
        print(f"{name:<8} {min(values):>8.2f} - {max(values):>8.2f}")
    ratios = [after / first for first, after in zip(cpu["before"], cpu["shipped"], strict=True)]
    print(f"shipped / before {min(ratios):>6.3f} - {max(ratios):>6.3f}")


def furniture_model(folder: Path, suffix: str, rounds: int) -> None:
    """CPU per article with the furniture model off and on (every form), alternating."""
    files = sorted(folder.glob(f"*{suffix}"))
    on = dataclasses.replace(SHIPPED.furniture_model, html=True, extracted=True, dump=True)
    # off: every form off, so an HTML page's block structure is not read either (its cost is the model's)
    off = dataclasses.replace(SHIPPED.furniture_model, html=False, extracted=False, dump=False)
    cleaners = {
        "off": Cleaner.from_files(settings=dataclasses.replace(SHIPPED, furniture_model=off)),
        "on": Cleaner.from_files(settings=dataclasses.replace(SHIPPED, furniture_model=on)),
    }
    cpu: dict[str, list[float]] = {"off": [], "on": []}
    for _ in range(rounds):
        for name, cleaner in cleaners.items():
            cpu[name].append(clean(files, cleaner)[1] / len(files) * 1e3)
    print(f"{len(files)} {suffix} pages from {folder}, {rounds} rounds, one core; CPU ms per article")
    for name, values in cpu.items():
        print(f"furniture model {name:<4} {min(values):>8.2f} - {max(values):>8.2f}")
    ratios = [after / first for first, after in zip(cpu["off"], cpu["on"], strict=True)]
    print(f"on / off             {min(ratios):>8.3f} - {max(ratios):>8.3f}")
    stats = cleaners["on"].stats
    share = stats[DropModelFurniture.name].seconds / (sum(s.seconds for s in stats.values()) or 1.0)
    print(f"the step's share of the steps' time (model on): {share:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", choices=("spans", "plain"), default="spans", help="with or without the added spans")
    parser.add_argument("--dumps", type=Path, help="a folder of *.dump.txt files to time two line models on")
    parser.add_argument("--before-model", type=Path, help="the line model file to compare the shipped one with")
    parser.add_argument("--furniture", type=Path, help="a folder of real pages to time the furniture model on")
    parser.add_argument("--suffix", default=".html", help="which of the folder's pages (with --furniture)")
    args = parser.parse_args()
    if args.furniture:
        furniture_model(args.furniture, args.suffix, args.rounds)
        return
    if args.dumps and args.before_model:
        dump_models(args.dumps, args.before_model, args.rounds)
        return
    cleaner = Cleaner.from_files()
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for number, text in enumerate(noisy_articles(args.articles, spans=args.corpus == "spans")):
            files.append(Path(tmp) / f"{number:06d}.txt")
            files[-1].write_text(text, encoding="utf-8")
        megabytes = sum(f.stat().st_size for f in files) / 1e6
        rates: list[tuple[float, float]] = []
        cpu_ratios: list[float] = []
        for _ in range(args.rounds):
            (floor_s, floor_cpu), (clean_s, clean_cpu) = floor(files), clean(files, cleaner)
            rates.append((len(files) / floor_s, len(files) / clean_s))
            cpu_ratios.append(floor_cpu / clean_cpu)
    print(
        f"articles: {len(files):,} ({megabytes / len(files) * 1e3:,.1f} kB each, {args.corpus} corpus), "
        f"{args.rounds} rounds, one core"
    )
    for name, values in (("floor (read, split, JSON)", [f for f, _ in rates]), ("clean", [c for _, c in rates])):
        print(f"{name:<26} {min(values):>8,.0f} - {max(values):>8,.0f} articles/s")
    ratios = [c / f for f, c in rates]
    print(f"clean / floor              {min(ratios):>8.3f} - {max(ratios):>8.3f}")
    print(f"clean / floor, CPU time    {min(cpu_ratios):>8.3f} - {max(cpu_ratios):>8.3f}")
    total = sum(s.seconds for s in cleaner.stats.values()) or 1.0
    print(f"{'step':<26} {'removed':>8} {'time':>6}  (over all rounds)")
    for name, step in cleaner.stats.items():
        print(f"{name:<26} {step.removed:>8,} {step.seconds / total:>6.1%}")


if __name__ == "__main__":
    main()
