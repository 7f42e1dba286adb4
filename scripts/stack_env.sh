# Sourced by `make stack` (scripts/stack.sh): the settings of the Celery stack on 127.0.0.1, on top of
# scripts/airflow_env.sh. The same settings as docker-compose.yml's x-airflow-common environment,
# with local addresses; a worker on another host needs these (see README, "Add a worker on another host").
#   NEWSCLEAN_REDIS_PORT        the broker's port (default 6379)
#   NEWSCLEAN_WORKERS           Celery workers started on this machine (default 2)
#   AIRFLOW__CELERY__WORKER_CONCURRENCY   task slots per worker (default 2)
#   NEWSCLEAN_LOG_PORT          worker n serves its task logs on this port + n - 1 (default 8793)
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/airflow_env.sh"
export AIRFLOW__CORE__EXECUTOR=CeleryExecutor
export NEWSCLEAN_REDIS_PORT="${NEWSCLEAN_REDIS_PORT:-6379}"
export NEWSCLEAN_WORKERS="${NEWSCLEAN_WORKERS:-2}"
export NEWSCLEAN_LOG_PORT="${NEWSCLEAN_LOG_PORT:-8793}"
export AIRFLOW__CELERY__BROKER_URL="${AIRFLOW__CELERY__BROKER_URL:-redis://127.0.0.1:$NEWSCLEAN_REDIS_PORT/0}"
# Celery's task results go to the metadata database (as in the compose file): nothing else to run.
export AIRFLOW__CELERY__RESULT_BACKEND="${AIRFLOW__CELERY__RESULT_BACKEND:-db+$AIRFLOW__DATABASE__SQL_ALCHEMY_CONN}"
export AIRFLOW__CELERY__WORKER_CONCURRENCY="${AIRFLOW__CELERY__WORKER_CONCURRENCY:-2}"
# Each task instance records its worker's name (NEWSCLEAN_WORKER_HOSTNAME, set per worker below).
export AIRFLOW__CORE__HOSTNAME_CALLABLE=pipeline.run.hosts.worker_hostname
