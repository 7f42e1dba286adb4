"""Deadlines: each run of the DAG carries a DeadlineAlert (ARTICLES_DEADLINE_HOURS after it was
queued, 0 for none) whose callback logs the miss and, when configured, sends it through an Airflow
notifier. That a missed deadline fires on a running scheduler and triggerer: tests/test_stack.py."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

import pytest

from pipeline.run.alerts import deadline_missed, describe_miss

from .test_dag import load_dag

CONTEXT = {
    "dag_run": {"dag_id": "clean_articles", "dag_run_id": "scheduled__2024-11-05T00:00:00+00:00", "state": "running"},
    "deadline": {"id": "0192", "deadline_time": "2024-11-06T12:00:00+00:00"},
}


@pytest.mark.parametrize(("hours", "expected"), [("2", timedelta(hours=2)), ("0.5", timedelta(minutes=30)),
                                                 ("0", None)])  # fmt: skip
def test_each_run_gets_a_deadline_from_the_environment(
    airflow_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, hours: str, expected: timedelta | None
) -> None:
    monkeypatch.setenv("ARTICLES_DEADLINE_HOURS", hours)
    dag = load_dag(airflow_env)
    if expected is None:
        assert not dag.deadline
        return
    (alert,) = dag.deadline if isinstance(dag.deadline, list) else [dag.deadline]
    assert alert.interval == expected
    assert type(alert.reference).__name__ == "DagRunQueuedAtDeadline"  # not the logical date: backfills
    assert alert.callback.path == "pipeline.run.alerts.deadline_missed"


def test_a_missed_deadline_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="pipeline.run.alerts"):
        message = asyncio.run(deadline_missed(CONTEXT))
    assert message == (
        "batch run scheduled__2024-11-05T00:00:00+00:00 of clean_articles missed its deadline "
        "2024-11-06T12:00:00+00:00 (state: running)"
    )
    assert [r.getMessage() for r in caplog.records] == [message]


def test_a_missed_deadline_goes_through_the_configured_notifier(airflow_env: dict[str, str], tmp_path: Path) -> None:
    sent = tmp_path / "sent.txt"
    arguments = {"path": str(sent), "text": "newsclean: {{ message }}"}
    message = asyncio.run(deadline_missed(CONTEXT, "tests.notifiers.FileNotifier", arguments))
    assert sent.read_text(encoding="utf-8") == f"newsclean: {message}"


def test_an_unknown_context_still_says_what_it_can() -> None:
    assert describe_miss(None) == "batch run ? of ? missed its deadline ? (state: ?)"


def test_a_notifier_path_without_a_module_is_refused() -> None:
    with pytest.raises(ValueError, match="expected module.Class"):
        asyncio.run(deadline_missed(CONTEXT, "FileNotifier", {}))
