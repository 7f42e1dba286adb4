"""Driving the local Airflow stack (`make airflow`, `make stack`) from a test or a benchmark.

One copy of what tests/test_make_airflow.py, tests/test_stack.py and bench/bench_celery.py all
need: a free port on 127.0.0.1, the REST API as the admin user of the simple auth manager, a fresh
metadata database on the embedded server, rows from it, and polling until something holds. Each
caller keeps its own way to fail (pytest.fail in a test, SystemExit in a benchmark).
"""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class AirflowApi:
    """The REST API of an api-server on 127.0.0.1, as the admin user (password from the generated file)."""

    def __init__(self, port: int, home: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.home = home
        self.token: str | None = None

    def login(self) -> AirflowApi:
        passwords = json.loads((self.home / "simple_auth_manager_passwords.json.generated").read_text())
        answer = self.call("POST", "/auth/token", {"username": "admin", "password": passwords["admin"]}, auth=False)
        self.token = str(answer["access_token"])
        return self

    def call(self, method: str, path: str, body: Any = None, auth: bool = True) -> Any:
        headers = {"Content-Type": "application/json"}
        if auth:
            if self.token is None:
                self.login()
            headers["Authorization"] = f"Bearer {self.token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")


def drop_embedded_database(name: str) -> None:
    """No run of an earlier test or benchmark left in a metadata database to hold the DAG's run slots."""
    from pipeline.store.db import embedded_url

    admin = sa.create_engine(embedded_url("postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def embedded_rows(database: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """The rows of one query against a database of the embedded server (Airflow's metadata)."""
    from pipeline.store.db import embedded_url

    engine = sa.create_engine(embedded_url(database))
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


def poll(check: Callable[[], Any], timeout: float, interval: float = 2.0,
         gave_up: Callable[[], str | None] = lambda: None) -> Any:  # fmt: skip
    """The first truthy answer of `check` within `timeout` seconds, or None.

    A refused connection counts as "not yet" (a server still starting). `gave_up` says why to stop
    waiting early (a stack that exited), raised as a RuntimeError.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reason = gave_up()
        if reason:
            raise RuntimeError(reason)
        try:
            found = check()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(interval)
    return None
