"""`make airflow` from a plain shell: Airflow answers on the configured port, the admin login works,
the scheduler starts only once the api-server answers, and a Ctrl-C (SIGINT to the terminal's
process group) leaves no process behind.

Cost: 40-90 s on the 2-core machine (Airflow's four components start, most of it), plus the
metadata database's first migration (~30 s) the first time on a machine.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from .conftest import ROOT
from .local_stack import free_port

START_TIMEOUT = 420  # seconds for the API to answer (first migration of the metadata database included)
STOP_TIMEOUT = 90  # seconds for make to return after the Ctrl-C
METADATA_DB = "airflow_make_test"  # on the embedded server, kept between runs (migrating it anew is slow)


def get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def members(pgid: int | None = None, sids: set[int] | None = None, home: Path | None = None) -> list[psutil.Process]:
    """Live processes of process group `pgid`, of one of the sessions `sids`, or Airflow processes
    that inherited NEWSCLEAN_AIRFLOW_HOME=`home` (wherever they went)."""
    found = []
    for process in psutil.process_iter():
        try:
            if (
                (pgid is not None and os.getpgid(process.pid) == pgid)
                or (sids and os.getsid(process.pid) in sids)
                or (home and is_airflow_of(process, home))
            ) and alive(process):
                found.append(process)
        except (psutil.Error, OSError):
            continue
    return found


def is_airflow_of(process: psutil.Process, home: Path) -> bool:
    # the embedded PostgreSQL, when this run started it, inherited the variable too: it stays
    return process.environ().get("NEWSCLEAN_AIRFLOW_HOME") == str(home) and "postgres" not in process.name()


class Run:
    def __init__(self, proc: subprocess.Popen[bytes], port: int, home: Path, log: Path) -> None:
        self.proc, self.port, self.home, self.log = proc, port, home, log
        self.sessions: set[int] = set()

    def leftovers(self) -> list[psutil.Process]:
        return members(pgid=self.proc.pid, sids=self.sessions, home=self.home)


def plain_shell_env(drop: tuple[str, ...] = ("AIRFLOW",)) -> dict[str, str]:
    """The environment of a plain shell: the venv not activated, no make or venv variables, and no
    variable starting with one of `drop` (the tests' own Airflow settings must not leak in)."""
    venv_bin = str(ROOT / ".venv" / "bin")
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != venv_bin)
    skip = {"VIRTUAL_ENV", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHONPATH"}
    env = {k: v for k, v in os.environ.items() if k not in skip and not k.startswith(drop)}
    env["PATH"] = path
    return env


@contextmanager
def supervised_make(target: str, env: dict[str, str], port: int, home: Path, log: Path) -> Iterator[Run]:
    """`make TARGET` in a session of its own, like a terminal's (the test's Ctrl-C is a SIGINT to
    its group); whatever the test leaves running is stopped and killed afterwards."""
    with log.open("wb") as out:
        proc = subprocess.Popen(["make", "--no-print-directory", target], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    run = Run(proc, port, home, log)
    try:
        yield run
    finally:
        if proc.poll() is None:  # the test failed before its Ctrl-C: leave nothing running
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        for process in run.leftovers():
            process.kill()


@pytest.fixture
def make_airflow(tmp_path: Path) -> Iterator[Run]:
    pytest.importorskip("pgserver", reason="make airflow keeps Airflow's metadata in the embedded PostgreSQL")
    port = free_port()
    home = tmp_path / "airflow_home"
    env = plain_shell_env()
    env.update(
        NEWSCLEAN_AIRFLOW_HOME=str(home),
        NEWSCLEAN_AIRFLOW_DB=METADATA_DB,
        AIRFLOW__API__PORT=str(port),
        AIRFLOW__CORE__PARALLELISM="2",
    )
    with supervised_make("airflow", env, port, home, tmp_path / "make-airflow.log") as run:
        yield run


def wait_for_api(proc: subprocess.Popen[bytes], port: int, log: Path) -> dict[str, object]:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"make airflow exited with {proc.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            status, body = get(f"http://127.0.0.1:{port}/api/v2/monitor/health")
            if status == 200:
                health: dict[str, object] = json.loads(body)
                return health
        except OSError:
            pass
        time.sleep(2)
    pytest.fail(f"no API on port {port} after {START_TIMEOUT} s:\n{log.read_text(errors='replace')[-4000:]}")


def login(port: int, home: Path) -> int:
    """The admin login the README documents: user admin, password from the generated file."""
    passwords = json.loads((home / "simple_auth_manager_passwords.json.generated").read_text())
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/auth/token",
        data=json.dumps({"username": "admin", "password": passwords["admin"]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            assert "access_token" in json.loads(response.read())
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_make_airflow_serves_the_api_and_ctrl_c_stops_everything(make_airflow: Run) -> None:
    run = make_airflow
    proc = run.proc
    health = wait_for_api(proc, run.port, run.log)
    assert health["metadatabase"] == {"status": "healthy"}, health
    assert login(run.port, run.home) in (200, 201)
    # the scheduler, dag-processor and triggerer start only once the api-server answers: wait for them
    deadline = time.monotonic() + 120
    while "stack: triggerer started" not in run.log.read_text(errors="replace") and time.monotonic() < deadline:
        time.sleep(1)
    time.sleep(3)  # each exec()s into `airflow <component>`

    # Everything make started: its process group, and the sessions its descendants live in (the
    # supervisor moves Airflow to a session of its own; task processes sit in groups of their own).
    started = {p.pid: p for p in psutil.Process(proc.pid).children(recursive=True)}
    run.sessions = {os.getsid(pid) for pid in started} - {os.getsid(0)}
    started.update({p.pid: p for p in run.leftovers()})
    commands = " ".join(" ".join(p.cmdline()) for p in started.values() if alive(p))
    for component in ("scheduler", "dag-processor", "triggerer"):
        assert f"airflow {component}" in commands, commands
    assert "api_server" in commands or "api-server" in commands, commands
    log = run.log.read_text(errors="replace")
    assert log.index("stack: the api-server answers") < log.index("stack: scheduler started"), log

    stopped_at = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in the terminal
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"make airflow still running {STOP_TIMEOUT} s after Ctrl-C:\n{run.log.read_text()[-3000:]}")
    took = time.monotonic() - stopped_at

    deadline = time.monotonic() + 10
    left: list[str] = ["?"]
    while left and time.monotonic() < deadline:
        leftovers = {p.pid: p for p in started.values() if alive(p)}
        leftovers.update({p.pid: p for p in run.leftovers()})
        left = [f"{pid} {' '.join(p.cmdline())[:120]}" for pid, p in leftovers.items() if alive(p)]
        time.sleep(0.5)
    assert not left, f"left running {took:.0f} s after Ctrl-C: {left}"
    print(f"make airflow stopped {took:.1f} s after Ctrl-C")


def test_supervisor_stops_processes_that_ignore_ctrl_c_and_left_their_group(tmp_path: Path) -> None:
    """scripts/supervise.py alone, on a tree like Airflow's: a child ignoring SIGINT and SIGTERM (a
    stuck executor worker) and a grandchild in a process group of its own (a task process)."""
    import sys

    marker = tmp_path / "pids"
    tree = (
        "import os, signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN); signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "code = 'import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(600)'\n"
        "task = subprocess.Popen([sys.executable, '-c', code], preexec_fn=os.setpgrp)\n"
        "open(sys.argv[1], 'w').write(f'{os.getpid()} {task.pid}')\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "supervise.py"), "--grace", "1", "--", sys.executable, "-c", tree,
         str(marker)], start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    processes: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 30
        while not (marker.exists() and marker.read_text().count(" ") == 1) and time.monotonic() < deadline:
            time.sleep(0.1)
        pids = [int(pid) for pid in marker.read_text().split()]
        processes = [psutil.Process(pid) for pid in pids]
        assert os.getpgid(pids[1]) != os.getpgid(pids[0])
        os.killpg(proc.pid, signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGINT  # died of the signal, as make and the shell expect
        psutil.wait_procs(processes, timeout=5)
        assert not [p.pid for p in processes if alive(p)], out
        assert b"SIGKILL" in out
    finally:
        for process in [*members(pgid=proc.pid), *(p for p in processes if alive(p))]:
            process.kill()
