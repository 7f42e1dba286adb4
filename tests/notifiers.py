"""A notifier for tests/test_deadlines.py, importable by path (tests.notifiers.FileNotifier) as a
deployment names its notifier; kept out of the test module so that collecting the tests does not
import Airflow before the airflow_env fixture has configured it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from airflow.sdk.bases.notifier import BaseNotifier


class FileNotifier(BaseNotifier):
    """Writes its rendered text to a file (what a mail or chat notifier would send)."""

    template_fields = ("text",)

    def __init__(self, path: str, text: str) -> None:
        super().__init__()
        self.path, self.text = path, text

    def notify(self, context: Any) -> None:
        Path(self.path).write_text(self.text, encoding="utf-8")
