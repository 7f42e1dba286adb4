#!/usr/bin/env bash
# make airflow: `airflow standalone` (api-server, scheduler, dag-processor, triggerer) for this project,
# from a plain shell (no venv to activate) and stopped whole by Ctrl-C (scripts/supervise.py).
# Settings: see scripts/airflow_env.sh (AIRFLOW__API__PORT, NEWSCLEAN_AIRFLOW_HOME, ...).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# standalone starts each component as `airflow ...` looked up on PATH
export PATH="$ROOT/.venv/bin:$PATH"
source "$ROOT/scripts/airflow_env.sh"
echo "AIRFLOW_HOME=$AIRFLOW_HOME  metadata: embedded PostgreSQL, database ${NEWSCLEAN_AIRFLOW_DB:-airflow}"
if ! airflow db migrate > "$AIRFLOW_HOME/db-migrate.log" 2>&1; then
  tail -40 "$AIRFLOW_HOME/db-migrate.log" >&2
  exit 1
fi
echo "UI and API: http://localhost:$AIRFLOW__API__PORT (user admin; password in $AIRFLOW_HOME/simple_auth_manager_passwords.json.generated)"
exec "$ROOT/.venv/bin/python" "$ROOT/scripts/supervise.py" -- airflow standalone
