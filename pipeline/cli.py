"""Command line: `python -m pipeline COMMAND ...` (see --help)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.clean.cleaner import Cleaner
from pipeline.clean.rules import RulesError
from pipeline.core.document import Article
from pipeline.core.settings import SETTINGS_ENV, Settings, load_settings
from pipeline.ingest.readers import ReadError, read_input


class _VersionAction(argparse.Action):
    """--version: the installed package's version, looked up only when asked for."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:  # fmt: skip
        from pipeline import __version__

        print(f"newsclean-pipeline {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        # the installed console script is `newsclean`; `python -m pipeline` runs the same main()
        prog="newsclean" if Path(sys.argv[0]).name == "newsclean" else "python -m pipeline",
        description="Clean raw news-article dumps (.txt, .html, .jsonl and .gz of each) into audited articles.",
    )
    parser.add_argument("--version", action=_VersionAction, help="print the installed version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    clean = commands.add_parser("clean", help="clean files or folders and print the articles")
    clean.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="input files or folders: local paths or fsspec URLs (s3://bucket/prefix/, gs://..., az://...)",
    )
    clean.add_argument(
        "--json",
        action="store_true",
        help='one JSON object per article per line (with "steps": removals per cleaning step)',
    )
    add_rules_option(clean)
    add_settings_option(clean)
    clean.set_defaults(handler=cmd_clean)

    run = commands.add_parser("run", help="clean a folder of dumps and publish it as one batch in PostgreSQL")
    run.add_argument(
        "--input",
        required=True,
        metavar="DIR_OR_URL",
        help="the batch folder (or one file): a local path or an fsspec URL (s3://bucket/raw/2024-11-05/)",
    )
    run.add_argument("--batch", required=True, metavar="ID", help="batch id, e.g. the date 2024-03-14")
    add_rules_option(run)
    add_settings_option(run)
    add_workers_option(run)
    run.add_argument("--json", action="store_true", help="print the batch report as JSON")
    run.add_argument(
        "--keep-non-articles",
        action="store_true",
        help="store the pages judged not articles (listings, section fronts, ...) with their page_type instead of "
        "rejecting them (default: settings page_types.keep_non_articles)",
    )
    run.set_defaults(handler=cmd_run)

    backfill = commands.add_parser("backfill", help="run each day's batch RAW_DIR/<date>/ from one date to another")
    backfill.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD")
    backfill.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD")
    backfill.add_argument(
        "--raw-dir",
        default=None,
        metavar="DIR_OR_URL",
        help="folder or fsspec URL (s3://bucket/raw) with one sub-folder per date (default: $ARTICLES_RAW_DIR)",
    )
    add_rules_option(backfill)
    add_settings_option(backfill)
    add_workers_option(backfill)
    backfill.add_argument("--json", action="store_true", help="each day's batch report as one JSON object per line")
    backfill.set_defaults(handler=cmd_backfill)

    reprocess = commands.add_parser(
        "reprocess", help="re-clean published batches from their recorded inputs with the current rules and settings"
    )
    which = reprocess.add_mutually_exclusive_group(required=True)
    which.add_argument("--batch", default=None, metavar="ID", help="this batch")
    which.add_argument(
        "--since", default=None, type=iso_date, metavar="YYYY-MM-DD", help="the batches last run on or after this day"
    )
    which.add_argument(
        "--stale",
        action="store_true",
        help="the batches owning articles cleaned with other rules, settings or model data than these (their digest)",
    )
    add_rules_option(reprocess)
    add_settings_option(reprocess)
    add_workers_option(reprocess)
    reprocess.add_argument("--json", action="store_true", help="each batch's outcome as one JSON object per line")
    reprocess.set_defaults(handler=cmd_reprocess)

    report = commands.add_parser("report", help="print the report of a published batch from the database")
    report.add_argument("--batch", required=True, metavar="ID")
    report.add_argument(
        "--html",
        default=None,
        metavar="FILE_OR_URL",
        help="write the report as one self-contained HTML page (charts, trend, articles) instead of printing it; "
        "a local path or an fsspec URL (s3://bucket/reports/2024-11-05.html)",
    )
    report.add_argument(
        "--last", type=positive_int, default=14, metavar="N", help="batches in the HTML page's trend (default: 14)"
    )
    report.add_argument(
        "--articles",
        type=positive_int,
        default=200,
        metavar="N",
        help="articles with the highest removal ratio shown in the HTML page, besides the quarantined (default: 200)",
    )
    add_output_options(report, csv=True)
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
    add_output_options(query, csv=True)
    query.set_defaults(handler=cmd_query)

    evaluate = commands.add_parser("eval", help="score the cleaner on labelled pages (gold bodies or snippets)")
    evaluate.add_argument(
        "--gold-dir",
        required=True,
        metavar="DIR_OR_URL",
        help="folder (or fsspec URL) of <id>.<input> pages with <id>.gold.txt and/or <id>.snippets.json, "
        "or a WCXB folder (html/ + ground-truth/)",
    )
    evaluate.add_argument(
        "--input",
        action="append",
        default=[],
        metavar="KIND",
        help="html | extracted | dump, or a file suffix such as .txt; repeatable (default: html). A WCXB folder "
        "(html/ + ground-truth/) is scored per page type, its text forms made from each page",
    )
    add_rules_option(evaluate)
    add_settings_option(evaluate)
    evaluate.add_argument(
        "--metadata",
        action="store_true",
        help="score headline / published date / authors instead of bodies, beside trafilatura's: a "
        "WCXB-shaped --gold-dir (html/, ground-truth/), or inputs with --expected",
    )
    evaluate.add_argument(
        "--expected", type=Path, default=None, metavar="DIR", help="with --metadata: <name>.json per input"
    )
    evaluate.add_argument("--no-peer", action="store_true", help="with --metadata: leave trafilatura out")
    evaluate.add_argument("--json", action="store_true", help="one JSON object per input")
    evaluate.set_defaults(handler=cmd_eval)

    learned = commands.add_parser("learned", help="boilerplate learned per source: list, veto")
    learned_commands = learned.add_subparsers(dest="learned_command", required=True, metavar="LEARNED_COMMAND")
    learned_list = learned_commands.add_parser("list", help="learned lines with their counts")
    learned_list.add_argument("--source", default=None)
    add_output_options(learned_list, csv=True)
    learned_list.set_defaults(handler=cmd_learned_list)
    learned_veto = learned_commands.add_parser("veto", help="never remove this learned line again")
    learned_veto.add_argument("--source", required=True)
    learned_veto.add_argument("--hash", required=True, type=int, dest="line_hash", help="as printed by list")
    learned_veto.add_argument("--note", default=None)
    learned_veto.set_defaults(handler=cmd_learned_veto)

    quarantine = commands.add_parser("quarantine", help="articles held back for review: list, release, drop")
    quarantine_commands = quarantine.add_subparsers(dest="quarantine_command", required=True, metavar="COMMAND")
    quarantine_list = quarantine_commands.add_parser("list", help="quarantined articles with their reasons")
    quarantine_list.add_argument("--batch", default=None, metavar="ID")
    add_output_options(quarantine_list, csv=True)
    quarantine_list.set_defaults(handler=cmd_quarantine_list)
    for name, help_text in (
        ("release", "publish a quarantined article (kept published on reruns while unchanged)"),
        ("drop", "delete a quarantined article; its input is recorded as rejected"),
    ):
        decide = quarantine_commands.add_parser(name, help=help_text)
        decide.add_argument("article_id", type=int, metavar="ID", help="articles.article_id, as listed")
        decide.add_argument("--note", default=None, help="why, in your words (kept with the decision)")
        decide.set_defaults(handler=cmd_quarantine_decide, decision=name)

    versions = commands.add_parser("versions", help="an article's versions, oldest first, with a word diff")
    versions.add_argument("article_id", type=int, metavar="ARTICLE_ID")
    add_output_options(versions)
    versions.set_defaults(handler=cmd_versions)

    db = commands.add_parser("db", help="database: migrate, url, psql")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    db_migrate = db_commands.add_parser("migrate", help="apply pending migrations from sql/migrations")
    add_output_options(db_migrate)
    db_migrate.set_defaults(handler=cmd_db_migrate)
    db_url = db_commands.add_parser("url", help="print the database URL (password hidden unless --show-password)")
    db_url.add_argument("--show-password", action="store_true")
    add_output_options(db_url)
    db_url.set_defaults(handler=cmd_db_url)
    db_psql = db_commands.add_parser(
        "psql", help="open psql on the database; every argument after 'psql' goes to psql (e.g. -c 'select 1')"
    )
    db_psql.set_defaults(handler=cmd_db_psql, psql_args=[])
    return parser


def add_output_options(parser: argparse.ArgumentParser, csv: bool = False) -> None:
    """--json (one JSON object per line) and, for tables, --csv (a header row, then the rows)."""
    formats = parser.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="one JSON object per line")
    if csv:
        formats.add_argument("--csv", action="store_true", help="CSV with a header row")


def emit(columns: list[str], rows: list[tuple[Any, ...]], args: argparse.Namespace) -> None:
    """Rows as a psql-like table, JSON lines (--json) or CSV (--csv) on stdout."""
    if getattr(args, "json", False):
        for row in rows:
            print(json.dumps(dict(zip(columns, row, strict=True)), default=str, ensure_ascii=False))
    elif getattr(args, "csv", False):
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    else:
        from pipeline.store.queries import render_table

        print(render_table(columns, rows))


def add_rules_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="FILE_OR_URL",
        help="extra rules file (YAML, same format as pipeline/data/rules.yaml), a path or an fsspec URL; repeatable",
    )


def add_settings_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--settings",
        default=None,
        metavar="FILE_OR_URL",
        help=f"thresholds to change (YAML: sections and keys of pipeline/data/settings.yaml), a path or an fsspec URL; "
        f"default: the file named by ${SETTINGS_ENV}, if any",
    )


def use_settings(args: argparse.Namespace) -> Settings:
    """The settings for this command, checked now (a bad file is a usage error before any work);
    a --settings file is also exported as $NEWSCLEAN_SETTINGS, so that worker processes and the
    publish step read the same file."""
    settings = load_settings(args.settings)
    if args.settings is not None:
        os.environ[SETTINGS_ENV] = _absolute(args.settings)
    return settings


def _absolute(location: str) -> str:
    """A local path made absolute (workers may start elsewhere); a URL as given (a Path would fold its //)."""
    from pipeline.ingest.storage import is_remote

    return location if is_remote(location) else str(Path(location).resolve())


def _check_location(location: str, what: str, folder: bool = False, hint: str = "") -> None:
    """A usage error (exit 2) naming the location when it does not exist (a missing file, folder,
    bucket or prefix) or, with `folder`, is not a folder. The message is redacted (no credentials
    in a URL's user-info or query)."""
    from pipeline.ingest import storage

    if storage.is_dir(location) if folder else storage.exists(location):
        return
    problem = "not a folder" if folder and storage.exists(location) else f"no such {what}"
    raise LocationError(f"{storage.redact(location)}: {problem}{hint}")


class LocationError(LookupError):
    """A location option names nothing (exit status 2)."""


def add_workers_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="processes cleaning the batch's shards in parallel (default: the number of CPUs)",
    )


DEBUG_ENV = "NEWSCLEAN_DEBUG"


def main(argv: list[str] | None = None) -> int:
    """Exit status: 0 done; 1 the work failed (a batch that loaded nothing, a database error, a
    file that could not be read by `clean`); 2 a usage error (bad arguments, batch id, rules file,
    unknown query). Errors are one line on stderr; NEWSCLEAN_DEBUG=1 adds the traceback."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    passthrough: list[str] = []
    if argv[:2] == ["db", "psql"]:  # psql's own options (-c, -f, -A ...) are not ours to parse
        argv, passthrough = argv[:2], argv[2:]
    args = parser.parse_args(argv)
    if passthrough:
        args.psql_args = passthrough
    try:
        return int(args.handler(args))
    except (RulesError, ValueError, LookupError) as exc:  # BatchIdError, SettingsError are ValueErrors
        return _error(exc, 2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _reader_gone()
    except Exception as exc:
        return _error(exc, 1)


def _reader_gone() -> int:
    """The program reading our output stopped (`... | head`): not an error to report. Python would
    fail again flushing stdout at exit, so stdout goes to /dev/null; the status is a shell's for a
    command ended by SIGPIPE, as `yes | head` gives."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 128 + 13


def _error(exc: BaseException, status: int) -> int:
    import os

    if os.environ.get(DEBUG_ENV):
        import traceback

        traceback.print_exception(exc)
    message = " ".join(str(exc).split()) or type(exc).__name__
    kind = "" if isinstance(exc, (RulesError, ValueError, LookupError, OSError)) else f"{type(exc).__name__}: "
    print(f"error: {kind}{without_secrets(message)}", file=sys.stderr)
    return status


def without_secrets(message: str) -> str:
    """Every message a command prints about a failure: the database URL's password (in any form it
    was given) and URL user-info or secret query values hidden."""
    from pipeline.ingest.storage import redact
    from pipeline.store.db import scrub

    return scrub(redact(message))


def cmd_clean(args: argparse.Namespace) -> int:
    from pipeline.ingest.storage import StorageError, list_inputs

    cleaner = Cleaner.from_files(args.rules, settings=use_settings(args))
    errors = missing = listed = 0
    for root in args.paths:
        try:
            inputs = list_inputs(root)
            listed += 1
        except OSError as exc:  # missing file, folder, bucket or prefix; storage failure (message redacted)
            missing += isinstance(exc, FileNotFoundError)
            errors += not isinstance(exc, FileNotFoundError)
            print(f"error: {exc}", file=sys.stderr)
            continue
        for found in inputs:
            try:
                for result in cleaner.clean_all(read_input(found)):
                    if isinstance(result, ReadError):
                        errors += 1
                        print(f"error: {result}", file=sys.stderr)
                    elif args.json:
                        # "steps": the removals each cleaning step recorded (they add up to "removed")
                        print(json.dumps({**result.to_json(), "steps": result.removed_by_step}, ensure_ascii=False))
                    else:
                        print(summarize(result))
            except StorageError as exc:
                errors += 1
                print(f"error: {exc}", file=sys.stderr)
    # Nothing given names anything: a usage error, as in the other commands. Some did: the missing
    # ones are reported like a file that could not be read.
    if missing and not listed:
        return 2
    return 1 if errors or missing else 0


def _engine(settings: Settings | None = None) -> Any:
    """The engine of the database commands; `settings`: the command's own, when it read them (an
    embedded server starts with their embedded_server section; None: read there)."""
    from pipeline.run.tasks import engine_for  # imported here: only the database commands need it

    return engine_for(settings=settings)


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.report.summary import load_report
    from pipeline.run.batch_ids import BatchIdError, validate_batch_id
    from pipeline.run.flow import BatchError, default_workers
    from pipeline.run.runner import run_batch

    try:
        validate_batch_id(args.batch)
    except BatchIdError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _check_location(args.input, "file, folder, bucket or prefix")
    settings = use_settings(args)
    Cleaner.from_files(args.rules, settings=settings)  # bad rules or settings fail here, before the batch
    engine = _engine(settings)
    try:
        report = run_batch(
            engine, args.input, args.batch, args.rules, progress=sys.stderr.isatty(),
            workers=args.workers or default_workers(), keep_non_articles=args.keep_non_articles,
        )  # fmt: skip
    except BatchError as exc:
        print(f"error: {without_secrets(str(exc))}", file=sys.stderr)
        try:
            report = load_report(engine, args.batch)
        except LookupError:
            return 1
        print(json.dumps(report.to_json()) if args.json else report.render())
        return 1
    print(json.dumps(report.to_json()) if args.json else report.render())
    return 0


def cmd_backfill(args: argparse.Namespace) -> int:
    import os

    from pipeline.run.flow import default_workers
    from pipeline.run.runner import backfill
    from pipeline.run.tasks import ENV_RAW_DIR

    raw_dir = args.raw_dir or os.environ.get(ENV_RAW_DIR)
    if raw_dir is None:
        print("error: give --raw-dir or set ARTICLES_RAW_DIR", file=sys.stderr)
        return 2
    # else every day would be "skipped" and the command exit 0
    _check_location(raw_dir, "folder", folder=True, hint=" (the raw dir holds one folder per day)")
    settings = use_settings(args)
    Cleaner.from_files(args.rules, settings=settings)
    failed = 0
    outcomes = backfill(
        _engine(settings), raw_dir, args.first, args.last, args.rules, args.workers or default_workers(),
        progress=sys.stderr.isatty(),
    )  # fmt: skip
    for day, outcome in outcomes:
        failed += isinstance(outcome, str) and "failed" in outcome
        if args.json:
            print(json.dumps({"batch_id": day, "outcome": outcome} if isinstance(outcome, str) else outcome.to_json()))
        else:
            print(f"{day}: {outcome}" if isinstance(outcome, str) else outcome.render())
    return 1 if failed else 0


def iso_date(text: str) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def cmd_reprocess(args: argparse.Namespace) -> int:
    """Re-clean the chosen batches through the run's own steps; a batch whose recorded inputs cannot
    all be read is reported (each input with the reason) and left as it is, and the others go on."""
    from pipeline.run.flow import default_workers
    from pipeline.run.reprocess import batches_to_reprocess, current_digest, reprocess

    settings = use_settings(args)
    Cleaner.from_files(args.rules, settings=settings)  # bad rules or settings fail here, before any batch
    engine = _engine(settings)
    digest = current_digest(args.rules, settings)
    batch_ids = batches_to_reprocess(engine, args.batch, args.since, digest if args.stale else None)
    if not batch_ids:
        print(f"nothing to reprocess (digest {digest[:12]})", file=sys.stderr)
        return 0
    failed = 0
    for outcome in reprocess(engine, batch_ids, args.rules, args.workers or default_workers()):
        failed += bool(outcome.problems)
        for problem in outcome.problems:
            print(f"error: batch {outcome.batch_id}: {without_secrets(problem)}", file=sys.stderr)
        if args.json:
            report = outcome.report.to_json() if outcome.report else None
            print(json.dumps({"batch_id": outcome.batch_id, "reprocessed": report is not None, "report": report,
                              "problems": [without_secrets(p) for p in outcome.problems]}))  # fmt: skip
        elif outcome.report:
            print(outcome.report.render())
        else:
            print(f"{outcome.batch_id}: left as it is (inputs not readable)")
    return 1 if failed else 0


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.report.summary import load_report

    if args.html is not None:
        print(f"wrote {_write_html(args)}")
        return 0
    report = load_report(_engine(), args.batch)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    elif args.csv:
        row = report.to_row()
        emit(list(row), [tuple(row.values())], args)
    else:
        print(report.render())
    return 0


def _write_html(args: argparse.Namespace) -> str:
    """The report page at a local path, or written to a temp file and uploaded to a URL; where."""
    import tempfile

    from pipeline.ingest import storage
    from pipeline.report.html_page import write_html_report

    if not storage.is_remote(args.html):
        return str(write_html_report(_engine(), args.batch, args.html, last=args.last, top=args.articles))
    with tempfile.TemporaryDirectory() as tmp:
        page = write_html_report(_engine(), args.batch, Path(tmp) / "report.html", last=args.last, top=args.articles)
        storage.put_file(page, args.html)
    return storage.redact_url(args.html)


def cmd_query(args: argparse.Namespace) -> int:
    from pipeline.store.queries import resolve, run_query

    variables = dict(v.split("=", 1) for v in args.var if "=" in v)
    try:
        path = resolve(args.query)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    columns, rows = run_query(_engine(), path, variables)
    emit(columns, rows, args)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    import tempfile

    from pipeline.evaluation.scores import evaluate
    from pipeline.evaluation.wcxb import is_wcxb_folder
    from pipeline.ingest import storage

    cleaner = Cleaner.from_files(args.rules, settings=use_settings(args))
    _check_location(args.gold_dir, "folder, bucket or prefix")
    with tempfile.TemporaryDirectory() as tmp:
        # labelled pages are few and each is read twice or more: a URL's folder is fetched once
        remote = storage.is_remote(args.gold_dir)
        gold_dir = storage.fetch_folder(args.gold_dir, Path(tmp)) if remote else Path(args.gold_dir)
        if args.metadata:
            return _eval_metadata(args, cleaner, gold_dir)
        if is_wcxb_folder(gold_dir):
            return _eval_wcxb(args, cleaner, gold_dir)
        results = [evaluate(gold_dir, kind, cleaner) for kind in args.input or ["html"]]
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
        if r.held_back:
            print(f"{'':12}   held back as not articles (scored as empty): {r.held_back} pages")
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


def _eval_wcxb(args: argparse.Namespace, cleaner: Cleaner, gold_dir: Path) -> int:
    """A WCXB-style folder (html/ + ground-truth/): word-bag F1 and snippet rates, per page type."""
    from pipeline.evaluation.wcxb import FIGURES, FORMS, evaluate_wcxb

    unknown = [kind for kind in args.input if kind not in FORMS]
    if unknown:
        print(f"error: --input {unknown[0]}: a WCXB folder is scored as one of {', '.join(FORMS)}", file=sys.stderr)
        return 2
    results = [evaluate_wcxb(gold_dir, kind, cleaner) for kind in args.input or ["html"]]
    if args.json:
        for result in results:
            print(json.dumps(result.to_json()))
        return 0
    print("word-bag F1 / P / R (the benchmark's evaluate.py) and with / without snippet rates, per page type;")
    print("text forms: the cleaner's figure, then (in brackets) the text form as is, uncleaned")
    print("held back: the share of pages judged not articles, which the pipeline rejects (scored as empty)")
    print(f"{'input':<10} {'page type':<14} {'pages':>5}  {'F1':<15} {'P':<15} {'R':<15} {'with':<15} {'without':<15} "
          f"{'held back':<15}")  # fmt: skip
    for r in results:
        overall = {"pages": r.pages} | {name: getattr(r, name) for name in FIGURES}
        for page_type, figures in [("all", overall), *r.by_type.items()]:
            raw = r.as_is.get(page_type) if r.as_is else None
            cells = "".join(f"{_figure(figures.get(name), raw, name):<16}" for name in FIGURES)
            print(f"{r.input:<10} {page_type:<14} {figures['pages'] or 0:>5.0f}  {cells.rstrip()}")
        print(f"{'':10} {r.pages_per_s:.1f} pages/s")
    return 0


def _eval_metadata(args: argparse.Namespace, cleaner: Cleaner, gold_dir: Path) -> int:
    from pipeline.evaluation.metadata import FIELDS, evaluate_metadata, expected_pages, wcxb_pages

    if args.expected is not None:
        pages = list(expected_pages(gold_dir, args.expected))
    elif (gold_dir / "ground-truth").is_dir():
        pages = list(wcxb_pages(gold_dir))
    else:
        print(f"error: {args.gold_dir}: no ground-truth/ folder; give --expected DIR", file=sys.stderr)
        return 2
    result = evaluate_metadata(pages, cleaner, peer=not args.no_peer)
    if args.json:
        print(json.dumps(result.to_json()))
        return 0
    labelled = ", ".join(f"{name} {count}" for name, count in result.labelled.items())
    print(f"{result.pages} pages (labelled: {labelled}); halves A / B split by a hash of the page id")
    print(f"{'extractor':<12} {'part':<5} " + " ".join(f"{name:>10}" for name in FIELDS))
    for extractor, parts in result.figures.items():
        for part, figures in parts.items():
            cells = " ".join(f"{'-' if v is None else f'{v:.3f}':>10}" for v in figures.values())
            print(f"{extractor:<12} {part:<5} {cells}")
    return 0


def _figure(value: float | None, as_is: dict[str, float | None] | None, key: str) -> str:
    if value is None:
        return "-"
    raw = as_is.get(key) if as_is else None
    return f"{value:.3f}" + (f" ({raw:.3f})" if raw is not None else "")


def cmd_learned_list(args: argparse.Namespace) -> int:
    from pipeline.store.line_stats import learned_rules

    rows = learned_rules(_engine(), source=args.source)
    emit(["source", "hash", "articles", "of", "line"], [tuple(r) for r in rows], args)
    return 0


def cmd_learned_veto(args: argparse.Namespace) -> int:
    from pipeline.store.line_stats import veto_learned

    veto_learned(_engine(), args.source, args.line_hash, args.note)
    print(f"vetoed {args.line_hash} for {args.source}: rerun a batch to bring the line back into its articles")
    return 0


def cmd_quarantine_list(args: argparse.Namespace) -> int:
    from pipeline.store.quarantine import COLUMNS, list_quarantined

    emit(COLUMNS, list_quarantined(_engine(), args.batch), args)
    return 0


def cmd_quarantine_decide(args: argparse.Namespace) -> int:
    from pipeline.store import quarantine

    decide = quarantine.release if args.decision == "release" else quarantine.drop
    try:
        batch = decide(_engine(), args.article_id, args.note)
    except quarantine.NotQuarantined as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    done = "released (published)" if args.decision == "release" else "dropped (its input is recorded as rejected)"
    print(f"article {args.article_id} of batch {batch}: {done}")
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    """Exit status 1 when the article does not exist."""
    from pipeline.report.versions import render_versions
    from pipeline.store.versions import load_versions

    found = load_versions(_engine(), args.article_id)
    if args.json:
        for version in found:
            print(json.dumps(version.__dict__, default=str, ensure_ascii=False))
    else:
        for line in render_versions(args.article_id, found):
            print(line)
    return 0 if found else 1


def cmd_db_migrate(args: argparse.Namespace) -> int:
    from pipeline.store.db import create_engine, database_url, redact
    from pipeline.store.migrate import migrate

    url = database_url()
    applied = migrate(create_engine(url))
    if args.json:
        print(json.dumps({"url": redact(url), "applied": applied}))
    else:
        print(f"{redact(url)}: " + (f"applied {', '.join(applied)}" if applied else "schema up to date"))
    return 0


def cmd_db_url(args: argparse.Namespace) -> int:
    from pipeline.store.db import database_url, redact

    url = database_url()
    shown = url.render_as_string(hide_password=False) if args.show_password else redact(url)
    print(json.dumps({"url": shown}) if args.json else shown)
    return 0


def cmd_db_psql(args: argparse.Namespace) -> int:
    import os
    import shutil

    from pipeline.store.db import database_url, password_of, psql_args

    url = database_url()
    if shutil.which("psql") is None:
        print("error: psql is not installed (e.g. apt-get install postgresql-client)", file=sys.stderr)
        return 2
    env = dict(os.environ)
    password = password_of(url)
    if password:
        env["PGPASSWORD"] = password
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
