"""The batch report as one self-contained HTML page: removals by category and rule, removal ratio
per source, rejected inputs, quarantined articles, a trend over the last batches, and the batch's
articles with their kept and removed text in input order.

Everything is inlined (CSS, a little JS, SVG charts drawn here), and a Content-Security-Policy
allows nothing else: the page fetches nothing. The data comes from a few aggregate queries of
sql/store/report_html_*.sql. The same database gives the same page, byte for byte.
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import os
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pipeline.report.drift import SourceDrift, series, source_drift
from pipeline.report.versions import diff_hunks, version_text
from pipeline.store.sql import statement
from pipeline.store.versions import Version

DEFAULT_LAST = 14  # batches in the trend
TOP_ARTICLES = 200  # articles with the highest removal ratio in the article view
MAX_QUARANTINED = 1000  # quarantined articles listed (and added to the article view)
MAX_REJECTED = 500
MAX_SOURCES = 40
MAX_RULES = 30

# Tableau 10, then more for categories of your own rules.
CATEGORY_COLORS = {
    "caption": "#4e79a7", "agency": "#f28e2b", "newsletter": "#e15759", "share": "#76b7b2", "related": "#59a14f",
    "ad": "#edc948", "comments": "#b07aa1", "furniture": "#ff9da7", "repetition": "#9c755f", "learned": "#6b6ecf",
    "page": "#bab0ac",
}  # fmt: skip
OTHER_COLORS = ("#8c564b", "#17becf", "#bcbd22", "#7f7f7f", "#d62728", "#2ca02c", "#9467bd", "#1f77b4")
BAR_COLOR = "#6b8fb5"
CURRENT_COLOR = "#2f5f8f"
QUARANTINE_COLOR = "#c8553d"


def esc(value: object) -> str:
    """Text or attribute value, HTML-escaped (quotes too)."""
    return html.escape(str(value), quote=True)


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def percent(ratio: float | None) -> str:
    return "–" if ratio is None else f"{ratio * 100:.1f} %"


def ratio_of(removed: int | None, total: int | None) -> float | None:
    return (removed or 0) / total if total else None


def utc(moment: datetime | None) -> str:
    return "–" if moment is None else moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def category_color(category: str) -> str:
    known = CATEGORY_COLORS.get(category)
    return known or OTHER_COLORS[zlib.crc32(category.encode("utf-8")) % len(OTHER_COLORS)]


# ---------------------------------------------------------------- data


class RemovalRatio:
    """Rows that count removed and input characters (a source, a batch, an article) share their ratio."""

    removed_chars: int
    input_chars: int

    @property
    def ratio(self) -> float | None:
        return ratio_of(self.removed_chars, self.input_chars)


@dataclass(frozen=True)
class RuleCount:
    category: str
    rule: str
    pieces: int
    chars: int


@dataclass(frozen=True)
class SourceRatio(RemovalRatio):
    source: str
    articles: int
    quarantined: int
    removed_chars: int
    input_chars: int


@dataclass(frozen=True)
class TrendPoint(RemovalRatio):
    batch_id: str
    status: str
    articles: int
    rejected: int
    quarantined: int
    removed_chars: int
    input_chars: int


@dataclass(frozen=True)
class Rejected:
    source_file: str
    line: int
    reason: str


@dataclass(frozen=True)
class Kept:
    """A kept paragraph: its index in the clean body and in the input (None before migration 0015)."""

    position: int
    source_position: int | None
    text: str


@dataclass(frozen=True)
class Piece:
    """A removed piece at its input position."""

    seq: int
    position: int
    rule: str
    category: str
    scope: str
    text: str


@dataclass
class ArticleView(RemovalRatio):
    article_id: int
    title: str | None
    source: str | None
    source_file: str
    source_line: int | None
    url: str | None
    subtitle: str | None
    section: str | None
    authors: list[str]
    agencies: list[str]
    seo_title: str | None
    published_at: datetime | None
    updated_at: datetime | None
    dateline: str | None
    language: str | None
    status: str
    quarantine_reason: str | None
    paragraph_count: int
    removed_count: int
    removed_chars: int
    input_chars: int
    paragraphs: list[Kept] = field(default_factory=list)
    removals: list[Piece] = field(default_factory=list)
    captions: list[tuple[str, str | None]] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)  # earlier texts, oldest first (article_versions)


@dataclass
class PageData:
    ledger: dict[str, Any]
    rules: list[RuleCount]
    sources: list[SourceRatio]
    source_count: int
    rejected: list[Rejected]
    rejected_total: int
    trend: list[TrendPoint]
    articles: list[ArticleView]
    batch_articles: int
    batch_quarantined: int
    top: int
    last: int
    # issue 26: the batch's sources against their baselines, and their figures over the window
    drift: list[SourceDrift] = field(default_factory=list)
    drift_series: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def batch_id(self) -> str:
        return str(self.ledger["batch_id"])

    @property
    def current(self) -> TrendPoint | None:
        return next((p for p in self.trend if p.batch_id == self.batch_id), None)

    @property
    def categories(self) -> list[tuple[str, int, int]]:
        """(category, pieces, chars), most pieces first."""
        pieces: dict[str, int] = defaultdict(int)
        chars: dict[str, int] = defaultdict(int)
        for rule in self.rules:
            pieces[rule.category] += rule.pieces
            chars[rule.category] += rule.chars
        return sorted(((c, pieces[c], chars[c]) for c in pieces), key=lambda t: (-t[1], -t[2], t[0]))

    @property
    def quarantined(self) -> list[ArticleView]:
        return [a for a in self.articles if a.status == "quarantined"]


def _rows(connection: sa.Connection, name: str, **params: Any) -> list[Any]:
    return list(connection.execute(sa.text(statement(name)), params))


def load_page_data(engine: sa.Engine, batch_id: str, last: int = DEFAULT_LAST, top: int = TOP_ARTICLES) -> PageData:
    """Everything the page shows, in a handful of queries (none per article)."""
    with engine.connect() as connection:
        ledger = connection.execute(sa.text(statement("report_ledger")), {"b": batch_id}).one_or_none()
        if ledger is None:
            raise LookupError(f"no batch {batch_id!r} in the ledger")
        rules = [RuleCount(r.category, r.rule, int(r.pieces), int(r.chars or 0))
                 for r in _rows(connection, "report_html_removals_by_rule", b=batch_id)]  # fmt: skip
        sources = _rows(connection, "report_html_sources", b=batch_id, limit=MAX_SOURCES)
        rejected = _rows(connection, "report_html_rejected", b=batch_id, limit=MAX_REJECTED)
        trend = _rows(connection, "report_html_trend", b=batch_id, last=last)
        chosen = _rows(connection, "report_html_articles", b=batch_id, top=top, quarantined=MAX_QUARANTINED)
        articles = _load_articles(connection, chosen)
    return PageData(
        ledger=dict(ledger._mapping),
        rules=rules,
        sources=[SourceRatio(r.source, r.articles, r.quarantined, int(r.removed_chars or 0), int(r.input_chars or 0))
                 for r in sources],
        source_count=int(sources[0].sources) if sources else 0,
        rejected=[Rejected(r.source_file, r.line, r.reason) for r in rejected],
        rejected_total=int(rejected[0].total) if rejected else 0,
        trend=[TrendPoint(r.batch_id, r.status, r.articles_loaded, r.inputs_rejected, r.articles_quarantined,
                          int(r.removed_chars), int(r.input_chars)) for r in trend],
        articles=articles,
        batch_articles=int(chosen[0].batch_articles) if chosen else 0,
        batch_quarantined=int(chosen[0].batch_quarantined) if chosen else 0,
        top=top,
        last=last,
        drift=source_drift(engine, batch_id),
        drift_series=series(engine, batch_id),
    )  # fmt: skip


def _load_articles(connection: sa.Connection, chosen: Sequence[Any]) -> list[ArticleView]:
    """The chosen articles with their paragraphs, removals and captions: three queries for all of them."""
    views = {
        r.article_id: ArticleView(
            r.article_id, r.title, r.source, r.source_file, r.source_line, r.url, r.subtitle, r.section,
            list(r.authors or []), list(r.agencies or []), r.seo_title, r.published_at, r.updated_at, r.dateline,
            r.language, r.status, r.quarantine_reason,
            r.paragraph_count, r.removed_count, r.removed_chars, r.input_chars,
        )
        for r in chosen
    }  # fmt: skip
    ids = list(views)
    if not ids:
        return []
    for r in _rows(connection, "report_html_paragraphs", ids=ids):
        views[r.article_id].paragraphs.append(Kept(r.position, r.source_position, r.text))
    for r in _rows(connection, "report_html_removals", ids=ids):
        views[r.article_id].removals.append(Piece(r.seq, r.position, r.rule, r.category, r.scope, r.text))
    for r in _rows(connection, "report_html_captions", ids=ids):
        views[r.article_id].captions.append((r.text, r.credit))
    for r in _rows(connection, "report_html_versions", ids=ids):
        views[r.article_id].versions.append(Version(r.batch_id, r.loaded_at, r.title, r.subtitle, r.body, r.latest))
    return list(views.values())


# ---------------------------------------------------------------- article text in input order


@dataclass
class InputParagraph:
    """One paragraph of the input: what was kept of it and what was removed from it."""

    position: int
    kept: str | None = None
    lines: list[Piece] = field(default_factory=list)  # header lines cut from it: shown before the kept text
    spans: list[Piece] = field(default_factory=list)  # pieces cut out of the kept text: shown after it
    whole: list[Piece] = field(default_factory=list)  # the paragraph itself, or every piece of a paragraph
    # nothing of which was kept, in the order they were removed


def input_layout(paragraphs: Sequence[Kept], removals: Sequence[Piece]) -> list[InputParagraph] | None:
    """The article's input paragraphs in input order, kept text and removed pieces in place; None
    when the kept paragraphs have no input positions (loaded before migration 0015)."""
    if any(p.source_position is None for p in paragraphs):
        return None
    by_position: dict[int, InputParagraph] = {}
    for kept in paragraphs:
        assert kept.source_position is not None
        by_position.setdefault(kept.source_position, InputParagraph(kept.source_position)).kept = kept.text
    for piece in sorted(removals, key=lambda r: r.seq):
        slot = by_position.setdefault(piece.position, InputParagraph(piece.position))
        if slot.kept is None:
            slot.whole.append(piece)
        elif piece.scope == "line":
            slot.lines.append(piece)
        elif piece.scope == "span":
            slot.spans.append(piece)
        else:
            slot.whole.append(piece)
    return [by_position[p] for p in sorted(by_position)]


def gaps(layout: Sequence[InputParagraph]) -> list[tuple[int, int]]:
    """Runs of input positions (first, last) before or between the shown ones: header lines read
    into the article's fields, neither kept nor recorded as removed."""
    runs: list[tuple[int, int]] = []
    expected = 0
    for slot in layout:
        if slot.position > expected:
            runs.append((expected, slot.position - 1))
        expected = slot.position + 1
    return runs


# ---------------------------------------------------------------- SVG charts


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # printed after the bar
    color: str = BAR_COLOR
    tooltip: str = ""
    current: bool = False


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def hbar_chart(chart_id: str, title: str, bars: Sequence[Bar], max_value: float | None = None,
               ticks: Sequence[tuple[float, str]] = (), width: int = 600, label_width: int = 190) -> str:  # fmt: skip
    """Horizontal bars, one row each, label on the left and the value text after the bar."""
    if not bars:
        return f'<p class="empty" id="{esc(chart_id)}">nothing to show</p>'
    row, top = 22, 18 if ticks else 4
    plot = width - label_width - 150
    scale = max_value or max(b.value for b in bars) or 1.0
    height = top + row * len(bars) + 4
    parts = [
        f'<svg class="chart hbar" id="{esc(chart_id)}" role="img" aria-label="{esc(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
    ]
    for value, text in ticks:
        x = label_width + plot * value / scale
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 2}"/>')
        parts.append(f'<text class="axis" x="{x:.1f}" y="{top - 7}" text-anchor="middle">{esc(text)}</text>')
    for i, bar in enumerate(bars):
        y = top + i * row
        w = plot * max(bar.value, 0) / scale
        w = max(w, 1.5) if bar.value > 0 else 0
        parts.append(
            f'<g class="row"><title>{esc(bar.tooltip or bar.label + ": " + bar.text)}</title>'
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{esc(_clip(bar.label, 30))}</text>'
            f'<rect class="bar" x="{label_width}" y="{y + 3}" width="{w:.1f}" height="15" rx="2" fill="{bar.color}"/>'
            f'<text class="value" x="{label_width + w + 6:.1f}" y="{y + 15}">{esc(bar.text)}</text></g>'
        )
    parts.append(f'<line class="base" x1="{label_width}" y1="{top - 2}" x2="{label_width}" y2="{height - 2}"/>')
    parts.append("</svg>")
    return "".join(parts)


def vbar_chart(chart_id: str, title: str, bars: Sequence[Bar], width: int = 580, height: int = 190) -> str:
    """Vertical bars over the batches, oldest on the left, the report's batch darker."""
    if not bars:
        return f'<p class="empty" id="{esc(chart_id)}">nothing to show</p>'
    top, bottom, left = 16, 62, 6
    plot_h = height - top - bottom
    step = (width - left * 2) / len(bars)
    bar_w = max(min(step * 0.7, 46), 2)
    scale = max(b.value for b in bars) or 1.0
    every = math.ceil(36 / step)  # labels ~36 px apart at least: every n-th batch's, and this one's
    parts = [
        f'<svg class="chart vbar" id="{esc(chart_id)}" role="img" aria-label="{esc(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f'<line class="base" x1="{left}" y1="{top + plot_h}" x2="{width - left}" y2="{top + plot_h}"/>'
    ]
    for i, bar in enumerate(bars):
        h = plot_h * max(bar.value, 0) / scale
        h = max(h, 1.5) if bar.value > 0 else 0
        cx = left + step * i + step / 2
        y = top + plot_h - h
        label_class = ' class="current"' if bar.current else ""
        shown = bar.current or (len(bars) - 1 - i) % every == 0
        label, value = (esc(_clip(bar.label, 14)), esc(bar.text)) if shown else ("", "")
        parts.append(
            f'<g class="row"><title>{esc(bar.tooltip or bar.label + ": " + bar.text)}</title>'
            f'<rect class="bar" x="{cx - bar_w / 2:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" rx="1.5" '
            f'fill="{CURRENT_COLOR if bar.current else BAR_COLOR}"/>'
            f'<text class="value" x="{cx:.1f}" y="{y - 4:.1f}" text-anchor="middle">{value}</text>'
            f'<text{label_class} x="{cx:.1f}" y="{top + plot_h + 12}" text-anchor="end" '
            f'transform="rotate(-40 {cx:.1f} {top + plot_h + 12})">{label}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------- page sections


class Palette:
    """CSS classes c0, c1, ... for the categories on the page, in a fixed order."""

    def __init__(self, categories: Iterable[str]) -> None:
        self.index = {name: i for i, name in enumerate(sorted(set(categories)))}

    def css_class(self, category: str) -> str:
        return f"c{self.index[category]}"

    def css(self) -> str:
        return "\n".join(f".c{i} {{ --c: {category_color(name)}; }}" for name, i in self.index.items())


def _figure(label: str, value: object, alert: bool = False) -> str:
    return (
        f'<div class="figure{" alert" if alert else ""}"><span class="value">{esc(value)}</span>'
        f'<span class="label">{esc(label)}</span></div>'
    )


def _taken_over(ledger: dict[str, Any]) -> list[str]:
    """The batch's deliveries a later batch owns: its figures count what it owns."""
    more = int(ledger.get("articles_delivered") or 0) - int(ledger["articles_loaded"])
    return [_figure("more delivered, owned by a later batch", f"{more:,}")] if more > 0 else []


def _summary(data: PageData) -> str:
    ledger = data.ledger
    current = data.current
    ratio = current.ratio if current else None
    removed = int(ledger["pieces_removed"])
    status = str(ledger["status"])
    figures = [
        _figure("files", f"{ledger['files_seen']:,}"),
        _figure("articles loaded", f"{ledger['articles_loaded']:,}"),
        *_taken_over(ledger),
        _figure("paragraphs kept", f"{ledger['paragraphs_kept']:,}"),
        _figure("pieces removed", f"{removed:,}"),
        _figure("removal ratio (characters)", percent(ratio)),
        _figure("captions", f"{ledger['captions_kept']:,}"),
        _figure("rejected inputs", f"{ledger['inputs_rejected']:,}", alert=bool(ledger["inputs_rejected"])),
        _figure("quarantined", f"{ledger['articles_quarantined']:,}", alert=bool(ledger["articles_quarantined"])),
    ]
    seconds = ledger.get("seconds")
    error = f'<p class="error">{esc(ledger["error"])}</p>' if ledger.get("error") else ""
    return (
        f'<header><h1>Batch {esc(data.batch_id)} <span class="status {esc(status)}">{esc(status)}</span></h1>'
        f'<p class="subtitle">input <code>{esc(ledger["input_path"])}</code> · run {esc(ledger["runs"])} · '
        f"started {esc(utc(ledger['started_at']))} · finished {esc(utc(ledger['finished_at']))}"
        + (f" · {seconds:.2f} s" if seconds is not None else "")
        + f'</p>{error}<div class="figures">{"".join(figures)}</div></header>'
    )


def _category_bar(name: str, pieces: int, chars: int) -> Bar:
    return Bar(name, pieces, f"{plural(pieces, 'piece')} · {plural(chars, 'char')}", category_color(name))


def _rule_bar(rule: RuleCount) -> Bar:
    tooltip = f"{rule.rule} ({rule.category}): {plural(rule.pieces, 'piece')}, {plural(rule.chars, 'character')}"
    text = f"{rule.pieces:,} · {plural(rule.chars, 'char')}"
    return Bar(rule.rule, rule.pieces, text, category_color(rule.category), tooltip)


def _source_bar(source: SourceRatio) -> Bar:
    name = source.source or "(unknown)"
    text = f"{percent(source.ratio)} · {plural(source.articles, 'article')}"
    if source.quarantined:
        text += f", {source.quarantined:,} quarantined"
    tooltip = (
        f"{name}: {source.removed_chars:,} of {source.input_chars:,} characters removed ({percent(source.ratio)}) "
        f"over {plural(source.articles, 'article')}, {source.quarantined:,} quarantined"
    )
    return Bar(name, source.ratio or 0.0, text, QUARANTINE_COLOR if source.quarantined else BAR_COLOR, tooltip)


def _removal_charts(data: PageData, palette: Palette) -> str:
    categories = data.categories
    by_category = hbar_chart("chart-categories", "pieces removed by category", [_category_bar(*c) for c in categories])
    shown = data.rules[:MAX_RULES]
    by_rule = hbar_chart("chart-rules", "pieces removed by rule", [_rule_bar(r) for r in shown])
    more = len(data.rules) - len(shown)
    legend = "".join(f'<span class="{palette.css_class(name)}">{esc(name)}</span>' for name, _, _ in categories)
    return (
        '<section id="removals"><h2>Removals</h2><div class="grid">'
        f'<div class="panel"><h3>By category</h3>{by_category}</div>'
        f'<div class="panel"><h3>By rule</h3><div class="legend">{legend}</div>{by_rule}'
        + (f'<p class="note">and {plural(more, "more rule")} with fewer pieces</p>' if more > 0 else "")
        + "</div></div></section>"
    )


def _source_chart(data: PageData) -> str:
    ordered = sorted(data.sources, key=lambda s: (-(s.ratio or 0), -s.articles, s.source))
    bars = [_source_bar(s) for s in ordered]
    ticks = [(0.0, "0 %"), (0.25, "25 %"), (0.5, "50 %"), (0.75, "75 %"), (1.0, "100 %")]
    chart = hbar_chart(
        "chart-sources", "removal ratio per source", bars, max_value=1.0, ticks=ticks, width=1200, label_width=260
    )
    note = (
        f'<p class="note">The {len(data.sources)} sources with the most articles, of {data.source_count}.</p>'
        if data.source_count > len(data.sources)
        else ""
    )
    return (
        '<section id="sources"><h2>Removal ratio per source</h2>'
        '<p class="note">Characters removed as noise / characters of the input, over the source\'s articles in '
        "this batch; red: the source has quarantined articles.</p>"
        f"{chart}{note}</section>"
    )


def _trend_charts(data: PageData) -> str:
    def bars(value: Any, text: Any) -> list[Bar]:
        return [Bar(p.batch_id, value(p), text(p), current=p.batch_id == data.batch_id,
                    tooltip=f"{p.batch_id} ({p.status}): {text(p)}") for p in data.trend]  # fmt: skip

    charts = [
        ("chart-trend-articles", "Articles loaded", bars(lambda p: p.articles, lambda p: f"{p.articles:,}")),
        ("chart-trend-ratio", "Removal ratio", bars(lambda p: p.ratio or 0.0, lambda p: percent(p.ratio))),
        ("chart-trend-rejected", "Rejected inputs", bars(lambda p: p.rejected, lambda p: f"{p.rejected:,}")),
        ("chart-trend-quarantined", "Quarantined articles",
         bars(lambda p: p.quarantined, lambda p: f"{p.quarantined:,}")),
    ]  # fmt: skip
    panels = "".join(
        f'<div class="panel"><h3>{esc(title)}</h3>{vbar_chart(chart_id, title, chart_bars)}</div>'
        for chart_id, title, chart_bars in charts
    )
    return (
        f'<section id="trend"><h2>Trend: the last {len(data.trend)} batches up to {esc(data.batch_id)}</h2>'
        f'<p class="note">Batches by id (at most {data.last}), this one darker. Counts from the ledger; the '
        "removal ratio over the articles each batch was the latest to deliver.</p>"
        f'<div class="grid">{panels}</div></section>'
    )


MAX_DRIFT_CHARTS = 40  # sources charted in the drift section, drifting ones first


def _drift_section(data: PageData) -> str:
    """Issue 26: the sources that drifted, with why, and a chart per source of its median body
    length over the drift window (this batch darker)."""
    drifting = [d for d in data.drift if d.drifting]
    listed = "".join(f"<li><strong>{esc(d.source)}</strong>: {esc('; '.join(d.reasons))}</li>" for d in drifting)
    summary = f'<ul class="drifting">{listed}</ul>' if drifting else '<p class="empty">no source drifted</p>'
    panels = "".join(_drift_panel(data, d) for d in data.drift[:MAX_DRIFT_CHARTS])
    return (
        f'<section id="drift"><h2>Drift per source: {len(drifting)} of {len(data.drift)} sources</h2>'
        '<p class="note">Each source of this batch against the medians of its previous batches (settings.yaml '
        "drift:): rejected or empty inputs, median body length, removal ratio, quarantined and non-article "
        "pages, the mix of rules that removed its noise.</p>"
        f'{summary}<div class="grid">{panels}</div></section>'
    )


def _drift_panel(data: PageData, drift: SourceDrift) -> str:
    points = data.drift_series.get(drift.source, [])
    bars = [
        Bar(p["batch_id"], float(p["median_body_chars"] or 0), f"{float(p['median_body_chars'] or 0):,.0f}",
            current=p["batch_id"] == data.batch_id,
            tooltip=f"{p['batch_id']}: median body {float(p['median_body_chars'] or 0):,.0f} chars, removal ratio "
                    f"{percent(p['removal_ratio'])}, {p['articles']} articles, {p['rejected']} rejected")
        for p in points
    ]  # fmt: skip
    title = f"{drift.source}: median body length (chars)"
    state = "drifting" if drift.drifting else f"stable ({drift.baseline_batches} batches behind it)"
    return (
        f'<div class="panel{" alert" if drift.drifting else ""}"><h3>{esc(drift.source)} · {esc(state)}</h3>'
        f"{vbar_chart(f'chart-drift-{drift.source}', title, bars, height=170)}</div>"
    )


def _rejected_table(data: PageData) -> str:
    if not data.rejected:
        return '<section id="rejected"><h2>Rejected inputs</h2><p class="empty">none</p></section>'
    rows = "".join(
        f'<tr><td><code>{esc(r.source_file)}</code></td><td class="num">{r.line or ""}</td>'
        f'<td class="reason">{esc(r.reason)}</td></tr>'
        for r in data.rejected
    )
    more = data.rejected_total - len(data.rejected)
    return (
        f'<section id="rejected"><h2>Rejected inputs ({data.rejected_total:,})</h2>'
        '<div class="scroll"><table><thead><tr><th>file</th><th class="num">line</th><th>reason</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
        + (f'<p class="note">and {more:,} more (table rejected_inputs)</p>' if more > 0 else "")
        + "</section>"
    )


def _quarantine_table(data: PageData) -> str:
    quarantined = data.quarantined
    if not quarantined:
        return '<section id="quarantined"><h2>Quarantined articles</h2><p class="empty">none</p></section>'
    rows = "".join(
        f'<tr><td><a href="#article-{a.article_id}">{_title(a)}</a></td>'
        f'<td>{esc(a.source or "(unknown)")}</td><td class="num">{percent(a.ratio)}</td>'
        f'<td class="reason">{esc(a.quarantine_reason or "")}</td></tr>'
        for a in quarantined
    )
    more = data.batch_quarantined - len(quarantined)
    return (
        f'<section id="quarantined"><h2>Quarantined articles ({data.batch_quarantined:,})</h2>'
        '<p class="note">Stored but left out of clean_articles until a person releases or drops them.</p>'
        '<div class="scroll"><table><thead><tr><th>title</th><th>source</th><th class="num">ratio</th>'
        "<th>reason</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
        + (f'<p class="note">and {more:,} more with lower ratios (view quarantined_articles)</p>' if more > 0 else "")
        + "</section>"
    )


def _title(article: ArticleView) -> str:
    """The headline, else the input file in italics (an article without a headline)."""
    return esc(article.title) if article.title else f'<i class="untitled">{esc(article.source_file)}</i>'


def _tag(piece: Piece, palette: Palette) -> str:
    return f'<span class="tag {palette.css_class(piece.category)}">{esc(piece.category)} · {esc(piece.rule)}</span>'


def _removed(piece: Piece, palette: Palette) -> str:
    return (
        f'<del class="removed {palette.css_class(piece.category)}" data-rule="{esc(piece.rule)}" '
        f'data-category="{esc(piece.category)}" data-scope="{esc(piece.scope)}">{esc(piece.text)}</del>'
    )


def _cut_block(piece: Piece, palette: Palette) -> str:
    label = {"line": " (header line)", "span": " (cut from this paragraph)"}.get(piece.scope, "")
    return f'<div class="cut">{_removed(piece, palette)}{_tag(piece, palette)}{esc(label)}</div>'


def _input_paragraph(slot: InputParagraph, palette: Palette) -> str:
    parts = [_cut_block(p, palette) for p in slot.lines]
    if slot.kept is not None:
        spans = "".join(f" {_removed(p, palette)}{_tag(p, palette)}" for p in slot.spans)
        parts.append(f'<p class="kept">{esc(slot.kept)}{spans}</p>')
    parts.extend(_cut_block(p, palette) for p in slot.whole)
    return f'<div class="para"><span class="pos">¶{slot.position}</span><div class="text">{"".join(parts)}</div></div>'


def _gap(first: int, last: int) -> str:
    where = f"¶{first}" if first == last else f"¶{first}–{last}"
    return (
        f'<div class="para gap"><span class="pos">{where}</span>'
        '<div class="text">header: read into the fields above (headline, byline, date…)</div></div>'
    )


def _article_text(article: ArticleView, palette: Palette) -> str:
    layout = input_layout(article.paragraphs, article.removals)
    if layout is None:  # positions not comparable: kept text, then the removed pieces
        kept = "".join(f'<div class="para"><span class="pos"></span><p class="kept">{esc(p.text)}</p></div>'
                       for p in article.paragraphs)  # fmt: skip
        cut = "".join(
            f'<div class="para"><span class="pos">¶{p.position}</span>{_cut_block(p, palette)}</div>'
            for p in sorted(article.removals, key=lambda r: r.seq)
        )
        return (
            '<p class="note">Loaded before migration 0015: kept paragraphs have no input position, so the '
            f'removed pieces are listed after the text.</p><div class="input">{kept}{cut}</div>'
        )
    blocks: list[tuple[int, str]] = [(slot.position, _input_paragraph(slot, palette)) for slot in layout]
    blocks += [(first, _gap(first, last)) for first, last in gaps(layout)]
    return f'<div class="input">{"".join(html_block for _, html_block in sorted(blocks))}</div>'


def _article_meta(article: ArticleView) -> str:
    where = article.source_file + (f":{article.source_line}" if article.source_line else "")
    facts = [
        ("source", article.source or "(unknown)"),
        ("file", where),
        ("url", article.url),
        ("section", article.section),
        ("published", utc(article.published_at) if article.published_at else None),
        ("updated", utc(article.updated_at) if article.updated_at else None),
        ("authors", ", ".join(article.authors) or None),
        ("agencies", ", ".join(article.agencies) or None),
        ("SEO title", article.seo_title),
        ("dateline", article.dateline),
        ("language", article.language),
    ]
    meta = " · ".join(f"{name} <b>{esc(value)}</b>" for name, value in facts if value)
    counts = (
        f"{plural(article.paragraph_count, 'paragraph')} kept, {plural(article.removed_count, 'piece')} removed: "
        f"{article.removed_chars:,} of {article.input_chars:,} characters ({percent(article.ratio)})"
    )
    subtitle = f'<p class="subtitle">{esc(article.subtitle)}</p>' if article.subtitle else ""
    reason = (
        f'<p class="quarantine-reason">quarantined: {esc(article.quarantine_reason or "")}</p>'
        if article.status == "quarantined"
        else ""
    )
    return f'{subtitle}<p class="meta">{meta}</p><p class="meta">{esc(counts)}</p>{reason}'


def _captions(article: ArticleView) -> str:
    if not article.captions:
        return ""
    items = "".join(
        f"<li>{esc(text)}" + (f' <span class="credit">— {esc(credit)}</span>' if credit else "") + "</li>"
        for text, credit in article.captions
    )
    return f'<h3>Captions ({len(article.captions)})</h3><ul class="captions">{items}</ul>'


def _versions(article: ArticleView) -> str:
    """The article's earlier versions, oldest first, each with the words the next version changed."""
    if not article.versions:
        return ""
    current = Version(
        "", datetime.min, article.title, article.subtitle, "\n\n".join(p.text for p in article.paragraphs), True
    )
    tags = {"same": "{}", "removed": '<del class="removed">{}</del>', "added": "<ins>{}</ins>", "skipped": "…"}
    items = []
    for version, following in zip(article.versions, [*article.versions[1:], current], strict=True):
        hunks = diff_hunks(version_text(version), version_text(following))
        changes = "".join(
            "<p>" + " ".join(tags[kind].format(esc(text)) for kind, text in hunk) + "</p>" for hunk in hunks
        )
        until = "the current text" if following.latest else f"batch {following.batch_id}"
        items.append(
            f"<li>batch <b>{esc(version.batch_id)}</b> (loaded {utc(version.loaded_at)}), "
            f"changed by {esc(until)}:{changes or '<p>(no change in the text)</p>'}</li>"
        )
    return f'<h3>Earlier versions ({len(article.versions)})</h3><ol class="versions">{"".join(items)}</ol>'


def _article(article: ArticleView, palette: Palette, opened: bool = False) -> str:
    title = article.title or ""
    filter_text = " ".join(x for x in (title, article.source or "", article.source_file, article.status)).lower()
    ratio = article.ratio or 0.0
    return (
        f'<details class="article" id="article-{article.article_id}"{" open" if opened else ""} '
        f'data-status="{esc(article.status)}" '
        f'data-filter="{esc(filter_text)}"><summary>'
        f'<meter min="0" max="1" low="0.3" high="0.6" optimum="0" value="{ratio:.3f}"></meter>'
        f'<span class="ratio">{percent(article.ratio)}</span><span class="title">{_title(article)}</span>'
        f'<span class="source">{esc(article.source or "(unknown)")}</span>'
        f'<span class="status {esc(article.status)}">{esc(article.status)}</span></summary>'
        f'<div class="article-body">{_article_meta(article)}{_article_text(article, palette)}'
        f"{_captions(article)}{_versions(article)}</div></details>"
    )


def _articles_section(data: PageData, palette: Palette) -> str:
    shown_quarantined = len(data.quarantined)
    if len(data.articles) == data.batch_articles:
        scope = f"All {plural(data.batch_articles, 'article')} of the batch"
    else:
        scope = (
            f"{len(data.articles):,} of the batch's {data.batch_articles:,} articles: the {data.top:,} with the "
            f"highest removal ratio plus the quarantined ones ({data.batch_quarantined:,})"
        )
        if data.batch_quarantined > shown_quarantined:
            scope += f", of which the {shown_quarantined:,} with the highest ratio"
    key = (
        '<div class="key"><span>¶n: the paragraph\'s index in the input</span>'
        '<span>kept text plain</span><span><del class="removed">removed text</del>'
        '<span class="tag">category · rule</span></span>'
        "<span>a piece cut out of a kept paragraph is shown at its end (its place inside is not recorded)</span></div>"
    )
    tools = (
        '<div class="tools"><input type="search" id="article-filter" placeholder="filter by title, source, file" '
        'aria-label="filter articles"><label><input type="checkbox" id="article-quarantined-only"> '
        f'quarantined only</label><span id="article-shown" class="note">{len(data.articles):,} shown</span></div>'
    )
    body = (
        "".join(_article(a, palette, i == 0) for i, a in enumerate(data.articles)) or '<p class="empty">no articles</p>'
    )
    return (
        f'<section id="articles"><h2>Articles</h2><p class="note">{esc(scope)}, highest ratio first. '
        f"Open one to see its input in order (the first is open).</p>{key}{tools}{body}</section>"
    )


# ---------------------------------------------------------------- the page


def _asset(name: str) -> str:
    return resources.files("pipeline").joinpath("data").joinpath(name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render_page(data: PageData) -> str:
    """The whole page as one string."""
    palette = Palette([r.category for r in data.rules] + [p.category for a in data.articles for p in a.removals])
    style = _asset("report.css") + "\n" + palette.css() + "\n"
    script = _asset("report.js")
    # Nothing may be fetched; only this page's own style and script run.
    policy = (
        f"default-src 'none'; style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )
    body = "".join(
        [
            _summary(data),
            _removal_charts(data, palette),
            _source_chart(data),
            _trend_charts(data),
            _drift_section(data),
            '<div class="grid">',
            f'<div class="panel">{_rejected_table(data)}</div>',
            f'<div class="panel">{_quarantine_table(data)}</div>',
            "</div>",
            _articles_section(data, palette),
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(policy)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="newsclean pipeline.report.html_page">'
        f"<title>Batch {esc(data.batch_id)} · newsclean report</title>"
        f"<style>{style}</style></head>\n"
        f"<body>{body}\n<script>{script}</script></body></html>\n"
    )


def write_html_report(engine: sa.Engine, batch_id: str, path: str | os.PathLike[str], last: int = DEFAULT_LAST,
                      top: int = TOP_ARTICLES) -> Path:  # fmt: skip
    """Write the batch's report page to path (atomically: a reader never sees half a page); the path.
    Raises LookupError when the batch is not in the ledger."""
    if last < 1 or top < 0:
        raise ValueError("last must be >= 1 and top >= 0")
    page = render_page(load_page_data(engine, batch_id, last=last, top=top))
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(target)
    return target
