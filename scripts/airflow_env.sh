# Sourced by `make demo` and `make airflow`: a project-local Airflow whose metadata lives in the
# embedded PostgreSQL (database "airflow"), reading the bundled sample dumps.
#   NEWSCLEAN_AIRFLOW_HOME   the Airflow home (default .airflow/ in the project)
#   NEWSCLEAN_AIRFLOW_DB     the metadata database on the embedded server (default airflow)
#   AIRFLOW__API__PORT       the api-server's port (default 8080)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AIRFLOW_HOME="${NEWSCLEAN_AIRFLOW_HOME:-$ROOT/.airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False
# The LocalExecutor of `make airflow` forks this many workers at start (Airflow's default, 32,
# is a lot of memory for a laptop).
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-8}"
export AIRFLOW__API__PORT="${AIRFLOW__API__PORT:-8080}"
# Task processes report to the api-server's execution API, on the port above.
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="${AIRFLOW__CORE__EXECUTION_API_SERVER_URL:-http://localhost:$AIRFLOW__API__PORT/execution/}"
export ARTICLES_RAW_DIR="${ARTICLES_RAW_DIR:-$ROOT/samples/raw}"
AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="$("$ROOT/.venv/bin/python" -c \
  'import sys; from pipeline.store.db import embedded_url; print(embedded_url(sys.argv[1]).render_as_string(hide_password=False))' \
  "${NEWSCLEAN_AIRFLOW_DB:-airflow}")"
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN
mkdir -p "$AIRFLOW_HOME"
# Task processes call the api-server's execution API with tokens it signs: every component shares
# the secret. Generated once per AIRFLOW_HOME (mode 600), never printed.
if [ -z "${AIRFLOW__API_AUTH__JWT_SECRET:-}" ]; then
  [ -s "$AIRFLOW_HOME/jwt_secret" ] || (umask 077 && "$ROOT/.venv/bin/python" -c \
    'import secrets; print(secrets.token_urlsafe(32))' > "$AIRFLOW_HOME/jwt_secret")
  AIRFLOW__API_AUTH__JWT_SECRET="$(cat "$AIRFLOW_HOME/jwt_secret")"
  export AIRFLOW__API_AUTH__JWT_SECRET
fi
