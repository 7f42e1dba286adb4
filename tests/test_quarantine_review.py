"""Quarantine review in Airflow: a batch that quarantines an article asks a person (HITLOperator);
the answer, given through the HITL REST endpoint's own handler while dag.test() runs, is applied
through the code of `newsclean quarantine release/drop` with the responding user in the note. A
batch with nothing in quarantine skips the review."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from pipeline.run import tasks

from .conftest import scalar
from .test_dag import load_dag
from .test_quarantine import batch_with_a_stripped_article

DAY = "2024-11-05"
REVIEWER = "reviewer-anna"
WAIT = 600  # seconds for the run to reach the review step (a bound, not a measured time)


def hitl_request(dag_id: str) -> tuple[str, str, str] | None:
    """(run id, body, subject) of the review step once it waits for a person, else None."""
    from airflow.models.hitl import HITLDetail
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from airflow.utils.state import TaskInstanceState

    with create_session() as session:
        row = session.execute(
            sa.select(TaskInstance.run_id, HITLDetail.body, HITLDetail.subject)
            .join(HITLDetail, HITLDetail.ti_id == TaskInstance.id)
            .where(
                TaskInstance.dag_id == dag_id,
                TaskInstance.task_id == "review_quarantine",
                TaskInstance.state == TaskInstanceState.AWAITING_INPUT,
            )  # fmt: skip
        ).first()
        return (row[0], row[1] or "", row[2] or "") if row else None


def respond(dag_id: str, run_id: str, option: str) -> None:
    """What PUT /api/v2/dags/{dag}/dagRuns/{run}/taskInstances/review_quarantine/-1/hitlDetails
    runs for a logged-in user: the endpoint's handler, called with that user."""
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser
    from airflow.api_fastapi.core_api.datamodels.hitl import UpdateHITLDetailPayload
    from airflow.api_fastapi.core_api.routes.public.hitl import update_hitl_detail
    from airflow.utils.session import create_session

    with create_session() as session:
        update_hitl_detail(dag_id=dag_id, dag_run_id=run_id, task_id="review_quarantine",
                           update_hitl_detail_payload=UpdateHITLDetailPayload(chosen_options=[option]),
                           user=SimpleAuthManagerUser(username=REVIEWER, role="admin"), session=session)  # fmt: skip


def run_answering(airflow_env: dict[str, str], conf: dict[str, Any], option: str | None) -> tuple[Any, str, str]:
    """dag.test() (in this thread: task runners set signal handlers) while a second thread answers
    the review with `option` (None: nobody answers); the finished run, the request's body and subject."""
    dag = load_dag(airflow_env)
    seen: dict[str, str] = {}
    done = threading.Event()

    def reviewer() -> None:
        deadline = time.monotonic() + WAIT
        while option is not None and not done.is_set() and time.monotonic() < deadline:
            request = hitl_request(dag.dag_id)
            if request:
                seen.update(run_id=request[0], body=request[1], subject=request[2])
                respond(dag.dag_id, request[0], option)
                return
            time.sleep(1)

    answering = threading.Thread(target=reviewer, daemon=True)
    answering.start()
    try:
        dag_run = dag.test(run_conf=conf)
    finally:
        done.set()
        answering.join(30)
    return dag_run, seen.get("body", ""), seen.get("subject", "")


def states(dag_run: Any) -> dict[str, str | None]:
    return {ti.task_id: ti.state for ti in dag_run.get_task_instances()}


@pytest.mark.parametrize(
    ("option", "status", "decisions"),
    [
        (tasks.RELEASE_ALL, "published", [("released", f"release all in Airflow's review by {REVIEWER}")]),
        (tasks.DROP_ALL, None, [("dropped", f"drop all in Airflow's review by {REVIEWER}")]),
        (tasks.ONE_BY_ONE, "quarantined", []),
    ],
    ids=["release", "drop", "one-by-one"],
)
def test_the_reviewers_answer_is_applied_with_their_name(
    airflow_env: dict[str, str], engine: sa.Engine, tmp_path: Path, option: str, status: str | None,
    decisions: list[tuple[str, str]],
) -> None:  # fmt: skip
    folder = batch_with_a_stripped_article(tmp_path)
    dag_run, body, subject = run_answering(airflow_env, {"batch": DAY, "input_dir": str(folder)}, option)
    assert str(dag_run.state) == "success", states(dag_run)
    assert subject == f"Batch {DAY}: 1 article(s) in quarantine"
    # what the reviewer reads: title, source, ratio, reason, and where the report page is
    assert "Harbor pictures of the week" in body and "removal ratio 0.9" in body and f"{DAY}.html" in body
    assert scalar(engine, "SELECT status FROM articles WHERE source_file = 'stripped.txt'") == status
    with engine.connect() as connection:
        made = [tuple(r) for r in connection.execute(sa.text("SELECT decision, note FROM quarantine_decisions"))]
    assert made == decisions
    if option == tasks.DROP_ALL:  # nothing lost: the dropped article's input is recorded as rejected
        assert scalar(engine, "SELECT count(*) FROM rejected_inputs WHERE source_file = 'stripped.txt'") == 1


def test_a_batch_without_quarantine_skips_the_review(
    airflow_env: dict[str, str], engine: sa.Engine, tmp_path: Path
) -> None:
    folder = batch_with_a_stripped_article(tmp_path)
    (folder / "stripped.txt").unlink()
    dag_run, _, _ = run_answering(airflow_env, {"batch": DAY, "input_dir": str(folder)}, None)
    found = states(dag_run)
    assert str(dag_run.state) == "success", found
    assert (found["list_quarantined"], found["review_quarantine"], found["apply_review"]) == ("skipped",) * 3


def test_the_review_request_lists_each_article() -> None:
    articles = [
        {"article_id": 7, "title": "Harbor | pictures", "source": "wire", "removal_ratio": 0.9312,
         "quarantine_reason": "removal ratio 0.93 >= 0.8"},
        {"article_id": 9, "title": None, "source": "agency", "removal_ratio": 0.85, "quarantine_reason": None},
    ]  # fmt: skip
    body = tasks.review_request(DAY, articles, "https://reports.example.org/2024-11-05.html")
    rows = [line for line in body.splitlines() if line.startswith("| 7") or line.startswith("| 9")]
    assert rows == [
        "| 7 | Harbor \\| pictures | wire | 0.93 | removal ratio 0.93 >= 0.8 |",
        "| 9 | - | agency | 0.85 | - |",
    ]
    assert "[https://reports.example.org/2024-11-05.html](https://reports.example.org/2024-11-05.html)" in body


def test_an_unknown_decision_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown review decision"):
        tasks.apply_review(DAY, "release some", REVIEWER)
