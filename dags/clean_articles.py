"""Daily batches of raw article dumps -> clean articles in PostgreSQL.

Thin on purpose: every step is a function of pipeline.tasks, imported inside the task so that
parsing this file stays cheap. Only ids, paths and counts cross XCom; staging lives in
PostgreSQL, so every task can run on any worker host.

Which day: the run for the data interval [D-1, D) (created at midnight of D) loads the folder
${ARTICLES_RAW_DIR}/<D-1>/ (its logical date), waiting for it (and for the `wait_for_marker`
file, e.g. _SUCCESS) up to `wait_hours`; a manual trigger without a logical date loads the
`batch` param or today's date; `input_dir` overrides the folder. A missing or empty folder, a
batch whose every input is rejected, and a failed quality check fail at once (AirflowFailException);
every other fault (the execution API not answering yet, the database, the storage) is retried.

When a batch that passed its checks holds articles in quarantine, `review_quarantine` asks a person
(Required Actions in the UI, or the HITL REST API): release all, drop all, or decide one by one in
the CLI; `apply_review` applies the answer with the responding user in each decision's note.

Each run has a deadline: ${ARTICLES_DEADLINE_HOURS:-12} hours after it was queued (a scheduled run
is queued when its data interval ends; 0 turns the deadline off); a run still going then is logged by the triggerer and,
with ARTICLES_DEADLINE_NOTIFIER (an Airflow notifier class's import path) and
ARTICLES_DEADLINE_NOTIFIER_ARGS (JSON), sent through that notifier.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import Any

import pendulum
from airflow.providers.standard.operators.hitl import HITLOperator
from airflow.sdk import (
    Asset,
    AsyncCallback,
    CronDataIntervalTimetable,
    DeadlineAlert,
    DeadlineReference,
    Param,
    TriggerRule,
    dag,
    task,
)

ARTICLES_ASSET = Asset(name="clean_articles", uri="postgres://articles-db:5432/articles/public/articles")
CONNECTION_ID = "articles_db"
RAW_CONNECTION_ID = "articles_raw"  # optional: object-storage credentials for ARTICLES_RAW_DIR=s3://...
# Read when the file is parsed (by the dag-processor): deployment settings, not per-run params.
DEADLINE_HOURS = float(os.environ.get("ARTICLES_DEADLINE_HOURS") or 12)
DEADLINE_NOTIFIER = os.environ.get("ARTICLES_DEADLINE_NOTIFIER") or None
DEADLINE_NOTIFIER_ARGS = json.loads(os.environ.get("ARTICLES_DEADLINE_NOTIFIER_ARGS") or "{}")
POKE_SECONDS = float(os.environ.get("ARTICLES_POKE_SECONDS") or 300)  # how often a waiting run looks again
REVIEW_OPTIONS = ["release all", "drop all", "decide one by one in the CLI"]  # = pipeline.run.tasks.REVIEW_OPTIONS
# Unanswered this long, the review leaves the articles to the CLI and the run ends: a waiting run
# holds no worker slot, but it does hold one of max_active_runs.
REVIEW_HOURS = float(os.environ.get("ARTICLES_REVIEW_HOURS") or 72)


def _db_url() -> str | None:
    """The articles_db connection's URL (extras such as sslmode kept), or None to fall back to
    DATABASE_URL / the embedded PostgreSQL."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        connection = Connection.get(CONNECTION_ID)
    except AirflowNotFoundException:
        return None
    from pipeline.store.db import url_from_connection_uri

    return url_from_connection_uri(connection.get_uri()).render_as_string(hide_password=False)


def _use_raw_storage_connection() -> None:
    """When the articles_raw connection exists (type aws: login = access key id, password = secret,
    extra endpoint_url / region_name), raw dumps are read with it in this task's process;
    otherwise the storage library's own environment and config files apply."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        connection = Connection.get(RAW_CONNECTION_ID)
    except AirflowNotFoundException:
        return
    from pipeline.ingest.storage import use_s3_credentials

    extra = connection.extra_dejson
    use_s3_credentials(
        access_key=connection.login, secret_key=connection.password, session_token=extra.get("aws_session_token"),
        endpoint_url=extra.get("endpoint_url"), region=extra.get("region_name"),
    )  # fmt: skip


def _deadline() -> DeadlineAlert | None:
    """ARTICLES_DEADLINE_HOURS after the run was queued (a scheduled run is queued when its data
    interval ends; the logical date would make every backfilled day years late); 0 turns it off."""
    if DEADLINE_HOURS <= 0:
        return None
    notify = {"notifier": DEADLINE_NOTIFIER, "notifier_args": DEADLINE_NOTIFIER_ARGS}
    callback = AsyncCallback("pipeline.run.alerts.deadline_missed", kwargs=notify)
    interval = timedelta(hours=DEADLINE_HOURS)
    return DeadlineAlert(reference=DeadlineReference.DAGRUN_QUEUED_AT, interval=interval, callback=callback)


def _batch_id(context: dict[str, Any]) -> str:
    from pipeline.run import tasks

    return tasks.batch_date(context["params"].get("batch"), context.get("logical_date"))


def _fail_fast(error: Exception) -> Exception:
    """A fault retrying cannot fix (bad input, a failed check): fail the task at once."""
    from airflow.sdk.exceptions import AirflowFailException

    return AirflowFailException(str(error))


@dag(
    dag_id="clean_articles",
    description="Clean a day's raw article dumps and publish them to PostgreSQL as one batch",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=pendulum.datetime(2000, 1, 1, tz="UTC"),  # archives of any year can be backfilled
    catchup=False,
    max_active_runs=4,
    deadline=_deadline(),
    tags=["articles", "cleaning", "postgres"],
    default_args={"retries": 2, "retry_delay": timedelta(seconds=15), "retry_exponential_backoff": False},
    params={
        "batch": Param(
            None,
            type=["null", "string"],
            pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$",
            description="batch id; defaults to the run's logical date (else today)",
        ),
        "input_dir": Param(None, type=["null", "string"], description="defaults to $ARTICLES_RAW_DIR/<batch>"),
        "files_per_shard": Param(200, type="integer", minimum=1),
        "max_removal_ratio": Param(
            None,
            type=["null", "number"],
            minimum=0,
            maximum=1,
            description="defaults to checks.max_removal_ratio of the settings (0.75 shipped)",
        ),
        "rules_files": Param([], type="array", description="extra rules files (YAML) on the workers"),
        "keep_non_articles": Param(
            False,
            type="boolean",
            description="store pages judged not articles with their page_type instead of rejecting them (issue 23; "
            "defaults to page_types.keep_non_articles of the settings)",
        ),
        "wait_for_marker": Param(
            None, type=["null", "string"], description="scheduled runs wait for this file in the folder, e.g. _SUCCESS"
        ),
        "wait_hours": Param(
            6,
            type="number",
            minimum=0,
            maximum=24,
            description="how long a scheduled run waits for its folder (and marker)",
        ),
    },  # fmt: skip
    doc_md=__doc__,
)
def clean_articles() -> None:
    @task.sensor(poke_interval=POKE_SECONDS, timeout=24 * 3600, mode="reschedule")
    def wait_for_input(**context: Any) -> bool:
        """Scheduled runs wait for their day's folder (and marker) up to `wait_hours`, freeing their
        worker slot between pokes; other runs check it once. Either way a missing folder ends in a
        failure that says which folder."""
        from pipeline.run import tasks

        _use_raw_storage_connection()
        params = context["params"]
        batch = _batch_id(context)
        marker = params.get("wait_for_marker")
        if tasks.input_ready(batch, params.get("input_dir"), marker):
            return True
        where = tasks.batch_input_dir(batch, params.get("input_dir"))
        missing = f"batch {batch}: input folder {where} does not exist" + (f" or has no {marker}" if marker else "")
        dag_run = context["dag_run"]
        # the task SDK's DagRunType prints as "DagRunType.SCHEDULED": compare its value
        if getattr(dag_run.run_type, "value", dag_run.run_type) == "scheduled":
            waited = pendulum.now("UTC") - (dag_run.start_date or pendulum.now("UTC"))
            if waited < timedelta(hours=params["wait_hours"]):
                return False  # poke again later
            missing += f" after waiting {params['wait_hours']} h"
        raise _fail_fast(ValueError(missing))

    @task
    def plan(**context: Any) -> list[dict[str, Any]]:
        """One {run, shard} per shard: the mapped tasks take one each, the others the first's run."""
        from pipeline.run import flow, tasks

        _use_raw_storage_connection()
        params = context["params"]
        try:
            return tasks.plan(_batch_id(context), context["run_id"], params.get("input_dir"),
                              params["files_per_shard"], db_url=_db_url(),
                              keep_non_articles=bool(params.get("keep_non_articles")))  # fmt: skip
        except (flow.BatchError, ValueError) as exc:
            raise _fail_fast(exc) from exc

    @task(max_active_tis_per_dagrun=16)
    def learn(work: dict[str, Any]) -> int:
        from pipeline.run import tasks

        _use_raw_storage_connection()
        return tasks.learn(work["run"], work["shard"], db_url=_db_url())

    @task
    def merge_learned(shards: list[dict[str, Any]]) -> None:
        from pipeline.run import tasks

        tasks.merge_learned(shards[0]["run"], db_url=_db_url())

    @task(max_active_tis_per_dagrun=16)
    def clean(work: dict[str, Any], **context: Any) -> dict[str, int]:
        from pipeline.run import tasks

        _use_raw_storage_connection()
        rules_files = context["params"].get("rules_files") or []
        return tasks.clean(work["run"], work["shard"], rules_files, db_url=_db_url())

    @task
    def publish(shards: list[dict[str, Any]]) -> dict[str, Any]:
        from pipeline.run import flow, tasks

        try:
            return tasks.publish(shards[0]["run"], db_url=_db_url())
        except flow.BatchError as exc:
            raise _fail_fast(exc) from exc

    def quality_check(name: str) -> Any:
        @task(task_id=f"check_{name}")
        def check(counts: dict[str, Any], **context: Any) -> str:
            from pipeline.report.checks import QualityCheckFailed
            from pipeline.run import tasks

            bounds = {"max_ratio": context["params"]["max_removal_ratio"]} if name == "removal_ratio" else {}
            try:
                return tasks.check(name, _batch_id(context), db_url=_db_url(), **bounds)
            except QualityCheckFailed as exc:
                raise _fail_fast(exc) from exc

        return check

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def write_report(**context: Any) -> str:
        """The batch's HTML report page, written whether the checks passed or not (that is when a
        person needs it most): ${ARTICLES_REPORTS_DIR:-$AIRFLOW_HOME/reports}/<batch>.html."""
        import os

        from airflow.sdk.exceptions import AirflowSkipException

        from pipeline.run import tasks

        home = os.environ.get("AIRFLOW_HOME") or os.path.expanduser("~/airflow")
        reports = os.environ.get("ARTICLES_REPORTS_DIR") or os.path.join(home, "reports")
        try:
            return tasks.write_report(_batch_id(context), reports, db_url=_db_url())
        except LookupError as exc:  # the run never opened the batch (no input): nothing to report
            raise AirflowSkipException(str(exc)) from exc

    @task
    def check_drift(counts: dict[str, Any], **context: Any) -> dict[str, Any]:
        """Per-source drift against each source's baseline (issue 26): warns in the log and in the
        Asset's extra, never fails the batch."""
        from pipeline.run import tasks

        return tasks.drift(_batch_id(context), db_url=_db_url())

    @task(outlets=[ARTICLES_ASSET])
    def announce(counts: dict[str, Any], report: str, drift: dict[str, Any], *, outlet_events: Any = None,
                 **context: Any) -> dict[str, Any]:  # fmt: skip
        extra = {"batch_id": _batch_id(context), "report": report,
                 **{k: v for k, v in counts.items() if isinstance(v, int)}}  # fmt: skip
        extra["drifting_sources"] = drift["drifting_sources"]  # issue 26: [{source, batch_id, reasons}]
        outlet_events[ARTICLES_ASSET].extra = extra
        return extra

    @task
    def list_quarantined(counts: dict[str, Any], report: str, **context: Any) -> dict[str, Any]:
        """The review request for the batch's quarantined articles; skipped (and the review with it)
        when there are none."""
        from airflow.sdk.exceptions import AirflowSkipException

        from pipeline.run import tasks

        batch = _batch_id(context)
        articles = tasks.quarantined(batch, db_url=_db_url())
        if not articles:
            raise AirflowSkipException(f"batch {batch}: no article in quarantine")
        return {"batch": batch, "ids": [a["article_id"] for a in articles],
                "body": tasks.review_request(batch, articles, report)}  # fmt: skip

    review = HITLOperator(
        task_id="review_quarantine",
        subject="Batch {{ ti.xcom_pull(task_ids='list_quarantined')['batch'] }}: "
        "{{ ti.xcom_pull(task_ids='list_quarantined')['ids'] | length }} article(s) in quarantine",
        body="{{ ti.xcom_pull(task_ids='list_quarantined')['body'] }}",
        options=REVIEW_OPTIONS,
        defaults=REVIEW_OPTIONS[-1],
        response_timeout=timedelta(hours=REVIEW_HOURS),
        retries=0,  # a retry would ask the person again
    )

    @task
    def apply_review(answer: dict[str, Any], **context: Any) -> dict[str, list[int]]:
        """The reviewer's choice, through the code of `newsclean quarantine release/drop`."""
        from pipeline.run import tasks

        user = answer.get("responded_by_user") or {}
        reviewer = user.get("name") or user.get("id") or f"nobody within {REVIEW_HOURS:g} h (the default)"
        (decision,) = answer["chosen_options"]
        return tasks.apply_review(_batch_id(context), decision, reviewer, db_url=_db_url())

    shards = plan()
    wait_for_input() >> shards
    learn.expand(work=shards) >> merge_learned(shards) >> clean.expand(work=shards) >> (counts := publish(shards))
    checks = [quality_check(name)(counts) for name in ("no_empty_bodies", "counts_agree", "removal_ratio")]
    report = write_report()
    checks >> report
    checks >> announce(counts, report, check_drift(counts))
    # only a batch that passed its checks is reviewed article by article (else: its report, whole)
    to_review = list_quarantined(counts, report)
    checks >> to_review >> review
    apply_review(review.output)


clean_articles()
