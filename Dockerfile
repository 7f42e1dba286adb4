# The Airflow image of the production stack: the official Airflow 3 image plus this project, as a wheel.

# 1. The wheel. pipeline/sql is a symlink to ../sql, followed by the build: the migrations, named
#    queries and store statements ship inside the package (pipeline/sql/...), with pipeline/data.
FROM python:3.11-slim-bookworm AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY sql/ sql/
COPY pipeline/ pipeline/
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /dist .

# 2. The image: Airflow and its providers come with the base image; the wheel adds the package and
#    its runtime dependencies (plus the `s3` extra: raw dumps read from a bucket), pinned by the
#    constraints file. No source tree, no editable install, no dev or embedded-server packages.
FROM apache/airflow:3.3.2-python3.11
USER airflow
COPY --from=wheel /dist/ /tmp/dist/
COPY constraints/py3.11.txt /tmp/constraints.txt
RUN pip install --no-cache-dir -c /tmp/constraints.txt "$(ls /tmp/dist/newsclean_pipeline-*.whl)[s3]"
# The DAG is part of the image, so a worker on any host needs only the image and the environment.
COPY --chown=airflow:root dags/ /opt/airflow/dags/
COPY --chown=airflow:root docker/airflow-api-server.sh /opt/newsclean/airflow-api-server.sh
