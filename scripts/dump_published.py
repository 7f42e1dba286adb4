"""Every public table of a database as text, ordered, for diffing what two versions of the loader
published from the same input (a change meant to be pure speed must leave it byte-identical).

Usage: python scripts/dump_published.py [--url URL] > published.txt
       diff published_before.txt published_after.txt

Each table is printed as a header line and its rows in COPY text format, ordered by every column.
Left out: timestamps the load stamps with the clock (columns whose default is now(), and
articles.loaded_at, batches.started_at / finished_at, set to now() by the ledger and the publish)
and schema_migrations (a branch may add migrations). Ids are kept: the same inputs published the
same way get the same ids.
The URL defaults to DATABASE_URL, else the embedded server's newsclean database.
"""

from __future__ import annotations

import argparse
import io
import os
import sys

import sqlalchemy as sa

from pipeline.store.db import create_engine, database_url, raw_connection

SKIPPED_TABLES = {"schema_migrations"}
CLOCK_COLUMNS = {
    ("articles", "loaded_at"),
    ("article_versions", "loaded_at"),
    ("batches", "started_at"),
    ("batches", "finished_at"),
}
COLUMNS = """
SELECT c.table_name, c.column_name, coalesce(c.column_default, '') LIKE '%%now()%%' AS clock
FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
ORDER BY c.table_name, c.ordinal_position
"""


def dump_tables(url: sa.URL | str) -> str:
    engine = create_engine(sa.make_url(url) if isinstance(url, str) else url)
    out = io.StringIO()
    with raw_connection(engine) as connection, connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
        cursor.execute(COLUMNS)
        tables: dict[str, list[str]] = {}
        for table, column, clock in cursor.fetchall():
            if table not in SKIPPED_TABLES and not clock and (table, column) not in CLOCK_COLUMNS:
                tables.setdefault(table, []).append(column)
        for table, columns in sorted(tables.items()):
            quoted = ", ".join(f'"{c}"' for c in columns)
            order = ", ".join(str(n) for n in range(1, len(columns) + 1))
            out.write(f"## {table} ({quoted})\n")
            cursor.copy_expert(f"COPY (SELECT {quoted} FROM {table} ORDER BY {order}) TO STDOUT", _Text(out))
        connection.rollback()
    engine.dispose()
    return out.getvalue()


class _Text:
    """COPY TO writes bytes; the dump is text."""

    def __init__(self, out: io.StringIO) -> None:
        self.out = out

    def write(self, data: bytes | str) -> int:
        return self.out.write(data.decode("utf-8") if isinstance(data, bytes) else data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a SQLAlchemy PostgreSQL URL (default: DATABASE_URL, else the embedded server)")
    args = parser.parse_args()
    url = database_url(args.url or os.environ.get("DATABASE_URL"))
    sys.stdout.write(dump_tables(url))


if __name__ == "__main__":
    main()
