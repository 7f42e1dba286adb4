"""Provenance and reprocess (issue 26): every article records the package version and the digest of
what cleaned it; `newsclean reprocess` re-cleans batches from their recorded inputs through the
run's own publish, exactly the stale articles with --stale, and says which inputs it cannot read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from pipeline.clean.provenance import cleaning_provenance, is_constants_module, package_root
from pipeline.core.settings import load_settings

from .conftest import ROOT, scalar, snapshot
from .test_ownership import story

# ---------------------------------------------------------------- the digest


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """The package's data folders, copied: a test may change any file of them."""
    root = tmp_path / "pipeline"
    for folder in ("data", "clean"):
        shutil.copytree(package_root() / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def digest(root: Path, rules: list[str] | None = None, settings_file: Path | None = None) -> str:
    settings = load_settings(settings_file) if settings_file else load_settings(None)
    return cleaning_provenance(rules or [], settings, root=root).digest


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


CHANGES = {
    # what decides the cleaning: the digest changes
    "a shipped rules file": (lambda root: _append(root / "data" / "rules_en.yaml", "\n# changed\n"), True),
    "the bylines file": (lambda root: _append(root / "data" / "bylines.yaml", "\n# changed\n"), True),
    "a model file added under data/models/": (
        lambda root: (root / "data" / "models").mkdir() or (root / "data" / "models" / "page.bin").write_bytes(b"\0"),
        True,
    ),
    "the line model's weights file": (
        lambda root: (root / "clean" / "dump" / "line_model.npz").write_bytes(b"another model"),
        True,
    ),
    "a module of constants (weights kept as Python)": (
        lambda root: (root / "clean" / "dump" / "more_weights.py").write_text("WEIGHTS = [1.0, 2.0]\n"),
        True,
    ),
    "a data file in a clean/ sub-folder": (lambda root: (root / "clean" / "html" / "w.json").write_text("{}"), True),
    # what does not: the report's own style and script, the cleaner's code (the version covers it)
    "the report's style": (lambda root: _append(root / "data" / "report.css", "\n/* changed */\n"), False),
    "the report's script": (lambda root: _append(root / "data" / "report.js", "\n// changed\n"), False),
    "the cleaner's code": (lambda root: _append(root / "clean" / "cleaner.py", "\n# changed\n"), False),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_the_digest_covers_every_data_file_the_cleaner_loads(package_copy: Path, change: str) -> None:
    before = digest(package_copy)
    edit, covered = CHANGES[change]
    edit(package_copy)
    assert (digest(package_copy) != before) is covered


@pytest.mark.parametrize(
    ("settings_text", "covered"),
    [
        ("learned:\n  min_articles: 6\n", True),
        ("limits:\n  seconds_per_document: 31\n", True),
        ("learned:\n  min_articles: 5\n", False),  # the shipped value: the same cleaning
        ("quarantine:\n  sigmas: 4.0\n", False),  # read by the publish, after cleaning
        ("checks:\n  max_removal_ratio: 0.7\n", False),
    ],
)
def test_the_digest_covers_the_cleaning_settings(package_copy: Path, tmp_path: Path, settings_text: str,
                                                  covered: bool) -> None:  # fmt: skip
    changed = tmp_path / "settings.yaml"
    changed.write_text(settings_text, encoding="utf-8")
    assert (digest(package_copy, settings_file=changed) != digest(package_copy)) is covered


def test_user_rules_files_count_by_content_and_order_not_place(package_copy: Path, tmp_path: Path) -> None:
    first, second, moved = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "elsewhere" / "a.yaml"
    first.write_text("rules: []\n", encoding="utf-8")
    second.write_text("rules: []  # other\n", encoding="utf-8")
    moved.parent.mkdir()
    shutil.copy(first, moved)
    assert digest(package_copy, [str(first)]) == digest(package_copy, [str(moved)])
    assert digest(package_copy, [str(first)]) != digest(package_copy)
    assert digest(package_copy, [str(first), str(second)]) != digest(package_copy, [str(second), str(first)])


def test_the_shipped_digest_lists_its_parts() -> None:
    provenance = cleaning_provenance([], load_settings(None))
    names = [name for name, _ in provenance.parts]
    assert {"data/rules.yaml", "data/bylines.yaml", "clean/dump/line_model.npz"} <= set(names)
    assert not [n for n in names if n.endswith((".css", ".js")) or n == "data/settings.yaml"]
    assert provenance.version and len(provenance.digest) == 64


@pytest.mark.parametrize("variable", ["NEWSCLEAN_BYLINES", "NEWSCLEAN_DUMP_LINE_MODEL"])
def test_the_digest_covers_a_data_file_named_by_the_environment(
    package_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """A user's bylines file or another line model cleans as the shipped files do: by content."""
    shipped = digest(package_copy)
    own = tmp_path / "own.data"
    own.write_bytes(b"agencies: []\n")
    monkeypatch.setenv(variable, str(own))
    first = digest(package_copy)
    own.write_bytes(b"agencies: []  # edited\n")
    assert len({shipped, first, digest(package_copy)}) == 3


SCALARS = st.none() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=5)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner), max_leaves=8)


@given(st.dictionaries(st.from_regex(r"[A-Z_]{1,8}", fullmatch=True), VALUES, min_size=1, max_size=5))
def test_a_module_of_literal_constants_is_data(constants: dict[str, Any]) -> None:
    # (prose in the docstring that starts like code is still prose)
    source = '"""Weights\nfrom the labels of 170 pages;\nimport them again with the script.\n"""\n'
    source += "from __future__ import annotations\n" + "".join(
        f"{name} = {value!r}\n" for name, value in constants.items()
    )
    assert is_constants_module(source)
    assert not is_constants_module(source + "import os\n")
    assert not is_constants_module(source + "def f() -> int:\n    return 1\n")
    assert not is_constants_module(source + "Y = len('a')\n")
    assert not is_constants_module('"""A package."""\n')  # a docstring alone is no data


# ---------------------------------------------------------------- reprocess, through the command

DAYS = ("2024-06-01", "2024-06-02", "2024-06-03")
PROMO = "Promo line for the weekend sale at the market."
RULES_V1 = (
    "rules:\n  - id: user.old_rule\n    category: ad\n    scope: paragraph\n    pattern: 'Nothing matches this'\n"
)
RULES_V2 = (
    "rules:\n  - id: user.promo\n    category: ad\n    scope: paragraph\n"
    "    pattern: 'Promo line for the weekend sale at the market\\.'\n"
)


def cli(db_url: sa.URL, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url.render_as_string(hide_password=False)}
    env.pop("NEWSCLEAN_SETTINGS", None)
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)  # fmt: skip


def make_days(root: Path) -> None:
    for day in DAYS:
        folder = root / day
        folder.mkdir(parents=True)
        for n in range(3):  # the last article of a day has no promo line: the new rule changes nothing in it
            name = f"{day}-{n}"
            (folder / f"{name}.txt").write_text(story(name) + (f"\n{PROMO}\n" if n < 2 else ""), encoding="utf-8")


def state(engine: sa.Engine) -> dict[str, tuple[Any, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT article_key, batch_id, cleaner_digest, loaded_at, removed_count,"
                                          " cleaner_version FROM articles"))  # fmt: skip
        return {row[0]: tuple(row[1:]) for row in rows}


def test_reprocess_stale_recleans_exactly_the_articles_cleaned_by_another_digest(
    engine: sa.Engine, db_url: sa.URL, tmp_path: Path
) -> None:
    make_days(tmp_path / "raw")
    rules = tmp_path / "my_rules.yaml"
    rules.write_text(RULES_V1, encoding="utf-8")
    for day in DAYS:
        done = cli(db_url, "run", "--input", str(tmp_path / "raw" / day), "--batch", day, "--rules", str(rules),
                   "--workers", "1")  # fmt: skip
        assert done.returncode == 0, done.stderr
    first = state(engine)
    (old_digest,) = {row[1] for row in first.values()}
    assert old_digest and all(row[4] is not None for row in first.values())
    assert scalar(engine, "SELECT count(*) FROM cleaning_configs WHERE digest = :d", d=old_digest) == 1

    rules.write_text(RULES_V2, encoding="utf-8")  # the user's rules change; one day is rerun with them
    done = cli(db_url, "run", "--input", str(tmp_path / "raw" / DAYS[2]), "--batch", DAYS[2], "--rules", str(rules))
    assert done.returncode == 0, done.stderr
    before = state(engine)
    stale = {key for key, row in before.items() if row[1] == old_digest}
    assert {before[key][0] for key in stale} == set(DAYS[:2]) and len(stale) == 6

    done = cli(db_url, "reprocess", "--stale", "--rules", str(rules), "--workers", "1", "--json")
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["batch_id"] for line in done.stdout.splitlines()] == list(DAYS[:2])
    after = state(engine)
    changed = {key for key in after if after[key] != before[key]}
    assert changed == stale
    assert len({row[1] for row in after.values()}) == 1  # one digest left: the current one
    removed = "SELECT count(*) FROM removals WHERE rule = 'user.promo'"
    assert scalar(engine, removed) == 6  # the new rule took the promo line out of every article that had it

    settled = snapshot(engine)  # idempotent: nothing stale is left, and a rerun of a batch changes nothing
    done = cli(db_url, "reprocess", "--stale", "--rules", str(rules))
    assert done.returncode == 0 and "nothing to reprocess" in done.stderr, done.stderr
    done = cli(db_url, "reprocess", "--batch", DAYS[0], "--rules", str(rules), "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert snapshot(engine) == settled


def test_reprocess_names_each_unreadable_input_and_goes_on(engine: sa.Engine, db_url: sa.URL, tmp_path: Path) -> None:
    make_days(tmp_path / "raw")
    for day in DAYS:
        assert cli(db_url, "run", "--input", str(tmp_path / "raw" / day), "--batch", day).returncode == 0
    gone = tmp_path / "raw" / DAYS[1] / f"{DAYS[1]}-2.txt"
    gone.unlink()
    unreadable = tmp_path / "raw" / DAYS[1] / f"{DAYS[1]}-0.txt"
    unreadable.chmod(0)
    shutil.rmtree(tmp_path / "raw" / DAYS[2])
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES_V2, encoding="utf-8")
    before = state(engine)
    try:
        done = cli(db_url, "reprocess", "--since", "2000-01-01", "--rules", str(rules), "--workers", "1")
    finally:
        unreadable.chmod(0o644)
    assert done.returncode == 1
    errors = done.stderr.splitlines()
    assert f"error: batch {DAYS[1]}: {gone}: no longer in the batch's input folder" in errors
    if os.geteuid() != 0:  # root reads a file whatever its mode
        assert any(line.startswith(f"error: batch {DAYS[1]}: {unreadable}: cannot be read (PermissionError")
                   for line in errors), errors  # fmt: skip
    assert f"error: batch {DAYS[2]}: {tmp_path / 'raw' / DAYS[2]}: the batch's input folder no longer exists" in errors
    after = state(engine)
    for key, row in after.items():  # the first day went on; the others are left exactly as they were
        assert (row != before[key]) is (row[0] == DAYS[0]), row
    assert len(after) == len(before) == 9
