"""Whether two revisions clean every input alike: the outputs of a pure speed change must not move.

Usage: python bench/same_outputs.py [--against main | --against-tree DIR] [--shared ../shared] [--inputs DIR]

Cleans, with the code at REV (`git archive REV pipeline sql`, unpacked in a temporary folder) and
with this checkout, each in its own process (PYTHONPATH at its tree), every input of:
  scrapinghub and multilingual   each page as .html, .dump.txt and .extracted.txt
  wcxb-dev                       each page as .html.gz, and as the dump and extracted texts
                                 `eval` makes of it (written once, read by both sides)
  seeds                          ../shared/seeds/*
  fixtures                       tests/fixtures/golden and tests/fixtures/articles
  generated                      --generated noisy text articles (bench/corpus.py)
and compares, input by input, the whole clean article: Article.to_json() (paragraphs, headline,
dates, authors, captions, page type, every removal with its rule), the removals per step, and the
page-type features of an HTML page. Prints per set and form how many inputs agree, the first
differences, and exits 1 when any input differs. Sets missing from --shared are skipped.

With --inputs DIR the inputs (and the texts made for wcxb-dev) are made there once and reused, and
so are the old side's outputs (DIR/outputs-<commit>.jsonl): a rerun against the same commit cleans
only with this checkout.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FORMS = {".html": ".html", ".dump.txt": ".txt", ".extracted.txt": ".txt"}  # suffix -> the name's suffix


def paged_inputs(folder: Path, label: str) -> Iterator[tuple[str, str, str | None]]:
    """(set/form, path, name) of every page of a scrapinghub-style folder, named as `eval` reads it."""
    for suffix, read_as in FORMS.items():
        for path in sorted(folder.glob(f"*{suffix}")):
            yield f"{label}/{suffix.lstrip('.')}", str(path), path.name[: -len(suffix)] + read_as


def wcxb_inputs(folder: Path, workdir: Path) -> Iterator[tuple[str, str, str | None]]:
    """wcxb-dev's pages as HTML, and as the two text forms `eval --input dump|extracted` makes."""
    sys.path.insert(0, str(HERE.parent))
    from pipeline.evaluation.wcxb import dump_text, extracted_text

    workdir.mkdir()
    pages = sorted((folder / "html").glob("*.html.gz"))
    for path in pages:
        yield "wcxb-dev/html", str(path), None
    for form, make in (("dump", dump_text), ("extracted", extracted_text)):
        for path in pages:
            html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
            text_path = workdir / f"{path.name.removesuffix('.html.gz')}.{form}.txt"
            text_path.write_text(make(html), encoding="utf-8")
            yield f"wcxb-dev/{form}", str(text_path), None


def generated_inputs(count: int, workdir: Path) -> Iterator[tuple[str, str, str | None]]:
    sys.path.insert(0, str(HERE))
    from corpus import noisy_articles

    workdir.mkdir()
    for number, text in enumerate(noisy_articles(count)):
        path = workdir / f"{number:06d}.txt"
        path.write_text(text, encoding="utf-8")
        yield "generated/txt", str(path), None


def all_inputs(shared: Path, generated: int, workdir: Path) -> list[tuple[str, str, str | None]]:
    inputs: list[tuple[str, str, str | None]] = []
    for name in ("scrapinghub", "multilingual"):
        if (shared / "eval" / name).is_dir():
            inputs.extend(paged_inputs(shared / "eval" / name, name))
    if (shared / "eval" / "wcxb-dev").is_dir():
        inputs.extend(wcxb_inputs(shared / "eval" / "wcxb-dev", workdir / "wcxb"))
    inputs.extend(("seeds", str(path), None) for path in sorted((shared / "seeds").glob("*")) if path.is_file())
    fixtures = HERE.parent / "tests" / "fixtures"
    for folder in (fixtures / "golden", fixtures / "articles"):
        inputs.extend(
            (f"fixtures/{path.suffix.lstrip('.')}", str(path), None)
            for path in sorted(folder.iterdir())
            if path.suffix in (".html", ".txt", ".jsonl") and ".gold." not in path.name
        )
    inputs.extend(generated_inputs(generated, workdir / "generated"))
    return inputs


def made_inputs(folder: Path, shared: Path, generated: int) -> Path:
    """The inputs list (made once per folder: trafilatura's extracts of wcxb-dev take minutes)."""
    manifest = folder / "manifest.json"
    if not manifest.exists():
        folder.mkdir(parents=True, exist_ok=True)
        inputs = all_inputs(shared, generated, folder)
        manifest.write_text(json.dumps(inputs), encoding="utf-8")
    return manifest


def write_outputs(manifest: Path, out: Path) -> None:
    """The worker: every input's clean articles as JSON lines, with whichever `pipeline` is first on
    the path (only API present in every revision compared)."""
    import pipeline.clean.cleaner as cleaner_module
    from pipeline import Cleaner, ReadError, read_file

    rows: list[list[float]] = []
    judge = getattr(cleaner_module, "judge_page", None)
    if judge is not None:  # record the page-type features the cleaner judges a page by

        def recording(row: Any, *args: Any) -> Any:
            rows.append(list(row))
            return judge(row, *args)

        cleaner_module.judge_page = recording  # type: ignore[attr-defined]
    cleaner = Cleaner.from_files()
    with out.open("w", encoding="utf-8") as sink:
        for label, path, name in json.loads(manifest.read_text(encoding="utf-8")):
            for result in read_file(Path(path), name):
                rows.clear()
                if isinstance(result, ReadError):
                    record: dict[str, Any] = {"error": str(result)}
                else:
                    article = cleaner.clean(result)
                    record = {**article.to_json(), "removed_by_step": article.removed_by_step, "features": rows}
                sink.write(json.dumps({"input": f"{label} {path}", **record}, ensure_ascii=False) + "\n")


def old_outputs(args: argparse.Namespace, manifest: Path, workdir: Path) -> Path:
    """Where the old side's outputs go: beside the kept inputs, named by the revision's commit, so a
    later run against the same commit reuses them; else in the temporary folder."""
    if args.inputs is None or args.against_tree is not None or args.only:
        return workdir / "old.jsonl"
    commit = subprocess.run(["git", "rev-parse", args.against], cwd=HERE.parent, check=True, capture_output=True,
                            text=True).stdout.strip()  # fmt: skip
    return manifest.parent / f"outputs-{commit}.jsonl"


def unpacked(revision: str, folder: Path) -> Path:
    folder.mkdir()
    archive = subprocess.run(["git", "archive", revision, "pipeline", "sql"], cwd=HERE.parent, check=True,
                             capture_output=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def snapshot(folder: Path) -> Path:
    """This checkout's package as it is now, so that editing it while the sides run changes nothing."""
    for name in ("pipeline", "sql"):
        shutil.copytree(HERE.parent / name, folder / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def run_side(tree: Path, manifest: Path, out: Path) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, str(HERE / "same_outputs.py"), "--write", str(manifest), str(out)]
    return subprocess.Popen(command, env=environment, cwd=tree)


def compare(old: Path, new: Path, shown: int) -> int:
    """Per set/form: inputs alike / inputs in all; the first differences; the count of differences."""
    alike: Counter[str] = Counter()
    total: Counter[str] = Counter()
    differences = 0
    with old.open(encoding="utf-8") as left, new.open(encoding="utf-8") as right:
        for old_line, new_line in zip(left, right, strict=True):
            old_record, new_record = json.loads(old_line), json.loads(new_line)
            label = old_record["input"].split()[0]
            total[label] += 1
            if old_line == new_line:
                alike[label] += 1
                continue
            differences += 1
            if differences <= shown:
                keys = [k for k in old_record.keys() | new_record.keys() if old_record.get(k) != new_record.get(k)]
                print(f"DIFFERS {old_record['input']}: {', '.join(sorted(keys))}")
    for label in total:
        print(f"{label:<24} {alike[label]:>6} of {total[label]:>6} alike")
    return differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", default="main", metavar="REV")
    parser.add_argument("--against-tree", type=Path, help="the old side's package under this folder instead")
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--generated", type=int, default=2000)
    parser.add_argument("--show", type=int, default=20, help="differences printed")
    parser.add_argument("--inputs", type=Path, help="make inputs and old outputs here once, reuse them")
    parser.add_argument("--only", help="only inputs whose set/form holds one of these (a,b); not cached")
    parser.add_argument("--write", nargs=2, type=Path, metavar=("MANIFEST", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        write_outputs(*args.write)
        return
    with tempfile.TemporaryDirectory(prefix="same-outputs-") as tmp:
        workdir = Path(tmp)
        new_tree = snapshot(workdir / "new")
        manifest = made_inputs(args.inputs or workdir / "inputs", args.shared.resolve(), args.generated)
        if args.only:  # a subset, listed apart
            parts = args.only.split(",")
            rows = json.loads(manifest.read_text(encoding="utf-8"))
            chosen = [row for row in rows if any(part in row[0] for part in parts)]
            manifest = workdir / "chosen.json"
            manifest.write_text(json.dumps(chosen), encoding="utf-8")
        sides = [run_side(new_tree, manifest, workdir / "new.jsonl")]
        old_out = old_outputs(args, manifest, workdir)
        partial = old_out.with_name(old_out.name + ".partial")  # renamed once whole: a cut run is never reused
        if not old_out.exists():
            old_tree = args.against_tree or unpacked(args.against, workdir / "old")
            sides.append(run_side(old_tree.resolve(), manifest, partial))
        if any(side.wait() for side in sides):
            sys.exit("a side failed (see its error output above)")
        if partial.exists():
            partial.rename(old_out)
        differences = compare(old_out, workdir / "new.jsonl", args.show)
    print(f"old = {args.against_tree or args.against}, new = this checkout: {differences} input(s) differ")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
