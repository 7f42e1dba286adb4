#!/usr/bin/env bash
# The services of `make stack` and `make airflow`, started under scripts/supervise.py (which stops
# them all on Ctrl-C, and when one of them exits): with the CeleryExecutor (make stack,
# scripts/stack_env.sh) redis-server and $NEWSCLEAN_WORKERS Celery workers too; with the
# LocalExecutor (make airflow) the scheduler runs the tasks itself.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOGS="$AIRFLOW_HOME/stack-logs"
mkdir -p "$LOGS"
started() { echo "stack: $1 started (pid $!, log $LOGS/$1.log)"; }

celery=false
[ "${AIRFLOW__CORE__EXECUTOR:-}" = CeleryExecutor ] && celery=true
if $celery; then
  redis-server --bind 127.0.0.1 --port "$NEWSCLEAN_REDIS_PORT" --save "" --appendonly no \
    --dir "$LOGS" > "$LOGS/redis.log" 2>&1 &
  started redis
fi
airflow api-server --port "$AIRFLOW__API__PORT" > "$LOGS/api-server.log" 2>&1 &
started api-server
# Nothing schedules a task before the api-server answers: a task whose first call to the execution
# API times out would fail for no fault of its input (issue 25).
"$ROOT/.venv/bin/python" - <<'PY'
import os, sys, time, urllib.request
url = f"http://127.0.0.1:{os.environ['AIRFLOW__API__PORT']}/api/v2/monitor/health"
deadline = time.monotonic() + float(os.environ.get("NEWSCLEAN_API_WAIT", "300"))
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            if answer.status == 200:
                print("stack: the api-server answers", flush=True)
                sys.exit(0)
    except OSError:
        pass
    time.sleep(1)
sys.exit("stack: the api-server did not answer")
PY
for component in scheduler dag-processor triggerer; do
  airflow "$component" > "$LOGS/$component.log" 2>&1 &
  started "$component"
done
$celery || NEWSCLEAN_WORKERS=0
for n in $(seq 1 "$NEWSCLEAN_WORKERS"); do
  home="$AIRFLOW_HOME/workers/worker$n"
  mkdir -p "$home/tmp"
  # a folder, temp folder and name of its own: nothing is shared between workers but the databases
  # (and a port of its own for serving its task logs to the UI)
  (cd "$home" && TMPDIR="$home/tmp" NEWSCLEAN_WORKER_HOSTNAME="worker$n" \
    AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT="$((NEWSCLEAN_LOG_PORT + n - 1))" \
    exec airflow celery worker --celery-hostname "worker$n@%h" > "$LOGS/worker$n.log" 2>&1) &
  started "worker$n"
done
wait -n
echo "stack: a service exited; stopping the others (logs in $LOGS)" >&2
exit 1
