"""The package's layers (docs/architecture.md): a sub-package imports only the ones below it, and no
module imports itself back through another, not even inside a function. Imports are read with `ast`
from the source, so a lazy import in a function body counts like one at the top."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"

# What each sub-package may import besides itself, lowest layer first. The top-level modules
# (cli, __main__, __init__) may import any of them; nothing below imports the top.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "ingest": {"core"},
    "clean": {"core", "ingest"},
    "corpus": {"core", "ingest", "clean"},
    "store": {"core", "ingest", "clean", "corpus"},
    "report": {"core", "store"},
    "evaluation": {"core", "ingest", "clean"},
    "run": {"core", "ingest", "clean", "corpus", "store", "report"},
}
# Python migrations are applied by store/migrate.py: they are part of the store layer.
MIGRATIONS = ROOT / "sql" / "migrations"


def module_name(path: Path) -> str:
    """pipeline/clean/html/extract.py -> pipeline.clean.html.extract; a migration file keeps its stem."""
    if path.is_relative_to(MIGRATIONS):
        return f"pipeline.store.migrations.{path.stem}"
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> Iterator[tuple[int, str]]:
    """(line, absolute name) of every pipeline module an import statement in `source` names, wherever
    it stands. `from pipeline.x import y` yields pipeline.x.y when y is a module, else pipeline.x —
    both are checked against the layers, so yielding the longer name is always safe."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "pipeline" or alias.name.startswith("pipeline."):
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "pipeline" or target.startswith("pipeline."):
                for alias in node.names:
                    candidate = f"{target}.{alias.name}"
                    yield node.lineno, candidate if _exists(candidate) else target


def _exists(module: str) -> bool:
    path = ROOT.joinpath(*module.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def layer(module: str) -> str | None:
    """The sub-package a module belongs to; None for the top-level modules (the CLI and the API)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in ALLOWED) else None


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """Each import in `source` that goes up or sideways out of `module`'s layer."""
    own = layer(module)
    found = []
    for line, target in imported_modules(source, module, is_package):
        other = layer(target)
        if own is None or other == own:
            continue
        if other is None or other not in ALLOWED[own]:
            found.append(f"{module}:{line} imports {target} ({own} may import {sorted(ALLOWED[own]) or 'nothing'})")
    return found


def package_files() -> list[Path]:
    """The package's modules (not the sql/ folder, which pipeline/sql links to)."""
    return sorted(p for p in PACKAGE.rglob("*.py") if not p.resolve().is_relative_to(ROOT / "sql"))


def source_files() -> list[Path]:
    return package_files() + sorted(MIGRATIONS.glob("*.py"))


def test_every_sub_package_is_in_the_table() -> None:
    found = {p.parent.relative_to(PACKAGE).parts[0] for p in PACKAGE.glob("*/__init__.py")}
    assert found == set(ALLOWED), "add the new sub-package to ALLOWED and to docs/architecture.md"


def test_every_sub_package_says_what_it_may_import() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc, f"{init} has no docstring"
        name = init.parent.name
        if ALLOWED[name]:
            assert "May import" in doc, f"{init}: say what it may import"


@pytest.mark.parametrize("path", source_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_a_higher_layer(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py") == []


def test_no_import_cycle_even_inside_functions() -> None:
    graph: dict[str, set[str]] = {}
    for path in package_files():
        name = module_name(path)
        targets = {t for _, t in imported_modules(path.read_text(encoding="utf-8"), name, path.name == "__init__.py")}
        # a sub-package's __init__ runs before its modules: `import pipeline.x.y` also imports pipeline.x
        graph[name] = {t for t in targets if t != name and _exists(t)}
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    # The package's own __init__ re-exports the public API (from pipeline import Cleaner): every
    # module's import passes through it, which is not a cycle of the code's own making.
    assert [c for c in cycles if not c.startswith("pipeline -> ")] == []


def test_the_package_never_imports_airflow() -> None:
    for path in package_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            assert not any(n == "airflow" or n.startswith("airflow.") for n in names), path


# The checker itself, on deliberate mistakes: each must be caught (and the lawful ones must pass).
@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("pipeline.clean.steps", "from pipeline.run.flow import plan_batch"),
        ("pipeline.clean.steps", "def f():\n    from pipeline.store import db\n"),
        ("pipeline.core.text", "from pipeline.clean import rules"),
        ("pipeline.ingest.readers", "import pipeline.clean.cleaner as c"),
        ("pipeline.store.rows", "from pipeline.report.summary import x"),
        ("pipeline.report.summary", "from pipeline.run import tasks"),
        ("pipeline.clean.html.extract", "from pipeline import cli"),
        ("pipeline.evaluation.scores", "from ..store import db"),
        ("pipeline.corpus.learn", "from ..store.db import x"),
    ],
)
def test_an_upward_import_is_caught(module: str, source: str) -> None:
    assert violations(source, module), f"{source!r} in {module} went unnoticed"


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("pipeline.clean.steps", "from pipeline.core.text import squash_spaces"),
        ("pipeline.clean.html.extract", "from ..dates import to_iso"),
        ("pipeline.run.flow", "from pipeline.store import db"),
        ("pipeline.cli", "from pipeline.run import tasks"),
        ("pipeline.store.rows", "import json"),
    ],
)
def test_a_lawful_import_passes(module: str, source: str) -> None:
    assert violations(source, module) == []
