"""A wall-clock limit on a block of code: the cleaner's time limit per document.

A SIGALRM timer interrupts the block wherever it is: between two bytecodes, and inside a regular
expression search too (the `re` engine checks for signals while it backtracks), so a user rule
such as `(a+)+$` is stopped as surely as a slow step. It works in the main thread of a process:
the CLI, each pool worker and each Airflow task clean there. Elsewhere (another thread, a platform
without SIGALRM, a caller already running its own SIGALRM timer) the block runs without a limit.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class TimeLimitExceeded(BaseException):
    """The block ran out of time. A BaseException, like KeyboardInterrupt: code that catches
    Exception to carry on (a step's fallback) must not swallow it."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"took longer than {seconds:g} s")
        self.seconds = seconds


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeLimitExceeded in the block once `seconds` have passed (0: no limit)."""
    if seconds <= 0 or not _timer_free():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeLimitExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _timer_free() -> bool:
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0  # someone else's timer: leave it alone
    )
