"""The package as users and the production image get it: a wheel, installed (not editable) into a fresh
venv with its runtime dependencies only, run from outside the repository.

Cost: ~25 s on the 2-core machine (build 5 s; install 10 s from pip's cache, where `make install`
left every pinned wheel, compiling no .pyc; migrate, one batch, queries). The install is the real
one (`pip install -c constraints/pyX.Y.txt WHEEL`), so a runtime dependency missing from
pyproject.toml fails here rather than in the image.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from .conftest import ROOT, scalar

PYVER = f"{sys.version_info[0]}.{sys.version_info[1]}"
CONSTRAINTS = next(p for p in (ROOT / f"constraints/py{PYVER}.txt", ROOT / "constraints/py3.11.txt") if p.exists())
SAMPLES = ROOT / "samples" / "raw"


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: int = 300) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The wheel, built from a copy of the sources (a stale build/ of the work tree cannot leak in)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "sql", src / "sql", ignore=ignore)
    shutil.copytree(ROOT / "pipeline", src / "pipeline", symlinks=True, ignore=ignore)  # keeps pipeline/sql a link
    assert (src / "pipeline" / "sql").is_symlink()
    out = tmp_path_factory.mktemp("dist")
    log = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", out, src, cwd=src)
    (found,) = out.glob("newsclean_pipeline-*.whl")
    return found, log


@pytest.fixture(scope="module")
def venv(wheel: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv (no pip of its own: this interpreter's pip installs into it) holding the wheel
    and its runtime dependencies, pinned by the constraints file."""
    where = tmp_path_factory.mktemp("venv") / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    run(base, "-m", "venv", "--without-pip", where, cwd=where.parent)
    python = where / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-compile",
        "-c", CONSTRAINTS, wheel[0], cwd=where.parent)  # fmt: skip
    yield where
    shutil.rmtree(where, ignore_errors=True)


def outside_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell outside the repository: no PYTHONPATH, no DATABASE_URL."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL", "VIRTUAL_ENV")}
    return {**env, **extra}


def test_wheel_carries_code_migrations_queries_store_statements_and_rules(wheel: tuple[Path, str]) -> None:
    path, log = wheel
    assert "is absent from the `packages` configuration" not in log  # setuptools' undeclared-package warning
    names = set(zipfile.ZipFile(path).namelist())

    def shipped(folder: str, *patterns: str) -> set[str]:
        return {f"pipeline/{folder}/{p.name}" for pattern in patterns for p in (ROOT / folder).glob(pattern)}

    expected = (
        shipped("sql/migrations", "*.sql", "*.py")
        | shipped("sql/queries", "*.sql")
        | shipped("sql/store", "*.sql")
        | {f"pipeline/data/{p.name}" for p in (ROOT / "pipeline" / "data").iterdir() if p.is_file()}
        | {"pipeline/clean/dump/line_model.npz"}  # the page-dump line model's weights
        | {f"pipeline/{p.relative_to(ROOT / 'pipeline')}" for p in (ROOT / "pipeline").rglob("*.py")
           if "sql" not in p.relative_to(ROOT / "pipeline").parts}
    )  # fmt: skip
    assert len(expected) > 60
    assert expected <= names, sorted(expected - names)
    assert not [n for n in names if not n.startswith(("pipeline/", "newsclean_pipeline-"))], "only the package"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "newsclean = pipeline.cli:main" in zipfile.ZipFile(path).read(entry_points).decode()


def test_installed_wheel_runs_from_outside_the_repository(venv: Path, db_url: sa.URL, tmp_path: Path) -> None:
    newsclean = venv / "bin" / "newsclean"
    python = venv / "bin" / "python"
    cwd = tmp_path  # not the repository: the source tree cannot be imported by accident

    code = "import pipeline, sysconfig; print(pipeline.__file__); print(sysconfig.get_paths()['purelib'])"
    where = run(python, "-c", code, cwd=cwd, env=outside_env()).splitlines()
    module, site_packages = Path(where[0]), Path(where[1])
    assert module.is_relative_to(site_packages) and site_packages.is_relative_to(venv), where
    assert not module.resolve().is_relative_to(ROOT)

    from pipeline import __version__

    assert run(newsclean, "--version", cwd=cwd, env=outside_env()).strip() == f"newsclean-pipeline {__version__}"
    assert run(python, "-m", "pipeline", "--version", cwd=cwd, env=outside_env()).strip().endswith(__version__)

    # the runtime install has no embedded server: without DATABASE_URL the error says what to do
    no_url = outside_env(NEWSCLEAN_PGDATA=str(tmp_path / "pg"))
    done = subprocess.run([newsclean, "db", "url"], cwd=cwd, env=no_url, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0, done.stderr
    assert "error: " in done.stderr and "install newsclean-pipeline[embedded] or set DATABASE_URL" in done.stderr
    assert "Traceback" not in done.stderr

    # an empty database: every migration of sql/migrations comes from the installed package
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        env = outside_env(DATABASE_URL=db_url.render_as_string(hide_password=False))
        migrations = sorted(p.stem for p in (ROOT / "sql" / "migrations").iterdir() if p.suffix in (".sql", ".py"))
        out = run(newsclean, "db", "migrate", cwd=cwd, env=env)
        assert f"applied {', '.join(migrations)}" in out
        assert scalar(engine, "SELECT count(*) FROM schema_migrations") == len(migrations)
        assert "schema up to date" in run(newsclean, "db", "migrate", cwd=cwd, env=env)

        # the store's statements, the shipped rules and a named query, all read from site-packages
        out = run(newsclean, "run", "--input", SAMPLES / "2024-11-04", "--batch", "2024-11-04", "--workers", "1",
                  cwd=cwd, env=env)  # fmt: skip
        assert "batch 2024-11-04" in out
        assert scalar(engine, "SELECT count(*) FROM articles WHERE batch_id = '2024-11-04'") == 4
        out = run(newsclean, "query", "removals_by_rule_in_batch", "--var", "batch=2024-11-04", cwd=cwd, env=env)
        assert "rule" in out.splitlines()[0]
    finally:
        engine.dispose()
