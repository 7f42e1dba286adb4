"""Daily batches of raw article dumps -> clean articles in PostgreSQL.

Thin on purpose: every step is a function of pipeline.tasks, imported inside the task so that
parsing this file stays cheap. Only paths and counts cross XCom.

Batch: the folder ${ARTICLES_RAW_DIR}/<ds>/ (or the `batch` / `input_dir` params).
Database: Airflow connection `articles_db`, else DATABASE_URL, else the embedded PostgreSQL.
Learned per-source boilerplate is applied while cleaning and updated by the publish (with the
near-duplicate clusters, inside the publish transaction); relearn_boilerplate republishes the
batch when its own publish taught new lines.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, Param, dag, task

ARTICLES_ASSET = Asset(name="clean_articles", uri="postgres://articles-db:5432/articles/public/articles")
CONNECTION_ID = "articles_db"


def _db_url() -> str | None:
    """The articles_db connection's URL, or None to fall back to DATABASE_URL / embedded Postgres."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        connection = Connection.get(CONNECTION_ID)
    except AirflowNotFoundException:
        return None
    from pipeline.db import url_from_parts

    return url_from_parts(connection.login, connection.password, connection.host, connection.port, connection.schema)


def _batch_id(context: dict[str, Any]) -> str:
    return str(context["params"].get("batch") or context["ds"])


@dag(
    dag_id="clean_articles",
    description="Clean a day's raw article dumps and publish them to PostgreSQL as one batch",
    schedule="@daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=4,
    tags=["articles", "cleaning", "postgres"],
    default_args={"retries": 2, "retry_delay": timedelta(seconds=15), "retry_exponential_backoff": False},
    params={
        "batch": Param(None, type=["null", "string"], description="batch id; defaults to the run's ds"),
        "input_dir": Param(None, type=["null", "string"], description="defaults to $ARTICLES_RAW_DIR/<batch>"),
        "files_per_shard": Param(200, type="integer", minimum=1),
        "max_removal_ratio": Param(0.75, type="number", minimum=0, maximum=1),
        "rules_files": Param([], type="array", description="extra rules files (YAML) on the workers"),
    },
    doc_md=__doc__,
)
def clean_articles() -> None:
    @task
    def plan(**context: Any) -> list[dict[str, Any]]:
        from pipeline import tasks

        params = context["params"]
        return tasks.plan_shards(
            _batch_id(context), params.get("input_dir"), files_per_shard=params["files_per_shard"], db_url=_db_url()
        )

    @task
    def learned_before(**context: Any) -> str:
        from pipeline import tasks

        return tasks.learned_fingerprint(_db_url())

    @task(max_active_tis_per_dagrun=16)
    def clean(shard: dict[str, Any], **context: Any) -> dict[str, Any]:
        from pipeline import tasks

        return tasks.clean_shard(shard, context["params"].get("rules_files") or [], db_url=_db_url())

    @task
    def publish(shard_results: list[dict[str, Any]], **context: Any) -> dict[str, Any]:
        from pipeline import tasks

        return tasks.publish(_batch_id(context), list(shard_results), db_url=_db_url())

    @task
    def relearn_boilerplate(
        counts: dict[str, Any], shards: list[dict[str, Any]], fingerprint: str, **context: Any
    ) -> dict[str, Any]:
        """Publishing updated the per-source line statistics; if that taught new boilerplate,
        clean and publish the batch once more with it (the batch uses what it taught)."""
        from pipeline import tasks

        rules_files = context["params"].get("rules_files") or []
        result = tasks.relearn(_batch_id(context), list(shards), fingerprint, rules_files, db_url=_db_url())
        return {**counts, **result}

    @task
    def check_no_empty_bodies(counts: dict[str, Any], **context: Any) -> str:
        from pipeline import quality, tasks

        return quality.check_no_empty_bodies(tasks.engine_for(_db_url()), _batch_id(context)).describe()

    @task
    def check_counts_agree(counts: dict[str, Any], **context: Any) -> str:
        from pipeline import quality, tasks

        return quality.check_counts_agree(tasks.engine_for(_db_url()), _batch_id(context)).describe()

    @task
    def check_removal_ratio(counts: dict[str, Any], **context: Any) -> str:
        from pipeline import quality, tasks

        engine = tasks.engine_for(_db_url())
        return quality.check_removal_ratio(
            engine, _batch_id(context), context["params"]["max_removal_ratio"]
        ).describe()

    @task(outlets=[ARTICLES_ASSET])
    def announce(counts: dict[str, Any], *, outlet_events: Any = None, **context: Any) -> dict[str, Any]:
        extra = {"batch_id": _batch_id(context), **{k: v for k, v in counts.items() if isinstance(v, int)}}
        outlet_events[ARTICLES_ASSET].extra = extra
        return extra

    fingerprint = learned_before()
    shards = plan()
    fingerprint >> shards  # the fingerprint is taken before any shard is cleaned
    published = publish(clean.expand(shard=shards))
    counts = relearn_boilerplate(published, shards, fingerprint)
    checks = [check_no_empty_bodies(counts), check_counts_agree(counts), check_removal_ratio(counts)]
    checks >> announce(counts)


clean_articles()
