"""Reading the YAML data files (rules, settings): one mapping at the top, errors naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def read_mapping(path: Path | str, error: type[ValueError], what: str, expected: str) -> dict[str, Any]:
    """The file's top-level mapping ({} for an empty file); `error` with the path otherwise."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:  # a binary file: not UTF-8
        raise error(f"{path}: cannot read {what}: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise error(f"{path}: expected {expected} at the top")
    return data
