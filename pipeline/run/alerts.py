"""A batch that missed its deadline: what the DAG's DeadlineAlert calls (in Airflow's triggerer).

Pure Python like the rest of the package (no Airflow import here): the notifier, when one is
configured, is named by its import path and loaded only when a deadline is missed.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from typing import Any

log = logging.getLogger(__name__)
MISSED = "batch run {run_id} of {dag_id} missed its deadline {deadline} (state: {state})"


def describe_miss(context: dict[str, Any] | None) -> str:
    """One line naming the run, its deadline and its state, from the context Airflow passes."""
    run = (context or {}).get("dag_run") or {}
    deadline = ((context or {}).get("deadline") or {}).get("deadline_time")
    return MISSED.format(run_id=run.get("dag_run_id") or run.get("run_id") or "?", dag_id=run.get("dag_id") or "?",
                         deadline=deadline or "?", state=run.get("state") or "?")  # fmt: skip


def load_notifier(path: str, arguments: dict[str, Any]) -> Any:
    """An instance of the notifier class at `path` (module.Class), built with `arguments`."""
    module, _, name = path.rpartition(".")
    if not module:
        raise ValueError(f"notifier {path!r}: expected module.Class")
    return getattr(importlib.import_module(module), name)(**arguments)


async def deadline_missed(
    context: dict[str, Any] | None = None, notifier: str | None = None, notifier_args: dict[str, Any] | None = None
) -> str:
    """Log the miss; with `notifier` (the import path of an Airflow notifier class, e.g.
    airflow.providers.smtp.notifications.smtp.SmtpNotifier) and its arguments, send it through
    that notifier too: its templated fields see {{ message }} and the run as {{ dag_run }}.
    Returns the message."""
    message = describe_miss(context)
    log.warning(message)
    if notifier:
        sender = load_notifier(notifier, dict(notifier_args or {}))
        # calling a notifier renders its templates, then notify() blocks (SMTP, HTTP): off the event loop
        await asyncio.to_thread(sender, {**(context or {}), "message": message})
    return message
