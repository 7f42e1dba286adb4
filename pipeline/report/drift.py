"""Per-source drift: each source's last batch against its trailing baseline (the source_drift view,
migration 0023), judged with the bounds of settings.yaml `drift:`. A warning for a person, never a
failed batch: a site that changed its layout shows as halved bodies, a new footer kept or removed
by other rules, more rejections or quarantines, before anyone reads its articles."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from pipeline.core.settings import DriftSettings, load_settings
from pipeline.store.sql import statement


@dataclass(frozen=True)
class SourceDrift:
    """One source's last batch, its baseline and what moved past the bounds (empty: stable)."""

    source: str
    batch_id: str
    inputs: int
    baseline_batches: int
    figures: dict[str, float | None]
    baseline: dict[str, float | None]
    reasons: list[str] = field(default_factory=list)

    @property
    def drifting(self) -> bool:
        return bool(self.reasons)

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "batch_id": self.batch_id, "reasons": self.reasons}


# The figures compared, as the view names them (the baseline's: "baseline_" + name).
FIGURES = ("empty_or_rejected_rate", "median_body_chars", "removal_ratio", "quarantine_rate", "non_article_rate")


@contextmanager
def drift_window(engine: sa.Engine, batch_id: str, settings: DriftSettings) -> Iterator[sa.Connection]:
    """A connection whose drift views read the window of the settings, as of batch_id."""
    with engine.begin() as connection:
        for name, value in (("upto", batch_id), ("window_batches", settings.window_batches),
                            ("window_days", settings.window_days)):  # fmt: skip
            connection.execute(
                sa.text("SELECT set_config(:n, :v, true)"), {"n": f"newsclean.drift_{name}", "v": str(value)}
            )
        yield connection


def source_drift(engine: sa.Engine, batch_id: str, settings: DriftSettings | None = None) -> list[SourceDrift]:
    """The sources of batch_id, drifting ones first, each judged against its baseline before it."""
    settings = settings or load_settings().drift
    with drift_window(engine, batch_id, settings) as connection:
        rows = connection.execute(sa.text(statement("drift_sources")), {"b": batch_id}).mappings().all()
    found = [judge(dict(row), settings) for row in rows]
    return sorted(found, key=lambda d: (not d.drifting, d.source))


def judge(row: dict[str, Any], settings: DriftSettings) -> SourceDrift:
    figures = {name: _number(row[name]) for name in FIGURES}
    baseline = {name: _number(row[f"baseline_{name}"]) for name in FIGURES}
    figures["rule_mix_distance"] = _number(row["rule_mix_distance"])
    inputs = int(row["articles"]) + int(row["rejected"])
    drift = SourceDrift(row["source"], row["batch_id"], inputs, int(row["baseline_batches"]), figures, baseline)
    if drift.baseline_batches >= settings.min_baseline_batches and inputs >= settings.min_inputs:
        drift.reasons.extend(reasons(figures, baseline, settings))
    return drift


def reasons(now: dict[str, float | None], before: dict[str, float | None], settings: DriftSettings) -> Iterator[str]:
    """What moved past its bound, in words with the figures."""
    rise = _change(now, before, "empty_or_rejected_rate")
    if rise is not None and rise >= settings.max_rejected_increase:
        yield f"rejected or empty {_pct(now, before, 'empty_or_rejected_rate')}"
    length, usual = now["median_body_chars"], before["median_body_chars"]
    if length is not None and usual:
        share = length / usual
        if share < settings.body_length_ratio or share > 1 / settings.body_length_ratio:
            yield f"median body {length:,.0f} chars (baseline {usual:,.0f}, x{share:.2f})"
    moved = _change(now, before, "removal_ratio")
    if moved is not None and abs(moved) >= settings.max_removal_change:
        yield f"removal ratio {_pct(now, before, 'removal_ratio')}"
    rise = _change(now, before, "quarantine_rate")
    if rise is not None and rise >= settings.max_quarantine_increase:
        yield f"quarantined {_pct(now, before, 'quarantine_rate')}"
    rise = _change(now, before, "non_article_rate")
    if rise is not None and rise >= settings.max_non_article_increase:
        yield f"non-article pages {_pct(now, before, 'non_article_rate')}"
    distance = now["rule_mix_distance"]
    if distance is not None and distance >= settings.max_rule_mix_distance:
        yield f"rule hit mix changed (distance {distance:.2f})"


def _change(now: dict[str, float | None], before: dict[str, float | None], name: str) -> float | None:
    value, usual = now[name], before[name]
    return None if value is None or usual is None else value - usual


def _pct(now: dict[str, float | None], before: dict[str, float | None], name: str) -> str:
    return f"{(now[name] or 0):.0%} (baseline {(before[name] or 0):.0%})"


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def series(engine: sa.Engine, batch_id: str, settings: DriftSettings | None = None) -> dict[str, list[dict[str, Any]]]:
    """Per source, its figures batch by batch over the window up to batch_id (oldest first): the
    report page's charts."""
    settings = settings or load_settings().drift
    with drift_window(engine, batch_id, settings) as connection:
        rows = connection.execute(sa.text(statement("drift_series"))).mappings().all()
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["source"], []).append(dict(row))
    return found
