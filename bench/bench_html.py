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

With --against REV it times instead our own clean at another revision against the code of this
checkout, side by side in one run: each side in its own process (bench/clean_worker.py, PYTHONPATH
at `git archive REV pipeline sql` unpacked in a temporary folder, or at --against-tree DIR; the new
side at a copy of this checkout's package taken at the start), both
reading the same inputs, both warmed up over every input once; then, each round, chunk by chunk
(--chunk inputs), the two sides clean the same chunk one after the other (the order alternating),
and the CPU time each process spent cleaning (time.process_time) adds up per side. It prints CPU
milliseconds per article of each side and new / old per round, as ranges over the rounds, for the
first --limit HTML pages of the first --pages folder and --text-articles generated text articles
(bench/corpus.py, as bench_clean.py makes them; 0: none).

  .venv/bin/python bench/bench_html.py --against f9782ad --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from pipeline import Cleaner, RawArticle, ReadError, read_file  # noqa: E402

DEFAULT_PAGES = [Path("../shared/eval/scrapinghub"), Path("../shared/eval/multilingual")]
HERE = Path(__file__).resolve().parent


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


class Side:
    """One revision's cleaner in its own process (bench/clean_worker.py)."""

    def __init__(self, name: str, tree: Path, manifest: Path) -> None:
        self.name = name
        environment = {**os.environ, "PYTHONPATH": str(tree)}
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "clean_worker.py"), str(manifest)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment, cwd=tree,
        )  # fmt: skip
        self.ready = self._line()
        self.cpu: dict[str, list[float]] = {}

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.name} side stopped (see its error output above)")
        return line.strip()

    def clean(self, kind: str, start: int, end: int) -> float:
        """CPU seconds the side spent cleaning inputs start..end-1 of that kind."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"{kind} {start} {end}\n")
        self.process.stdin.flush()
        return float(self._line())

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()


def unpacked(revision: str, folder: Path) -> Path:
    """The package (and the SQL it links to) as of a revision, unpacked into folder."""
    archive = subprocess.run(["git", "archive", revision, "pipeline", "sql"], cwd=HERE.parent, check=True,
                             capture_output=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def text_inputs(count: int, folder: Path) -> list[str]:
    from corpus import noisy_articles  # bench/corpus.py

    paths = []
    for number, text in enumerate(noisy_articles(count)):
        path = folder / f"{number:06d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def against(args: argparse.Namespace) -> None:
    """CPU per article of the code at args.against (old) and of this checkout (new), side by side."""
    sys.path.insert(0, str(HERE))
    with tempfile.TemporaryDirectory(prefix="bench-against-") as tmp:
        folder = Path(tmp)
        pages = sorted(args.pages[0].glob("*.html"))[: args.limit]
        (folder / "text").mkdir()
        manifest = {
            "html": [str(path.resolve()) for path in pages],
            "text": text_inputs(args.text_articles, folder / "text"),
        }
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        old_tree = args.against_tree or unpacked(args.against, Path(tempfile.mkdtemp(dir=tmp)))
        new_tree = folder / "new"  # this checkout as it is now: editing it while the sides run changes nothing
        for name in ("pipeline", "sql"):
            shutil.copytree(HERE.parent / name, new_tree / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
        sides = [Side("old", old_tree.resolve(), folder / "manifest.json"),
                 Side("new", new_tree, folder / "manifest.json")]  # fmt: skip
        for side in sides:
            print(f"{side.name}: {side.ready}")
        counts = dict(item.split("=") for item in sides[0].ready.split()[2:])
        kinds = [kind for kind in ("html", "text") if int(counts.get(kind, 0))]
        for round_number in range(args.rounds):
            for kind in kinds:
                total = int(counts[kind])
                seconds = {side.name: 0.0 for side in sides}
                for chunk, start in enumerate(range(0, total, args.chunk)):
                    order = sides if (chunk + round_number) % 2 == 0 else sides[::-1]
                    for side in order:
                        seconds[side.name] += side.clean(kind, start, min(start + args.chunk, total))
                for side in sides:
                    side.cpu.setdefault(kind, []).append(seconds[side.name] / total * 1e3)
        for side in sides:
            side.close()
    label = args.against_tree or args.against
    print(f"CPU ms per article, {args.rounds} rounds, chunks of {args.chunk} alternating;", end=" ")
    print(f"old = {label}, new = this checkout")
    for kind in kinds:
        old, new = sides[0].cpu[kind], sides[1].cpu[kind]
        ratios = [n / o for o, n in zip(old, new, strict=True)]
        print(f"{kind:<5} ({counts[kind]:>5} articles)  old {min(old):7.3f} - {max(old):7.3f}   "
              f"new {min(new):7.3f} - {max(new):7.3f}   new/old {min(ratios):.3f} - {max(ratios):.3f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=Path, nargs="+", default=DEFAULT_PAGES, help="folders of *.html pages")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", metavar="REV", help="time this revision's clean against this checkout's")
    parser.add_argument("--against-tree", type=Path, help="... or the package under this folder (PYTHONPATH)")
    parser.add_argument("--limit", type=int, default=120, help="--against: the first N pages of the first folder")
    parser.add_argument("--text-articles", type=int, default=3000, help="--against: generated text articles")
    parser.add_argument("--chunk", type=int, default=20, help="--against: inputs per turn of a side")
    args = parser.parse_args()
    if args.against or args.against_tree:
        against(args)
        return
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
