"""Run a command in a session of its own; on Ctrl-C (SIGINT), SIGTERM or SIGHUP stop everything it started.

    python scripts/supervise.py [--grace SECONDS] -- COMMAND [ARG...]

`make airflow` runs `airflow standalone` through this. Airflow's components are processes of
their own, and its task processes move to process groups of their own, so neither the terminal's
Ctrl-C nor a kill of the parent reaches all of them. They all stay in the session this script
opens for the command, though (nothing of Airflow's opens a new session): the stop sends SIGINT to
the command's process group (a Ctrl-C, which Airflow shuts down on), waits up to --grace seconds
for every process of the session and every descendant seen, then SIGTERMs and finally SIGKILLs
whatever is left, and waits for it to be gone. When the command exits on its own, what it left
behind in the session is stopped the same way. A second Ctrl-C skips the grace period.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from types import FrameType

import psutil

POLL = 0.2


def session_processes(sid: int) -> list[psutil.Process]:
    """Every live process of session `sid` (this script's own session excluded by the caller)."""
    found = []
    for process in psutil.process_iter():
        try:
            if os.getsid(process.pid) == sid and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except (psutil.Error, ProcessLookupError, PermissionError):
            continue
    return found


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def alive(processes: dict[int, psutil.Process]) -> dict[int, psutil.Process]:
    left = {}
    for pid, process in processes.items():
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                left[pid] = process
        except psutil.Error:
            continue
    return left


def describe(process: psutil.Process) -> str:
    try:
        words = [w for w in process.cmdline() if not w.startswith("-")]
        return f"{process.pid} " + " ".join(words[1:3] if len(words) > 1 and "python" in words[0] else words[:2])
    except psutil.Error:
        return str(process.pid)


class Supervisor:
    def __init__(self, command: list[str], grace: float) -> None:
        self.command = command
        self.grace = grace
        self.signals: list[int] = []
        self.child: subprocess.Popen[bytes] | None = None

    def on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self.signals.append(signum)

    def tracked(self) -> dict[int, psutil.Process]:
        """The command's session and every descendant of the command (in case one left the session)."""
        assert self.child is not None
        seen = {p.pid: p for p in session_processes(self.child.pid)}
        seen.update({p.pid: p for p in descendants(self.child.pid)})
        seen.pop(os.getpid(), None)
        return seen

    def run(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self.on_signal)
        self.child = subprocess.Popen(self.command, start_new_session=True)
        print(f"supervise: {' '.join(self.command)} started (pid {self.child.pid}); Ctrl-C stops all of it", flush=True)
        while self.child.poll() is None and not self.signals:
            time.sleep(POLL)
        self.stop()
        if self.signals:
            return 128 + self.signals[0]
        return self.child.returncode

    def stop(self) -> None:
        assert self.child is not None
        processes = self.tracked()
        if self.child.poll() is None:
            self.send_group(self.child.pid, signal.SIGINT)  # what a Ctrl-C on the command alone would do
            deadline = time.monotonic() + self.grace
        else:  # the command exited by itself: what it left behind gets no grace
            deadline = time.monotonic()
        while time.monotonic() < deadline and len(self.signals) < 2:
            self.child.poll()  # reaps the command itself
            processes.update(self.tracked())  # a process started during the shutdown is stopped too
            processes = alive(processes)
            if not processes:
                return
            time.sleep(POLL)
        for signum, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 10.0)):
            processes = alive({**processes, **self.tracked()})
            if not processes:
                return
            names = ", ".join(sorted(describe(p) for p in processes.values()))
            print(f"supervise: sending {signum.name} to {len(processes)} processes still running: {names}", flush=True)
            for process in processes.values():
                try:
                    process.send_signal(signum)
                except psutil.Error:
                    continue
            psutil.wait_procs(list(processes.values()), timeout=wait)
            self.child.poll()
        left = alive({**processes, **self.tracked()})
        if left:
            print(f"supervise: could not stop {sorted(left)}", file=sys.stderr, flush=True)

    @staticmethod
    def send_group(pgid: int, signum: int) -> None:
        try:
            os.killpg(pgid, signum)
        except (ProcessLookupError, PermissionError):
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grace", type=float, default=10.0, help="seconds to shut down before SIGTERM (default 10)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command")
    code = Supervisor(command, args.grace).run()
    if code > 128 and code - 128 in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signum = code - 128
        signal.signal(signum, signal.SIG_DFL)  # die of the signal, as the shell and make expect
        os.kill(os.getpid(), signum)
    return code


if __name__ == "__main__":
    sys.exit(main())
