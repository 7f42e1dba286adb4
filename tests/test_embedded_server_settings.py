"""Issue 27: the embedded PostgreSQL runs with the load settings of settings.yaml (embedded_server),
read back from the running server; a server of DATABASE_URL is never changed.

Each test starts servers of its own in a temporary folder (NEWSCLEAN_PGDATA), through the command a
user types, and stops them at the end; the checkout's own server is not touched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.settings import SHIPPED, EmbeddedServerSettings, SettingsError, load_settings
from pipeline.store.db import SERVER_SETTINGS_FILE, load_server_settings, machine_memory

from .conftest import ROOT, run_cli

pgserver = pytest.importorskip("pgserver")
LOAD_SETTINGS = ("shared_buffers", "max_wal_size", "checkpoint_timeout")
# PostgreSQL's own values of these (what a server not set up by us runs with), in pg_settings' units
DEFAULTS = {"shared_buffers": 16384 * 8192, "max_wal_size": 1024 * 2**20, "checkpoint_timeout": 300}


def pg_ctl(data_dir: Path, *args: str) -> None:
    """pg_ctl as the user pgserver runs the server as (not root)."""
    binary = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_ctl"
    user = "pgserver" if os.geteuid() == 0 else None
    # output to DEVNULL: a started postmaster would hold a pipe open and hang the call
    subprocess.run([str(binary), "-D", str(data_dir), *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, user=user, timeout=120)  # fmt: skip


def plain_server(data_dir: Path) -> None:
    """A server as pgserver alone (or a checkout before issue 27) leaves it: PostgreSQL's defaults."""
    code = f"import pgserver; pgserver.get_server({str(data_dir)!r}, cleanup_mode=None)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def engine_of(data_dir: Path) -> sa.Engine:
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir)
    assert info is not None and info.is_running(), "the server is not running"
    return sa.create_engine(info.get_uri().replace("postgresql://", "postgresql+psycopg2://", 1))


def running_settings(data_dir: Path) -> dict[str, tuple[int, bool]]:
    """Each load setting of the running server in bytes (seconds for a time), and whether a change
    waits for a restart."""
    engine = engine_of(data_dir)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT name, setting::bigint * CASE unit WHEN '8kB' THEN 8192 WHEN 'MB' THEN 1048576 ELSE 1 END,"
                    " pending_restart FROM pg_settings WHERE name = ANY(:names)"
                ),
                {"names": list(LOAD_SETTINGS)},
            ).all()
    finally:
        engine.dispose()
    return {name: (value, pending) for name, value, pending in rows}


def configured() -> dict[str, int]:
    """What the shipped settings ask for on this machine, in pg_settings' units."""
    wanted = load_server_settings(SHIPPED.embedded_server, machine_memory())
    return {
        "shared_buffers": int(wanted["shared_buffers"].removesuffix("MB")) * 2**20,
        "max_wal_size": int(wanted["max_wal_size"].removesuffix("MB")) * 2**20,
        "checkpoint_timeout": int(wanted["checkpoint_timeout"].removesuffix("min")) * 60,
    }


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "pgdata"
    yield folder
    if (folder / "postmaster.pid").exists():
        pg_ctl(folder, "stop", "-m", "immediate", "-w")


def start_embedded(data_dir: Path) -> subprocess.CompletedProcess[str]:
    """`newsclean db url` without DATABASE_URL: starts (or reuses) the embedded server in data_dir."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    done = run_cli("db", "url", cwd=ROOT, env={**env, "NEWSCLEAN_PGDATA": str(data_dir)})
    assert done.returncode == 0, done.stderr
    return done


def test_the_shipped_settings_raise_what_a_load_needs_on_this_machine() -> None:
    wanted = configured()
    assert wanted["shared_buffers"] > DEFAULTS["shared_buffers"]  # a test machine has more than 512 MB
    assert wanted["max_wal_size"] > DEFAULTS["max_wal_size"]
    assert wanted["checkpoint_timeout"] > DEFAULTS["checkpoint_timeout"]


@pytest.mark.parametrize(
    ("before", "buffers_now"),
    [
        ("none", True),  # a new checkout: initdb, then a start with the settings
        ("stopped", True),  # a server an older checkout made, stopped: its next start reads them
        ("running", False),  # ... still running: checkpoints at once, shared_buffers at its next start
    ],
)
def test_the_embedded_server_runs_with_the_load_settings(data_dir: Path, before: str, buffers_now: bool) -> None:
    if before != "none":
        plain_server(data_dir)
        assert {name: value for name, (value, _) in running_settings(data_dir).items()} == DEFAULTS
    if before == "stopped":
        pg_ctl(data_dir, "stop", "-m", "fast", "-w")
    start_embedded(data_dir)
    running, wanted = running_settings(data_dir), configured()
    assert running["max_wal_size"] == (wanted["max_wal_size"], False)
    assert running["checkpoint_timeout"] == (wanted["checkpoint_timeout"], False)
    if buffers_now:
        assert running["shared_buffers"] == (wanted["shared_buffers"], False)
    else:
        assert running["shared_buffers"] == (DEFAULTS["shared_buffers"], True)
        pg_ctl(data_dir, "stop", "-m", "fast", "-w")
        start_embedded(data_dir)
        assert running_settings(data_dir)["shared_buffers"] == (wanted["shared_buffers"], False)


def test_a_second_start_writes_nothing(data_dir: Path) -> None:
    start_embedded(data_dir)
    files = [data_dir / SERVER_SETTINGS_FILE, data_dir / "postgresql.conf"]
    written = [(path.read_bytes(), path.stat().st_mtime_ns) for path in files]
    start_embedded(data_dir)
    assert [(path.read_bytes(), path.stat().st_mtime_ns) for path in files] == written
    assert (data_dir / "postgresql.conf").read_text().count(SERVER_SETTINGS_FILE) == 1


def test_a_server_of_database_url_is_never_changed(data_dir: Path) -> None:
    plain_server(data_dir)
    conf = (data_dir / "postgresql.conf").read_bytes()
    engine = engine_of(data_dir)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    env = {key: value for key, value in os.environ.items() if key != "NEWSCLEAN_PGDATA"}
    done = run_cli("db", "migrate", cwd=ROOT, env={**env, "DATABASE_URL": url})
    assert done.returncode == 0, done.stderr
    assert not (data_dir / SERVER_SETTINGS_FILE).exists()
    assert (data_dir / "postgresql.conf").read_bytes() == conf
    assert running_settings(data_dir) == {name: (value, False) for name, value in DEFAULTS.items()}


# A user's settings file the embedded server's section of cannot be used
BROKEN = "embedded_server:\n  max_wal_size_mb: -1\n"


def embedded_env(data_dir: Path, settings: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return {**env, "NEWSCLEAN_PGDATA": str(data_dir), "NEWSCLEAN_SETTINGS": str(settings)}


@pytest.mark.parametrize("command", [("db", "url"), ("db", "migrate"), ("learned", "list")], ids=" ".join)
def test_a_broken_settings_file_is_refused_naming_it_before_a_server_starts(
    tmp_path: Path, data_dir: Path, command: tuple[str, ...]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    done = run_cli(*command, cwd=ROOT, env=embedded_env(data_dir, broken))
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"error: {broken}: embedded_server.max_wal_size_mb: must not be negative, got -1\n"
    assert not data_dir.exists()  # refused before the server's folder was made


def test_the_settings_a_caller_hands_over_are_the_ones_the_server_runs_with(tmp_path: Path, data_dir: Path) -> None:
    """A caller that read the settings (the run commands) passes their embedded_server section:
    the file is not read again (here, a broken NEWSCLEAN_SETTINGS would be refused if it were)."""
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    code = (
        "from dataclasses import replace\n"
        "from pipeline.core.settings import SHIPPED\n"
        "from pipeline.store.db import embedded_url\n"
        "embedded_url('postgres', replace(SHIPPED.embedded_server, max_wal_size_mb=1234))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=embedded_env(data_dir, broken), timeout=300)
    assert "max_wal_size = '1234MB'" in (data_dir / SERVER_SETTINGS_FILE).read_text(encoding="utf-8").splitlines()
    assert running_settings(data_dir)["max_wal_size"] == (1234 * 2**20, False)


@given(
    memory_mb=st.integers(min_value=1, max_value=2**22),
    share=st.floats(min_value=0.0, max_value=1.0),
    low=st.integers(min_value=16, max_value=4096),
    span=st.integers(min_value=0, max_value=8192),
)
def test_shared_buffers_is_a_share_of_memory_within_bounds(memory_mb: int, share: float, low: int, span: int) -> None:
    settings = EmbeddedServerSettings(share, low, low + span, 8192, 30)
    buffers = int(load_server_settings(settings, memory_mb * 2**20)["shared_buffers"].removesuffix("MB"))
    assert low <= buffers <= low + span
    if low <= memory_mb * share <= low + span:
        assert abs(buffers - memory_mb * share) < 1
    more = int(load_server_settings(settings, 2 * memory_mb * 2**20)["shared_buffers"].removesuffix("MB"))
    assert more >= buffers  # never fewer buffers on a larger machine


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("shared_buffers_share_of_memory", 1.5, "between 0 and 1"),
        ("shared_buffers_max_mb", 0, "at least 1"),
        ("max_wal_size_mb", -1, "not be negative"),
        ("checkpoint_timeout_min", "30min", "whole number"),
    ],
)
def test_a_bad_server_setting_is_refused_naming_the_key(tmp_path: Path, key: str, value: object, message: str) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(f"embedded_server:\n  {key}: {value!r}\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=f"embedded_server.{key}.*{message}"):
        load_settings(path)
