"""Per-source drift (issue 26): each source's last batch against its trailing baseline (the
source_drift view), judged with settings.yaml drift:. Stable generated sources raise no alarm over
ten batches; a source whose layout breaks (bodies halved, its footer changed) is flagged; the DAG
warns in its Asset's extra and on the report page, and the batch does not fail."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bench.corpus import source_batch
from pipeline.core.settings import SHIPPED
from pipeline.report.drift import judge, series, source_drift
from pipeline.report.html_page import load_page_data, render_page
from pipeline.run.runner import run_batch

from .conftest import scalar

SOURCES = ("harbourpost", "valleytimes", "northwire", "citydaily")
BROKEN = "valleytimes"
STABLE_BATCHES = 10


def day(number: int) -> str:
    return f"2024-07-{number + 1:02d}"


def run_day(engine: sa.Engine, root: Path, number: int, broken: tuple[str, ...] = ()) -> str:
    folder = source_batch(root / day(number), SOURCES, number, broken=broken)
    run_batch(engine, folder, day(number))
    return day(number)


def test_stable_sources_raise_no_alarm_and_a_broken_layout_is_flagged(engine: sa.Engine, tmp_path: Path) -> None:
    for number in range(STABLE_BATCHES):
        batch = run_day(engine, tmp_path, number)
        judged = source_drift(engine, batch)
        assert {d.source for d in judged} == set(SOURCES)
        assert [d.to_json() for d in judged if d.drifting] == [], batch
    assert {d.baseline_batches for d in judged} == {SHIPPED.drift.window_batches}

    batch = run_day(engine, tmp_path, STABLE_BATCHES, broken=(BROKEN,))
    judged = {d.source: d for d in source_drift(engine, batch)}
    assert [s for s, d in judged.items() if d.drifting] == [BROKEN]
    reasons = " / ".join(judged[BROKEN].reasons)
    assert "median body" in reasons and "rule hit mix" in reasons, reasons
    assert judged[BROKEN].figures["non_article_rate"] == 0.0  # no page type yet: counted as articles

    # judged as of an earlier batch, the later one is left out: no alarm then
    assert not [d for d in source_drift(engine, day(STABLE_BATCHES - 1)) if d.drifting]
    # the report page lists the drifting source and charts every source over the window
    page = render_page(load_page_data(engine, batch))
    assert 'id="drift"' in page and f'id="chart-drift-{BROKEN}"' in page
    assert all(f'id="chart-drift-{source}"' in page for source in SOURCES)
    assert len(series(engine, batch)[BROKEN]) == SHIPPED.drift.window_batches + 1


def test_the_window_is_read_from_the_settings(engine: sa.Engine, tmp_path: Path) -> None:
    for number in range(4):
        batch = run_day(engine, tmp_path, number)
    short = dataclasses.replace(SHIPPED.drift, window_batches=2)
    assert {d.baseline_batches for d in source_drift(engine, batch, short)} == {2}
    assert {d.baseline_batches for d in source_drift(engine, batch)} == {3}
    # the view itself, as a person queries it: the shipped window unless the session sets another
    assert scalar(engine, "SELECT max(baseline_batches) FROM source_drift") == 3


def test_the_non_article_share_reads_the_page_type(engine: sa.Engine, tmp_path: Path) -> None:
    for number in range(2):
        batch = run_day(engine, tmp_path, number)
    rate = "SELECT non_article_rate FROM source_drift WHERE source = :s"
    assert scalar(engine, rate, s=BROKEN) == 0.0  # text input: every page is an article
    with engine.begin() as connection:  # in the last batch 3 pages of 10 are listings (issue 23)
        connection.execute(
            sa.text(
                "UPDATE articles SET page_type = 'listing' WHERE batch_id = :b AND source_file ~ '/00[0-2][.]txt$'"
            ),
            {"b": batch},
        )
    assert scalar(engine, rate, s=BROKEN) == pytest.approx(0.3)
    judged = {d.source: d for d in source_drift(engine, batch)}
    assert judged[BROKEN].figures["non_article_rate"] == pytest.approx(0.3)
    assert judged[BROKEN].baseline["non_article_rate"] == 0.0


ROW = {
    "source": "s", "batch_id": "b", "articles": 20, "rejected": 0, "baseline_batches": 5,
    "empty_or_rejected_rate": 0.0, "baseline_empty_or_rejected_rate": 0.0,
    "median_body_chars": 3000.0, "baseline_median_body_chars": 3000.0,
    "removal_ratio": 0.1, "baseline_removal_ratio": 0.1,
    "quarantine_rate": 0.0, "baseline_quarantine_rate": 0.0,
    "non_article_rate": None, "baseline_non_article_rate": None,
    "rule_mix_distance": 0.1,
}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({}, None),
        ({"empty_or_rejected_rate": 0.3}, "rejected or empty"),
        ({"median_body_chars": 1500.0}, "median body"),
        ({"median_body_chars": 6000.0}, "median body"),
        ({"median_body_chars": 2400.0}, None),
        ({"removal_ratio": 0.3}, "removal ratio"),
        ({"removal_ratio": 0.0}, None),
        ({"quarantine_rate": 0.2}, "quarantined"),
        ({"non_article_rate": 0.5, "baseline_non_article_rate": 0.0}, "non-article pages"),
        ({"rule_mix_distance": 0.6}, "rule hit mix"),
        ({"median_body_chars": 100.0, "baseline_batches": 2}, None),  # too short a baseline to judge
        ({"median_body_chars": 100.0, "articles": 3}, None),  # too few inputs to judge
    ],
)
def test_each_figure_past_its_bound_is_a_reason(change: dict[str, Any], reason: str | None) -> None:
    drift = judge({**ROW, **change}, SHIPPED.drift)
    assert [r.split(" ")[0] for r in drift.reasons] == ([] if reason is None else [reason.split(" ")[0]])
    if reason:
        assert drift.reasons[0].startswith(reason)


def asset_events(batch_id: str) -> list[dict[str, Any]]:
    """The extra of every event the DAG's Asset got for the batch (Airflow's metadata database)."""
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session

    with create_session() as session:
        events = session.scalars(sa.select(AssetEvent).order_by(AssetEvent.id)).all()
        return [dict(e.extra) for e in events if e.extra.get("batch_id") == batch_id]


def test_a_dag_run_warns_of_the_drifting_source_in_its_asset_and_publishes(
    airflow_env: dict[str, str], engine: sa.Engine, tmp_path: Path
) -> None:
    from .test_dag import run_dag

    for number in range(SHIPPED.drift.min_baseline_batches):
        run_day(engine, tmp_path, number)
    number = SHIPPED.drift.min_baseline_batches
    folder = source_batch(tmp_path / day(number), SOURCES, number, broken=(BROKEN,))
    ok, states = run_dag(airflow_env, {"batch": day(number), "input_dir": str(folder)})
    assert ok, states
    assert states["check_drift"] == states["announce"] == states["publish"] == "success"
    (extra,) = asset_events(day(number))
    assert [d["source"] for d in extra["drifting_sources"]] == [BROKEN]
    assert any("median body" in reason for reason in extra["drifting_sources"][0]["reasons"])
    assert scalar(engine, "SELECT status FROM batches WHERE batch_id = :b", b=day(number)) == "published"
    page = Path(airflow_env["AIRFLOW_HOME"]) / "reports" / f"{day(number)}.html"
    assert f"<strong>{BROKEN}</strong>" in page.read_text(encoding="utf-8")


def test_the_drift_check_never_fails_the_batch_even_when_it_cannot_run() -> None:
    from pipeline.run import tasks

    result = tasks.drift("2024-07-01", db_url="postgresql://newsclean:s3cret-pw@127.0.0.1:1/articles")
    assert result["drifting_sources"] == []
    assert "OperationalError" in result["drift_error"] and "s3cret-pw" not in result["drift_error"]
