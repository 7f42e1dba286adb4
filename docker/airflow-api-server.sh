#!/usr/bin/env bash
# The api-server of the production stack, with its admin login: Airflow 3's simple auth manager,
# user `admin` (AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=admin:admin) whose password is
# AIRFLOW_ADMIN_PASSWORD, written to the auth manager's password file before the server starts.
# Only this container gets the password; it is not left in the server's environment.
set -euo pipefail
: "${AIRFLOW_ADMIN_PASSWORD:?set AIRFLOW_ADMIN_PASSWORD}"
: "${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:?}"
umask 077
python3 - "$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE" <<'PY'
import json, os, sys

with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"admin": os.environ["AIRFLOW_ADMIN_PASSWORD"]}, out)
PY
unset AIRFLOW_ADMIN_PASSWORD
exec airflow api-server "$@"
