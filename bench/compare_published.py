"""Are two versions of the code publishing the same corpus? Each version runs the same batch
folders, in order, through `pipeline run` into a fresh database, and every public table is dumped
and compared row by row.

Usage: python bench/compare_published.py --base /work/wt/base_x FOLDER [FOLDER ...] [--workers 2]

--base is a checkout of the other version (e.g. `git worktree add --detach ../base_x main`): its
runs get PYTHONPATH=BASE and BASE as their working directory; the other runs use this checkout.
Both run on the same server (DATABASE_URL when set, else the embedded one), in databases
newsclean_cmp_base and newsclean_cmp_new. Columns that hold the wall clock of a run (when a
batch started, when a row was loaded) are left out; everything else, ids included, must match.
Prints each table's rows and digest per version, and the first differing rows of a table that
differs; exits 1 when any table differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from pipeline.store.db import create_engine, embedded_url, normalize_url
from pipeline.store.migrate import migrate

ROOT = Path(__file__).resolve().parent.parent
# The wall clock of a run, not its output.
CLOCK_COLUMNS = {
    "articles": {"loaded_at"},
    "article_versions": {"loaded_at"},
    "batches": {"started_at", "finished_at", "timings"},
    "cleaning_configs": {"first_used"},
    "learned_vetoes": {"vetoed_at"},
    "quarantine_decisions": {"decided_at"},
    "rejected_inputs": {"rejected_at"},
    "schema_migrations": {"applied_at"},
}
SKIPPED_TABLES = {"staging_runs"}  # the runs' staging bookkeeping, dropped with each staging


def database_url(name: str) -> sa.URL:
    url = os.environ.get("DATABASE_URL")
    return normalize_url(url).set(database=name) if url else embedded_url(name)


def fresh_database(url: sa.URL) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
    migrate(engine)
    engine.dispose()


def run_batches(code_root: Path, url: sa.URL, folders: list[Path], workers: int) -> None:
    env = {**os.environ, "DATABASE_URL": url.render_as_string(hide_password=False)}
    if code_root != ROOT:
        env["PYTHONPATH"] = str(code_root)
    for number, folder in enumerate(folders):
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", "run", "--input", str(folder.resolve()), "--batch",
             f"cmp{number:03d}", "--workers", str(workers), "--json"],
            cwd=code_root, env=env, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"{code_root}: batch {folder} failed ({done.returncode}): {done.stderr[-2000:]}")
        report = json.loads(done.stdout)
        print(f"  {code_root.name}: {folder.name} -> {report['articles']} articles, {report['rejected']} rejected")


def table_rows(url: sa.URL) -> dict[str, list[str]]:
    """Every public table's rows as text, sorted, without the clock columns."""
    engine = create_engine(url)
    tables: dict[str, list[str]] = {}
    with engine.connect() as connection:
        names = connection.execute(
            sa.text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                " AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ).scalars()
        for name in [n for n in names if n not in SKIPPED_TABLES]:
            columns = connection.execute(
                sa.text(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
                    " AND table_name = :t ORDER BY ordinal_position"
                ),
                {"t": name},
            ).scalars()
            kept = [f'"{c}"' for c in columns if c not in CLOCK_COLUMNS.get(name, set())]
            query = f"SELECT t::text FROM (SELECT {', '.join(kept)} FROM {name}) t ORDER BY 1"
            tables[name] = list(connection.execute(sa.text(query)).scalars())
    engine.dispose()
    return tables


def digest(rows: list[str]) -> str:
    return hashlib.sha256("\n".join(rows).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def compare(base: dict[str, list[str]], new: dict[str, list[str]]) -> bool:
    same = True
    for name in sorted(set(base) | set(new)):
        old_rows, new_rows = base.get(name, []), new.get(name, [])
        equal = old_rows == new_rows
        same &= equal
        print(f"{name:28} base {len(old_rows):>8} rows {digest(old_rows)}  new {len(new_rows):>8} rows "
              f"{digest(new_rows)}  {'same' if equal else 'DIFFERENT'}")  # fmt: skip
        if not equal:
            only_old = sorted(set(old_rows) - set(new_rows))[:3]
            only_new = sorted(set(new_rows) - set(old_rows))[:3]
            print("    only in base: " + " | ".join(row[:300] for row in only_old))
            print("    only in new:  " + " | ".join(row[:300] for row in only_new))
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, required=True, help="a checkout of the other version")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("folders", type=Path, nargs="+", help="batch folders, run in this order")
    args = parser.parse_args()
    dumps = {}
    for label, code_root in (("base", args.base.resolve()), ("new", ROOT)):
        url = database_url(f"newsclean_cmp_{label}")
        fresh_database(url)
        run_batches(code_root, url, args.folders, args.workers)
        dumps[label] = table_rows(url)
    raise SystemExit(0 if compare(dumps["base"], dumps["new"]) else 1)


if __name__ == "__main__":
    main()
