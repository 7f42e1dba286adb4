# The Airflow image of the production stack: the official Airflow 3 image plus this project.
FROM apache/airflow:3.3.2-python3.11

USER airflow
WORKDIR /opt/newsclean
COPY --chown=airflow:root pyproject.toml README.md ./
COPY --chown=airflow:root constraints/ constraints/
COPY --chown=airflow:root pipeline/ pipeline/
COPY --chown=airflow:root sql/ sql/
# Airflow and its providers come with the image; only the pipeline's own pins are added.
RUN pip install --no-cache-dir -c constraints/py3.11.txt -e .
