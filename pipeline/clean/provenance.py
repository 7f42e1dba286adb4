"""What cleaned an article: the package version and one digest of everything that decides the
cleaning besides the code.

The digest covers, found by walking the package rather than from a hand list (so that a model file
added later is covered without touching this module):
- every data file under pipeline/data/ and pipeline/clean/ (rules, bylines, a model's weights in
  any format, in any sub-folder), but the report page's own style and script, which no cleaning
  step reads (PRESENTATION_SUFFIXES), and settings.yaml, which the next point covers exactly;
- every Python module there that holds only constants (a model's weights as a data module, as
  its data kept as Python): code is covered by the version, data by the digest;
- the settings the cleaner runs with (the shipped file as a user's file changes it), but for the
  sections read after cleaning (AFTER_CLEANING): a changed quarantine bound marks nothing stale;
- the user's extra rules files, by content and in the order given (a later file's rule may
  override an earlier one's), not by where they lie.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata, resources
from pathlib import Path

from pipeline.clean.bylines import USER_BYLINES_ENV
from pipeline.clean.dump.line_model import MODEL_ENV
from pipeline.clean.furniture import MODEL_ENV as FURNITURE_MODEL_ENV
from pipeline.core.settings import Settings, load_settings
from pipeline.core.yaml_files import read_text

DISTRIBUTION = "newsclean-pipeline"
# Package folders whose data decides the cleaning (relative to the package root).
DATA_ROOTS = ("data", "clean")
# The report page's own style and script live in pipeline/data too; they change no article.
PRESENTATION_SUFFIXES = frozenset({".css", ".js", ".html"})
# Covered as the settings the cleaner runs with (below), not as a file.
SETTINGS_FILE = "data/settings.yaml"
# A top-level line that makes a module code rather than data (shaped so that prose in a docstring,
# "from the labels of ...", does not match: a data module must never be taken for code).
_CODE = re.compile(
    r"^(?:(?:async\s+)?def\s+\w+\s*\(|class\s+\w+\s*[(:]|import\s+[\w.]+\s*$|from\s+(?!__future__\b)[\w.]+\s+import\s)",
    re.MULTILINE,
)
# Environment variables naming a data file the cleaner reads instead of or beside a shipped one
# ($NEWSCLEAN_SETTINGS is covered as the settings themselves; rules files are given to the run).
ENVIRONMENT_DATA = (USER_BYLINES_ENV, MODEL_ENV, FURNITURE_MODEL_ENV)
# Settings sections read after cleaning (the publish, the checks, the drift check), or never by
# it (the embedded server's settings, issue 27).
AFTER_CLEANING = frozenset({"checks", "quarantine", "drift", "embedded_server"})


@dataclass(frozen=True)
class Provenance:
    """The package version and the digest of what cleaned an article, with the parts digested."""

    version: str
    digest: str
    parts: tuple[tuple[str, str], ...]  # (what, its sha256), in digest order

    def to_json(self) -> dict[str, object]:
        return {"version": self.version, "digest": self.digest, "parts": [list(p) for p in self.parts]}


def package_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def package_root() -> Path:
    return Path(str(resources.files("pipeline")))


def cleaning_provenance(
    rules_files: Sequence[Path | str] = (), settings: Settings | None = None, root: Path | None = None
) -> Provenance:
    """The provenance of a cleaner built from rules_files and settings (the shipped ones as
    $NEWSCLEAN_SETTINGS changes them when not given); root: the package folder to walk."""
    parts = [(name, _sha256(data)) for name, data in data_files(root or package_root())]
    parts += [(f"${variable}", _sha256(data)) for variable, data in environment_data_files()]
    parts.append(("settings (cleaning sections)", _sha256(settings_bytes(settings or load_settings()))))
    for number, location in enumerate(rules_files, 1):
        parts.append((f"rules file {number}", _sha256(read_text(location).encode("utf-8"))))
    digest = hashlib.sha256("".join(f"{name}\t{value}\n" for name, value in parts).encode("utf-8")).hexdigest()
    return Provenance(package_version(), digest, tuple(parts))


def data_files(root: Path) -> Iterator[tuple[str, bytes]]:
    """(path relative to root, content) of every data file of DATA_ROOTS, sorted by path."""
    found = []
    for folder in DATA_ROOTS:
        for path in (root / folder).rglob("*"):
            name = path.relative_to(root).as_posix()
            if path.is_file() and name != SETTINGS_FILE and _is_data(path):
                found.append((name, path))
    for name, path in sorted(found):
        yield name, path.read_bytes()


def environment_data_files() -> Iterator[tuple[str, bytes]]:
    """(variable, content) of each data file a user puts in place of or beside a shipped one through
    the environment (ENVIRONMENT_DATA): it cleans as the package's own files do."""
    for variable in ENVIRONMENT_DATA:
        location = os.environ.get(variable)
        if location:
            yield variable, _read_bytes(location)


def _read_bytes(location: str) -> bytes:
    """A local file's or an fsspec URL's bytes."""
    if "://" in location and not location.startswith("file://"):
        import fsspec

        with fsspec.open(location, "rb") as stream:
            return bytes(stream.read())
    return Path(location.removeprefix("file://")).read_bytes()


def _is_data(path: Path) -> bool:
    if "__pycache__" in path.parts or path.suffix in PRESENTATION_SUFFIXES or path.suffix == ".pyc":
        return False
    return path.suffix != ".py" or is_constants_module(path.read_text(encoding="utf-8"))


def is_constants_module(source: str) -> bool:
    """Whether a module holds only literal constants (and its docstring, `from __future__`): data
    kept as Python, such as a model's weights."""
    if _CODE.search(source):  # a cheap screen: most modules define or import something
        return False
    body = ast.parse(source).body
    if not any(isinstance(node, (ast.Assign, ast.AnnAssign)) for node in body):
        return False  # a package's __init__ with only its docstring holds no data
    for node in body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if value is None or not _literal(value):
            return False
    return True


def _literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


def settings_bytes(settings: Settings) -> bytes:
    """The settings sections the cleaner reads, as canonical JSON."""
    sections = {name: values for name, values in asdict(settings).items() if name not in AFTER_CLEANING}
    return json.dumps(sections, sort_keys=True, default=str).encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
