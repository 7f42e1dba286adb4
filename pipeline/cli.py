"""Command line: `python -m pipeline COMMAND ...` (see --help)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from .cleaner import Cleaner
from .document import Article
from .readers import ReadError, read_paths
from .rules import RulesError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Clean raw news-article dumps (.txt, .html, .jsonl and .gz of each) into audited articles.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    clean = commands.add_parser("clean", help="clean files or folders and print the articles")
    clean.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="input files or folders")
    clean.add_argument("--json", action="store_true", help="one JSON object per article per line")
    clean.add_argument(
        "--rules",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="extra rules file (YAML, same format as pipeline/data/rules.yaml); repeatable",
    )
    clean.set_defaults(handler=cmd_clean)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except RulesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def cmd_clean(args: argparse.Namespace) -> int:
    cleaner = Cleaner.from_files(args.rules)
    errors = 0
    for result in cleaner.clean_all(read_paths(args.paths)):
        if isinstance(result, ReadError):
            errors += 1
            print(f"error: {result}", file=sys.stderr)
        elif args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            print(summarize(result))
    return 1 if errors else 0


def summarize(article: Article) -> str:
    where = article.source_file + (f":{article.line}" if article.line is not None else "")
    removed = Counter(r.category for r in article.removed)
    by_category = ", ".join(f"{name} {count}" for name, count in sorted(removed.items())) or "nothing"
    lines = [
        f"{where}",
        f"  title:      {article.title or '-'}",
        f"  published:  {article.published or '-'}   authors: {', '.join(article.authors) or '-'}",
        f"  paragraphs: {len(article.paragraphs)} kept; removed: {by_category}; captions: {len(article.captions)}",
    ]
    return "\n".join(lines)
