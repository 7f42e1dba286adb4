"""Whether a change to the cleaner is a pure speed change: every output of this code beside a base
checkout's (e.g. a worktree of main), input by input.

Usage: python bench/check_identical.py --base /work/wt/base_mine [--this CHECKOUT] [--articles 2000]
                                       [--no-html] [--inputs DIR]

The inputs are written once, before either run: ../shared's seeds; each eval set's extracted and
dump forms (scrapinghub's and multilingual's files; wcxb-dev's made from its pages as `eval` makes
them) and, unless --no-html, the HTML pages themselves; tests/fixtures' inputs; the generated
corpus of bench/corpus.py (the plain and the spans noisy articles, syndicated copies). --inputs
keeps them in DIR for the next check (wcxb-dev's extracted form takes a minute to make), with
the base's outputs (by its commit).

Each code (a subprocess with PYTHONPATH at its checkout) cleans every input with the shipped rules
and settings and writes one JSON line per input: the article's to_json() (body, metadata, captions,
every removal) and its removals per step, or the read error. The lines are compared; the script
prints the inputs per kind, how many outputs are identical, the first differences, and exits 1 on
any difference.
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
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
LIST_NAME = "inputs.tsv"  # kind, path, the name the input is read as


def write_inputs(folder: Path, articles: int, html: bool) -> list[tuple[str, Path, str]]:
    """The inputs, as (kind, path, name to read it as); generated ones written under folder."""
    sys.path.insert(0, str(BENCH))
    from corpus import noisy_articles, syndicated_corpus

    inputs: list[tuple[str, Path, str]] = [("seed", p, p.name) for p in sorted((SHARED / "seeds").glob("*.txt"))]
    for name in ("scrapinghub", "multilingual"):
        for form in ("extracted.txt", "dump.txt", *(["html"] if html else [])):
            for page in sorted((SHARED / "eval" / name).glob(f"*.{form}")):
                # read as eval reads them: <id>.txt, <id>.html
                inputs.append((f"{name} {form}", page, page.name[: -len(form)] + form.rsplit(".", 1)[-1]))
    inputs += _wcxb_forms(folder / "wcxb", html)
    fixtures = ROOT / "tests" / "fixtures"
    for path in sorted(fixtures.rglob("*")):
        if path.suffix in (".txt", ".html", ".jsonl") and not path.name.endswith((".gold.txt", ".snippets.json")):
            # copied beside the other inputs: a kept --inputs folder must not point into the
            # checkout (often a worktree, removed later) that first wrote it
            copy = folder / "fixtures" / path.relative_to(fixtures)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
            inputs.append(("tests/fixtures", copy, path.name))
    generated = folder / "generated"
    generated.mkdir(parents=True, exist_ok=True)
    for spans in (False, True):
        kind = "corpus spans" if spans else "corpus plain"
        for number, text in enumerate(noisy_articles(articles, spans=spans)):
            path = generated / f"{kind.split()[1]}-{number:06d}.txt"
            path.write_text(text, encoding="utf-8")
            inputs.append((kind, path, path.name))
    for number, (name, text, _) in enumerate(syndicated_corpus(max(articles // 5, 50))):
        path = generated / f"syndicated-{number:06d}.txt"
        path.write_text(text, encoding="utf-8")
        inputs.append(("corpus syndicated", path, name))
    return inputs


def _wcxb_forms(folder: Path, html: bool) -> list[tuple[str, Path, str]]:
    """wcxb-dev's dump and extracted forms, made from its pages as `eval` makes them; its pages."""
    pages = SHARED / "eval" / "wcxb-dev" / "html"
    if not pages.is_dir():
        return []
    from pipeline.evaluation.wcxb import dump_text, extracted_text

    folder.mkdir(parents=True, exist_ok=True)
    found: list[tuple[str, Path, str]] = []
    for page in sorted(pages.glob("*.html.gz")):
        page_id = page.name.removesuffix(".html.gz")
        markup = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
        for form, make in (("dump", dump_text), ("extracted", extracted_text)):
            path = folder / f"{page_id}.{form}.txt"
            path.write_text(make(markup), encoding="utf-8")
            found.append((f"wcxb-dev {form}.txt", path, f"{page_id}.txt"))
        if html:
            found.append(("wcxb-dev html", page, page.name))
    return found


def emit(listing: Path, out: Path) -> None:
    """Clean every listed input with the code on sys.path; one JSON line per input."""
    import pipeline
    from pipeline import Cleaner, read_file
    from pipeline.ingest.readers import ReadError

    print(f"code: {Path(pipeline.__file__).parent}", flush=True)
    cleaner = Cleaner.from_files()
    with out.open("w", encoding="utf-8") as sink:
        for row in listing.read_text(encoding="utf-8").splitlines():
            _, path, name = row.split("\t")
            results = []
            for raw in read_file(path, name):
                if isinstance(raw, ReadError):
                    results.append({"error": str(raw)})
                else:
                    article = cleaner.clean(raw)
                    results.append({**article.to_json(), "steps": article.removed_by_step})
            sink.write(json.dumps(results, ensure_ascii=False, sort_keys=True) + "\n")


def run_code(checkout: Path, listing: Path, out: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [sys.executable, str(Path(__file__).resolve()), "--emit", str(listing), str(out)]
    subprocess.run(command, check=True, env=environment, cwd=checkout)
    print(f"cleaned by {checkout}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, help="a checkout of the code to compare with (e.g. a worktree of main)")
    parser.add_argument("--this", type=Path, default=ROOT, help="the checkout to check (default: this one)")
    parser.add_argument("--articles", type=int, default=2000, help="generated noisy articles of each corpus")
    parser.add_argument("--no-html", dest="html", action="store_false", help="text inputs only")
    parser.add_argument("--inputs", type=Path, help="keep the inputs in this folder (reused when present)")
    parser.add_argument("--emit", nargs=2, type=Path, metavar=("LIST", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.emit:
        emit(*args.emit)
        return
    if args.base is None:
        parser.error("--base is required")
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.inputs or Path(scratch)
        listing = folder / LIST_NAME
        if not listing.exists():
            inputs = write_inputs(folder, args.articles, args.html)
            listing.write_text("".join(f"{k}\t{p}\t{n}\n" for k, p, n in inputs), encoding="utf-8")
        # with --inputs, the base's outputs are kept beside them too, by the base's commit
        kept = folder if args.inputs else Path(scratch)
        compare(
            listing, args.base.resolve(), kept / f"base-{_commit(args.base)}.jsonl", args.this.resolve(), Path(scratch)
        )


def _commit(checkout: Path) -> str:
    """The checkout's commit, marked when it has changes of its own (its outputs are not kept then)."""
    git = ["git", "-C", str(checkout)]
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    changed = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
    return commit[:12] + ("-changed" if changed.stdout.strip() else "")


def compare(listing: Path, base: Path, base_output: Path, this: Path, scratch: Path) -> None:
    kinds = [row.split("\t")[0] for row in listing.read_text(encoding="utf-8").splitlines()]
    outputs = {"base": base_output, "this": scratch / "this.jsonl"}
    if base_output.name.endswith("-changed.jsonl") or not base_output.exists():
        run_code(base, listing, outputs["base"])
    else:
        print(f"the outputs of {base} at this commit: {base_output}")
    run_code(this, listing, outputs["this"])
    before = outputs["base"].read_text(encoding="utf-8").splitlines()
    after = outputs["this"].read_text(encoding="utf-8").splitlines()
    differing = [i for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
    counts = Counter(kinds)
    articles = sum(len(json.loads(line)) for line in after)
    print(f"inputs: {len(kinds):,} ({articles:,} articles or read errors)")
    for kind, count in sorted(counts.items()):
        print(f"  {kind:<28} {count:>6,}")
    print(f"identical outputs: {len(kinds) - len(differing):,} of {len(kinds):,}")
    rows = listing.read_text(encoding="utf-8").splitlines()
    for index in differing[:10]:
        print(f"DIFFERS: {rows[index]}")
    if differing:
        sys.exit(1)


if __name__ == "__main__":
    main()
