"""Fault injection for the crash tests: hang at a named point of a run so a test can kill it there.

NEWSCLEAN_TEST_HANG_AT=<point>:<marker file> makes the process write the marker file on reaching
<point> and wait there until the file is deleted (or the process killed). Points: clean (a shard
has cleaned an article), copy (a shard's rows went to staging), commit (the publish is about to
commit). Unset in production, where this costs one environment lookup per point.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

HANG_ENV = "NEWSCLEAN_TEST_HANG_AT"
POINTS = ("clean", "copy", "commit")


def maybe_hang(point: str) -> None:
    setting = os.environ.get(HANG_ENV)
    if not setting:
        return
    wanted, _, marker = setting.partition(":")
    if wanted != point:
        return
    path = Path(marker)
    path.write_text(f"{point}\n", encoding="utf-8")
    while path.exists():
        time.sleep(0.05)
