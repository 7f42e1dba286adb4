"""The store's SQL statements, one named file each under sql/store/ (shipped in the wheel as
pipeline/sql/store/), like the user-facing queries of sql/queries/."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def sql_dir(*parts: str) -> Path:
    """A folder of the project's sql/ tree (migrations, queries, store), editable or installed."""
    return Path(str(resources.files("pipeline").joinpath("sql", *parts)))


def statement(name: str) -> str:
    """The text of sql/store/<name>.sql."""
    path = sql_dir("store") / f"{name}.sql"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LookupError(f"no store statement {name!r} ({path})") from None
