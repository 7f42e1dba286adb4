# Sourced by `make demo` and `make airflow`: a project-local Airflow whose metadata lives in the
# embedded PostgreSQL (database "airflow"), reading the bundled sample dumps.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AIRFLOW_HOME="$ROOT/.airflow"
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False
export ARTICLES_RAW_DIR="${ARTICLES_RAW_DIR:-$ROOT/samples/raw}"
export ARTICLES_STAGING_DIR="${ARTICLES_STAGING_DIR:-$AIRFLOW_HOME/staging}"
AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="$("$ROOT/.venv/bin/python" -c \
  'from pipeline.db import embedded_url; print(embedded_url("airflow").render_as_string(hide_password=False))')"
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN
mkdir -p "$AIRFLOW_HOME"
