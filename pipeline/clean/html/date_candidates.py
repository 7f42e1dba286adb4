"""Every day an HTML page offers as its publication date, with what says so (issue 24): the sources
metadata._dates reads one after the other (JSON-LD, <meta>, <time>, the URL, the days printed by
the headline) gathered side by side, the cascade's own choice among them, each day's features, and
the learned choice (a conditional logit over the features: data/date_ranker.json, fitted by
scripts/train_date_ranker.py). No day after `latest` (the fetch cap) and no bare year is a
candidate: every source reads its value through metadata._date, as the cascade does. The cascade's
fallbacks read only when the rest is silent (a <time>'s text, a posted line, htmldate) are
candidates through its choice alone: read on every page they cost CPU and added nothing on
wcxb-dev (the oracle and the cross-validated figures were the same without them)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from lxml.html import HtmlElement

from pipeline.clean.dates import after
from pipeline.clean.html.metadata import (
    _ISO_START,
    _UPDATE_MARK,
    _UTC_TIME,
    PUBLISHED_KEYS,
    UPDATED_KEYS,
    _date,
    _date_in_url,
    _of,
    _value,
)
from pipeline.core.arrays import load_json_model

# The sources a day may come from, one feature each. A day's value is its first offer's in _offers'
# order (the cascade's, JSON-LD, <meta>, <time>, the URL, the printed days): a timestamp before a bare day.
SOURCES = (
    "ld_published",
    "ld_created",
    "ld_modified",
    "meta_published",
    "meta_modified",
    "time_marked",  # <time datetime> marked as the publication (itemprop, pubdate, class)
    "time_first",  # the first <time datetime> outside furniture
    "time_other",  # any later <time datetime>
    "time_update",  # a <time datetime> whose class or itemprop says it is the update
    "url",
    "printed",  # printed by the headline, not labelled as the update
    "printed_first",  # the first of those
    "printed_update",  # printed by the headline after "Updated", "Mis à jour le", ...
    "cascade",  # the hand-written cascade's choice (metadata._dates), its fallbacks' included
)
_MARKED_TIME = re.compile(r"publish|posted|entry-date", re.I)
_MAX_RANK = 8  # ranks past this are all "late in the page"


@dataclass
class DateCandidate:
    """One day (YYYY-MM-DD), the value first offering it (its timestamp, when a source has one), the
    sources offering it and where it first stood among all the offers (0 = first)."""

    day: str
    value: str
    sources: set[str] = field(default_factory=set)
    rank: int = 0


def collect(
    shown: list[HtmlElement],
    nodes: list[dict[str, Any]],
    meta: dict[str, str],
    url: str | None,
    latest: str | None,
    printed: list[tuple[str, bool]],
    cascade: str | None,
) -> list[DateCandidate]:
    """The page's candidate days in the order they were first offered. `printed`: metadata's
    _printed_days (day, labelled as the update); `cascade`: the day the cascade chose."""
    found: dict[str, DateCandidate] = {}
    for source, value in _offers(shown, nodes, meta, url, printed, cascade):
        if not value or after(value, latest) or not _ISO_START.match(value):
            continue
        day = value[:10]
        if day not in found:
            found[day] = DateCandidate(day, value, rank=len(found))
        found[day].sources.add(source)
    return list(found.values())


def _offers(
    shown: list[HtmlElement],
    nodes: list[dict[str, Any]],
    meta: dict[str, str],
    url: str | None,
    printed: list[tuple[str, bool]],
    cascade: str | None,
) -> Iterator[tuple[str, str | None]]:
    parse = _Parser()
    yield "cascade", cascade
    for node in nodes:
        yield "ld_published", parse(_value(node.get("datePublished")))
        yield "ld_created", parse(_value(node.get("dateCreated")))
        yield "ld_modified", parse(_value(node.get("dateModified")))
    for key in PUBLISHED_KEYS:
        yield "meta_published", parse(meta.get(key))
    for key in UPDATED_KEYS:
        yield "meta_modified", parse(meta.get(key))
    yield from _time_offers(shown, parse)
    yield "url", _date_in_url(url)
    first = True
    for day, update in printed:
        if update:
            yield "printed_update", day
        else:
            yield ("printed_first" if first else "printed"), day
            yield "printed", day
            first = False


class _Parser:
    """metadata._date of one page's values, each distinct value parsed once (a page repeats its
    timestamp in JSON-LD, <meta> and <time>, and dateutil costs about 50 µs a value)."""

    def __init__(self) -> None:
        self._known: dict[str, str | None] = {}

    def __call__(self, value: str | None) -> str | None:
        if not value:
            return None
        if value not in self._known:
            self._known[value] = _date(value)
        return self._known[value]


def _time_offers(shown: list[HtmlElement], parse: _Parser) -> Iterator[tuple[str, str | None]]:
    first = True
    for tag in _of(shown, "time"):
        value = parse(tag.get("datetime"))
        if not value:
            continue
        classes = tag.get("class", "")
        if _UPDATE_MARK.search(classes) or tag.get("itemprop") == "dateModified":
            yield "time_update", value
            continue
        if tag.get("itemprop") == "datePublished" or tag.get("pubdate") is not None or _MARKED_TIME.search(classes):
            yield "time_marked", value
        yield ("time_first" if first else "time_other"), value
        first = False


# --- features -----------------------------------------------------------------------------------
# Each feature compares a day with the page's other candidates: a conditional logit weighs the days
# of one page against each other, so what is the same for all of a page's days would weigh nothing.

_EXTRA = (
    "sources",  # how many sources offer the day
    "share",  # of all the offers' sources, the share offering this day
    "rank",  # where it was first offered (0 first), capped
    "earliest",  # the earliest candidate day
    "latest",  # the latest candidate day
    "update_only",  # offered only by update sources
    "after_markup",  # days after the markup's published day (log, 0 when before or none)
    "before_markup",  # days before the markup's published day (log)
    "markup_gap_1",  # one day from the markup's published day (a time zone)
    "has_time",  # the value carries a time of day (a timestamp, not a printed day)
    "utc_time",  # ... in UTC: the page's own day may be the one before or after
    "cascade_gap_1",  # one day from the cascade's choice
)
FEATURES = (*SOURCES, *_EXTRA)
_UPDATE_SOURCES = frozenset({"ld_modified", "meta_modified", "time_update", "printed_update"})


def features(candidates: list[DateCandidate]) -> list[list[float]]:
    """Each candidate's feature vector, in FEATURES order."""
    if not candidates:
        return []
    days = sorted(candidate.day for candidate in candidates)
    offers = sum(len(candidate.sources) for candidate in candidates) or 1
    markup = _day_of(candidates, ("ld_published", "ld_created", "meta_published"))
    cascade = _day_of(candidates, ("cascade",))
    return [_row(candidate, days, offers, markup, cascade) for candidate in candidates]


def _row(
    candidate: DateCandidate, days: list[str], offers: int, markup: str | None, cascade: str | None
) -> list[float]:
    gap = _gap(candidate.day, markup)
    extra = (
        float(len(candidate.sources)),
        len(candidate.sources) / offers,
        float(min(candidate.rank, _MAX_RANK)),
        float(candidate.day == days[0]),
        float(candidate.day == days[-1]),
        float(candidate.sources <= _UPDATE_SOURCES),
        _log(max(gap, 0)),
        _log(max(-gap, 0)),
        float(abs(gap) == 1),
        float(len(candidate.value) > 10),
        float(bool(_UTC_TIME.search(candidate.value))),
        float(abs(_gap(candidate.day, cascade)) == 1),
    )
    return [float(source in candidate.sources) for source in SOURCES] + list(extra)


def _gap(day: str, other: str | None) -> int:
    return (date.fromisoformat(day) - date.fromisoformat(other)).days if other else 0


def _day_of(candidates: list[DateCandidate], sources: tuple[str, ...]) -> str | None:
    for source in sources:
        for candidate in candidates:
            if source in candidate.sources:
                return candidate.day
    return None


def _log(value: int) -> float:
    return math.log1p(value)


# --- the choice ---------------------------------------------------------------------------------


def choose(
    shown: list[HtmlElement],
    nodes: list[dict[str, Any]],
    meta: dict[str, str],
    url: str | None,
    latest: str | None,
    printed: list[tuple[str, bool]],
    cascade: str | None,
) -> str | None:
    """The published date (metadata.DateChooser): the candidate the shipped ranker scores highest,
    its value as first offered (the cascade's own when it is the cascade's day, so a page where the
    two agree is dated exactly as before); the cascade's date when the page offers no candidate."""
    candidates = collect(shown, nodes, meta, url, latest, printed, cascade)
    if not candidates:
        return cascade
    return candidates[best(features(candidates), shipped_ranker())].value


def best(rows: list[list[float]], model: dict[str, Any]) -> int:
    """The index of the highest-scoring row (the first of equal scores: the earlier offer)."""
    scores = [score(row, model) for row in rows]
    return scores.index(max(scores))


def score(row: list[float], model: dict[str, Any]) -> float:
    terms = zip(row, model["mean"], model["scale"], model["weights"], strict=True)
    return float(sum((x - m) / s * w for x, m, s, w in terms))


@cache
def shipped_ranker() -> dict[str, Any]:
    return load_json_model("date_ranker.json", FEATURES, "scripts/train_date_ranker.py")
