"""The host name a task instance records (Airflow's [core] hostname_callable points here in `make
stack`): NEWSCLEAN_WORKER_HOSTNAME when set, so that two workers on one machine are told apart in
the UI and in task_instance.hostname; the machine's FQDN otherwise, as Airflow's own default."""

from __future__ import annotations

import os
import socket

WORKER_HOSTNAME_ENV = "NEWSCLEAN_WORKER_HOSTNAME"


def worker_hostname() -> str:
    return os.environ.get(WORKER_HOSTNAME_ENV) or socket.getfqdn()
