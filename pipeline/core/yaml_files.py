"""Reading the YAML data files (rules, settings): one mapping at the top, errors naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def read_mapping(path: Path | str, error: type[ValueError], what: str, expected: str) -> dict[str, Any]:
    """The file's top-level mapping ({} for an empty file); `error` with the path otherwise. The
    file may be a local path or an fsspec URL (s3://bucket/rules.yaml), read with the storage
    library's own credentials."""
    try:
        data = yaml.safe_load(read_text(path))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:  # a binary file: not UTF-8
        raise error(f"{path}: cannot read {what}: {exc}") from exc
    except Exception as exc:  # a storage library's own error (network, credentials): say which file
        raise error(f"{path}: cannot read {what}: {type(exc).__name__}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise error(f"{path}: expected {expected} at the top")
    return data


def file_stamp(location: Path | str | None) -> tuple[int, int] | None:
    """(modification time in ns, size) of a local file, None for none or a URL: part of the key of
    a loaded-data cache, so that a long-lived worker reads a data file again once it is replaced
    (a URL's file is read once per process)."""
    if location is None or (isinstance(location, str) and "://" in location and not location.startswith("file://")):
        return None
    try:
        status = Path(str(location).removeprefix("file://")).stat()
    except OSError:
        return None  # the read that follows names the file and the error
    return status.st_mtime_ns, status.st_size


def read_text(location: Path | str) -> str:
    """A small UTF-8 file from a local path or an fsspec URL (a `Path` would fold the URL's //)."""
    if isinstance(location, str) and "://" in location and not location.startswith("file://"):
        import fsspec

        with fsspec.open(location, "rt", encoding="utf-8") as stream:
            return str(stream.read())
    return Path(str(location).removeprefix("file://")).read_text(encoding="utf-8")
