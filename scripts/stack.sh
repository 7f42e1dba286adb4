#!/usr/bin/env bash
# make stack: Airflow with the CeleryExecutor on 127.0.0.1, no Docker — redis-server (the broker),
# the embedded PostgreSQL (databases "airflow" and the articles'), the api-server, then (once it
# answers) the scheduler, dag-processor, triggerer and $NEWSCLEAN_WORKERS Celery workers, each with
# a temp folder and host name of its own. Ctrl-C stops all of it (scripts/supervise.py).
# Settings: scripts/stack_env.sh and scripts/airflow_env.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/.venv/bin:$PATH"
source "$ROOT/scripts/stack_env.sh"
command -v redis-server >/dev/null || { echo "redis-server is not installed (make redis, or apt-get install redis-server)" >&2; exit 2; }
echo "AIRFLOW_HOME=$AIRFLOW_HOME  executor: Celery ($NEWSCLEAN_WORKERS workers, broker redis://127.0.0.1:$NEWSCLEAN_REDIS_PORT)"
if ! airflow db migrate > "$AIRFLOW_HOME/db-migrate.log" 2>&1; then
  tail -40 "$AIRFLOW_HOME/db-migrate.log" >&2
  exit 1
fi
echo "UI and API: http://localhost:$AIRFLOW__API__PORT (user admin; password in $AIRFLOW_HOME/simple_auth_manager_passwords.json.generated)"
exec "$ROOT/.venv/bin/python" "$ROOT/scripts/supervise.py" -- bash "$ROOT/scripts/stack_services.sh"
