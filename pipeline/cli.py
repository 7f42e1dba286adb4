"""Command line: `python -m pipeline COMMAND ...` (see --help)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

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
    add_rules_option(clean)
    clean.set_defaults(handler=cmd_clean)

    run = commands.add_parser("run", help="clean a folder of dumps and publish it as one batch in PostgreSQL")
    run.add_argument("--input", required=True, type=Path, metavar="DIR", help="the batch folder (or one file)")
    run.add_argument("--batch", required=True, metavar="ID", help="batch id, e.g. the date 2024-03-14")
    add_rules_option(run)
    add_workers_option(run)
    run.add_argument("--json", action="store_true", help="print the batch report as JSON")
    run.set_defaults(handler=cmd_run)

    backfill = commands.add_parser("backfill", help="run each day's batch RAW_DIR/<date>/ from one date to another")
    backfill.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD")
    backfill.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD")
    backfill.add_argument(
        "--raw-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder holding one sub-folder per date (default: $ARTICLES_RAW_DIR)",
    )
    add_rules_option(backfill)
    add_workers_option(backfill)
    backfill.set_defaults(handler=cmd_backfill)

    report = commands.add_parser("report", help="print the report of a published batch from the database")
    report.add_argument("--batch", required=True, metavar="ID")
    report.set_defaults(handler=cmd_report)

    query = commands.add_parser("query", help="run a named query of sql/queries/ (or a .sql file) and print it")
    query.add_argument("query", metavar="NAME_OR_FILE", help="e.g. full_text_search")
    query.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="value for a psql-style :'NAME' variable in the query; repeatable",
    )
    query.set_defaults(handler=cmd_query)

    evaluate = commands.add_parser("eval", help="score the cleaner on labelled pages (gold bodies or snippets)")
    evaluate.add_argument(
        "--gold-dir",
        required=True,
        type=Path,
        metavar="DIR",
        help="folder of <id>.<input> pages with <id>.gold.txt and/or <id>.snippets.json",
    )
    evaluate.add_argument(
        "--input",
        action="append",
        default=[],
        metavar="KIND",
        help="html | extracted | dump, or a file suffix such as .txt; repeatable (default: html)",
    )
    add_rules_option(evaluate)
    evaluate.add_argument("--json", action="store_true", help="one JSON object per input")
    evaluate.set_defaults(handler=cmd_eval)

    learned = commands.add_parser("learned", help="boilerplate learned per source: list, veto")
    learned_commands = learned.add_subparsers(dest="learned_command", required=True, metavar="LEARNED_COMMAND")
    learned_list = learned_commands.add_parser("list", help="learned lines with their counts")
    learned_list.add_argument("--source", default=None)
    learned_list.set_defaults(handler=cmd_learned_list)
    learned_veto = learned_commands.add_parser("veto", help="never remove this learned line again")
    learned_veto.add_argument("--source", required=True)
    learned_veto.add_argument("--hash", required=True, type=int, dest="line_hash", help="as printed by list")
    learned_veto.add_argument("--note", default=None)
    learned_veto.set_defaults(handler=cmd_learned_veto)

    db = commands.add_parser("db", help="database: migrate, url, psql")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    db_commands.add_parser("migrate", help="apply pending migrations from sql/migrations").set_defaults(
        handler=cmd_db_migrate
    )
    db_url = db_commands.add_parser("url", help="print the database URL (password hidden unless --show-password)")
    db_url.add_argument("--show-password", action="store_true")
    db_url.set_defaults(handler=cmd_db_url)
    db_psql = db_commands.add_parser("psql", help="open psql on the database; extra arguments go to psql")
    db_psql.add_argument("psql_args", nargs=argparse.REMAINDER)
    db_psql.set_defaults(handler=cmd_db_psql)
    return parser


def add_rules_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="extra rules file (YAML, same format as pipeline/data/rules.yaml); repeatable",
    )


def add_workers_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="processes cleaning the batch's shards in parallel (default: the number of CPUs)",
    )


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


def _engine() -> Any:
    from .tasks import engine_for  # imported here: only the database commands need it

    return engine_for()


def cmd_run(args: argparse.Namespace) -> int:
    from .batch import default_workers, run_batch

    if not args.input.exists():
        print(f"error: {args.input}: no such file or folder", file=sys.stderr)
        return 2
    Cleaner.from_files(args.rules)  # a bad rules file fails here, before the batch is opened
    report = run_batch(
        _engine(),
        args.input,
        args.batch,
        args.rules,
        progress=sys.stderr.isatty(),
        workers=args.workers or default_workers(),
    )
    print(json.dumps(report.to_json()) if args.json else report.render())
    return 0


def cmd_backfill(args: argparse.Namespace) -> int:
    import os

    from .batch import backfill, default_workers
    from .tasks import ENV_RAW_DIR

    raw_dir = args.raw_dir or (Path(os.environ[ENV_RAW_DIR]) if os.environ.get(ENV_RAW_DIR) else None)
    if raw_dir is None:
        print("error: give --raw-dir or set ARTICLES_RAW_DIR", file=sys.stderr)
        return 2
    try:
        Cleaner.from_files(args.rules)
        for outcome in backfill(
            _engine(), raw_dir, args.first, args.last, args.rules, args.workers or default_workers()
        ):
            print(outcome if isinstance(outcome, str) else outcome.render())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .batch import load_report

    try:
        print(load_report(_engine(), args.batch).render())
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from .queries import render_table, resolve, run_query

    variables = dict(v.split("=", 1) for v in args.var if "=" in v)
    try:
        path = resolve(args.query)
        columns, rows = run_query(_engine(), path, variables)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(render_table(columns, rows))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation import evaluate

    cleaner = Cleaner.from_files(args.rules)
    results = [evaluate(args.gold_dir, kind, cleaner) for kind in args.input or ["html"]]
    if args.json:
        for result in results:
            print(json.dumps(result.to_json()))
        return 0
    print("each figure: the cleaner's, then (in brackets) the input file as is, uncleaned")
    print(f"{'input':<12} {'pages':>5}  {'F1':<15} {'P':<15} {'R':<15} {'keep':<17} {'drop':<17} {'pages/s':>8}")
    for r in results:
        cells = [
            _figure(r.f1, r.as_is, "f1"),
            _figure(r.precision, r.as_is, "precision"),
            _figure(r.recall, r.as_is, "recall"),
            _figure(r.snippets_kept, r.as_is, "snippets_kept"),
            _figure(r.snippets_dropped, r.as_is, "snippets_dropped"),
        ]
        print(
            f"{r.input:<12} {r.pages:>5}  {cells[0]:<15} {cells[1]:<15} {cells[2]:<15} {cells[3]:<17} "
            f"{cells[4]:<17} {r.pages_per_s:>8.1f}"
        )
        for page in r.worst:
            print(
                f"{'':12}   worst: {page['page'][:24]}  F1 {page['f1']:.3f}  P {page['precision']:.3f}  "
                f"R {page['recall']:.3f}"
            )
        for page in r.worst_snippets:
            print(
                f"{'':12}   worst: {page['page'][:24]}  keep snippets missed {page['keep_missed']}, "
                f"drop snippets left {page['drop_missed']}"
            )
    return 0


def _figure(value: float | None, as_is: dict[str, float | None] | None, key: str) -> str:
    if value is None:
        return "-"
    raw = as_is.get(key) if as_is else None
    return f"{value:.3f}" + (f" ({raw:.3f})" if raw is not None else "")


def cmd_learned_list(args: argparse.Namespace) -> int:
    from .queries import render_table
    from .store import learned_rules

    rows = learned_rules(_engine(), source=args.source)
    print(render_table(["source", "hash", "articles", "of", "line"], [tuple(r) for r in rows]))
    return 0


def cmd_learned_veto(args: argparse.Namespace) -> int:
    from .store import veto_learned

    veto_learned(_engine(), args.source, args.line_hash, args.note)
    print(f"vetoed {args.line_hash} for {args.source}: rerun a batch to bring the line back into its articles")
    return 0


def cmd_db_migrate(args: argparse.Namespace) -> int:
    from .db import create_engine, database_url, redact
    from .migrate import migrate

    url = database_url()
    applied = migrate(create_engine(url))
    print(f"{redact(url)}: " + (f"applied {', '.join(applied)}" if applied else "schema up to date"))
    return 0


def cmd_db_url(args: argparse.Namespace) -> int:
    from .db import database_url, redact

    url = database_url()
    print(url.render_as_string(hide_password=False) if args.show_password else redact(url))
    return 0


def cmd_db_psql(args: argparse.Namespace) -> int:
    import os
    import shutil

    from .db import database_url, psql_args

    url = database_url()
    if shutil.which("psql") is None:
        print("error: psql is not installed (e.g. apt-get install postgresql-client)", file=sys.stderr)
        return 2
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    os.execvpe("psql", [*psql_args(url), *args.psql_args], env)


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
