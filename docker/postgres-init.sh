#!/usr/bin/env bash
# Run once by the postgres image when it initializes an empty data directory: one server, two
# databases (Airflow's metadata, the clean articles), each owned by its own login. The passwords come
# from the environment (docker-compose.yml passes AIRFLOW_DB_PASSWORD and ARTICLES_DB_PASSWORD) and
# reach the server as psql variables, quoted by psql (:'name'), never pasted into the SQL text.
set -euo pipefail
: "${AIRFLOW_DB_PASSWORD:?set AIRFLOW_DB_PASSWORD}"
: "${ARTICLES_DB_PASSWORD:?set ARTICLES_DB_PASSWORD}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  --set airflow_password="$AIRFLOW_DB_PASSWORD" \
  --set articles_password="$ARTICLES_DB_PASSWORD" <<'SQL'
CREATE USER airflow WITH PASSWORD :'airflow_password';
CREATE DATABASE airflow OWNER airflow;
CREATE USER articles WITH PASSWORD :'articles_password';
CREATE DATABASE articles OWNER articles;
SQL
