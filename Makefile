# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The whole dependency tree is pinned per Python version (pip freeze of a clean install).
PYVER  := $(shell $(PYTHON) -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
LOCK   := $(firstword $(wildcard constraints/py$(PYVER).txt) constraints/py3.11.txt)

.PHONY: install test lint browser redis bench demo airflow stack

install: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[airflow,dev,embedded]'
	touch $(STAMP)

test: install lint browser redis
	$(BIN)/python -m pytest -q

# Debian's chromium for the HTML report's browser test (tests/test_report_html.py). Never fails:
# without root or apt the browser checks skip with a message.
browser:
	@command -v chromium >/dev/null 2>&1 \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) \
		|| echo "chromium not installed: browser tests will skip"

# Debian's redis-server, the Celery broker of `make stack` (and of tests/test_stack.py). Never fails:
# without root or apt the stack test skips with a message.
redis:
	@command -v redis-server >/dev/null 2>&1 \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server) \
		|| echo "redis-server not installed: make stack cannot start, tests/test_stack.py will skip"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Benchmarks print figures (nothing asserts a time). bench_scale's default is a million articles;
# this runs a tenth of it: python bench/bench_scale.py --help for the full run.
bench: install
	$(BIN)/python bench/bench_clean.py
	$(BIN)/python bench/bench_scale.py --articles 100000 --batch-size 20000

# venv, pinned install, embedded Postgres, the DAG over the bundled sample dumps, a report.
demo: install
	bash scripts/demo.sh

# Airflow standalone (api-server, scheduler, dag-processor, triggerer) against the embedded
# Postgres, DAG unpaused: `airflow backfill create --dag-id clean_articles ...` then works.
# No venv to activate (its bin/ goes first on PATH); Ctrl-C stops every process it started
# (scripts/supervise.py). AIRFLOW__API__PORT=8081 make airflow: another port.
airflow: install
	PATH="$(abspath $(BIN)):$$PATH" exec bash scripts/airflow_standalone.sh

# The production shape without Docker: CeleryExecutor, redis-server, the embedded PostgreSQL (Airflow's
# metadata and the articles), api-server (waited for), scheduler, dag-processor, triggerer and two
# Celery workers, each with its own temp folder and host name, on 127.0.0.1. Ctrl-C stops all of it.
# NEWSCLEAN_WORKERS=3 make stack: three workers. Settings: scripts/stack_env.sh.
stack: install redis
	PATH="$(abspath $(BIN)):$$PATH" exec bash scripts/stack.sh

# A compose client for tests/test_compose.py (`docker compose config`): Debian's docker-compose when
# neither it nor the docker compose plugin is there. Never fails the build: the check skips instead.
.PHONY: compose-cli
test: compose-cli
compose-cli:
	@docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    apt-get update -qq >/dev/null 2>&1 && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null 2>&1; } || \
	  echo "docker-compose could not be installed: tests/test_compose.py skips its compose check"
