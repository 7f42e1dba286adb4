"""Run the named example queries of sql/queries/ (psql-style :'name' variables) and print tables."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pipeline.store.sql import sql_dir

QUERIES_DIR = sql_dir("queries")
_PSQL_VARIABLE = re.compile(r":'(\w+)'")


def resolve(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.exists():
        return path
    named = QUERIES_DIR / f"{name_or_path.removesuffix('.sql')}.sql"
    if named.exists():
        return named
    known = ", ".join(sorted(p.stem for p in QUERIES_DIR.glob("*.sql")))
    raise FileNotFoundError(f"no query {name_or_path!r} (known: {known})")


def run_query(engine: sa.Engine, path: Path, variables: dict[str, str]) -> tuple[list[str], list[tuple[Any, ...]]]:
    sql = path.read_text(encoding="utf-8")
    missing = sorted(set(_PSQL_VARIABLE.findall(sql)) - set(variables))
    if missing:
        raise ValueError(f"{path.name} needs --var {' --var '.join(f'{m}=...' for m in missing)}")
    with engine.connect() as connection:
        result = connection.execute(sa.text(_PSQL_VARIABLE.sub(r":\1", sql)), variables)
        return list(result.keys()), [tuple(row) for row in result]


def render_table(columns: list[str], rows: list[tuple[Any, ...]], max_width: int = 60) -> str:
    """A psql-like table."""

    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)
