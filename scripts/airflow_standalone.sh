#!/usr/bin/env bash
# make airflow: Airflow's api-server, then (once it answers) scheduler, dag-processor and triggerer,
# with the LocalExecutor, for this project, from a plain shell (no venv to activate) and stopped
# whole by Ctrl-C (scripts/supervise.py). Not `airflow standalone`: it starts the scheduler with the
# api-server, and a task started before the api-server answered failed for no fault of its input.
# Settings: see scripts/airflow_env.sh (AIRFLOW__API__PORT, NEWSCLEAN_AIRFLOW_HOME, ...).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# each component starts as `airflow ...`, looked up on PATH
export PATH="$ROOT/.venv/bin:$PATH"
source "$ROOT/scripts/airflow_env.sh"
echo "AIRFLOW_HOME=$AIRFLOW_HOME  metadata: embedded PostgreSQL, database ${NEWSCLEAN_AIRFLOW_DB:-airflow}"
if ! airflow db migrate > "$AIRFLOW_HOME/db-migrate.log" 2>&1; then
  tail -40 "$AIRFLOW_HOME/db-migrate.log" >&2
  exit 1
fi
echo "UI and API: http://localhost:$AIRFLOW__API__PORT (user admin; password in $AIRFLOW_HOME/simple_auth_manager_passwords.json.generated)"
export AIRFLOW__CORE__EXECUTOR=LocalExecutor
exec "$ROOT/.venv/bin/python" "$ROOT/scripts/supervise.py" -- bash "$ROOT/scripts/stack_services.sh"
