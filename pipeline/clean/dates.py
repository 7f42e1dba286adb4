"""Date parsing through python-dateutil; output is ISO 8601 (a plain date when no time was given)."""

from __future__ import annotations

import re
from datetime import datetime

from dateutil import parser as date_parser
from dateutil import tz

_TZINFOS = {
    name: tz.gettz(zone)
    for name, zone in {
        "EST": "America/New_York",
        "EDT": "America/New_York",
        "ET": "America/New_York",
        "CST": "America/Chicago",
        "CDT": "America/Chicago",
        "CT": "America/Chicago",
        "MST": "America/Denver",
        "MDT": "America/Denver",
        "PST": "America/Los_Angeles",
        "PDT": "America/Los_Angeles",
        "PT": "America/Los_Angeles",
        "BST": "Europe/London",
        "CET": "Europe/Paris",
        "CEST": "Europe/Paris",
        "GMT": "UTC",
        "UTC": "UTC",
    }.items()
}
_WORD = re.compile(r"[^\W\d_]{3,}")
_DAY_FIRST = re.compile(r"^\s*\d{1,2}[./]\d{1,2}[./]\d{4}")
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}|T\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"(?<!\d)(?:1[89]|2[012])\d{2}(?!\d)")
_DOTTED_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
# Missing fields are filled from this, never from today: same input, same output.
_DEFAULT = datetime(2000, 1, 1)


def to_iso(value: str | None) -> str | None:
    """'27.10.2023' -> '2023-10-27'; 'July 29, 2022 3:45 PM EDT' -> '2022-07-29T15:45:00-04:00'.

    Numeric day.month.year is read day first (European and agency style); anything that does
    not parse as a date gives None rather than a guess.
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    if _ISO_DATE.match(value):
        return value if _valid_iso_date(value) else None
    if not _YEAR.search(value):
        return None  # "Monday" or "3 hours ago" would resolve against today's date
    dotted = _DOTTED_DATE.fullmatch(value)
    if dotted:  # "27.10.2023", the agency byline's form: what dateutil makes of it, without its ~50 µs
        day, month, year = (int(part) for part in dotted.groups())
        if 1 <= month <= 12 and 1800 <= year <= 2200:
            try:
                return datetime(year, month, day).date().isoformat()
            except ValueError:
                pass  # no such day: dateutil decides (and refuses it)
    return _parsed(value)


def _parsed(value: str) -> str | None:
    try:
        parsed, skipped = date_parser.parse(
            value, default=_DEFAULT, dayfirst=bool(_DAY_FIRST.match(value)), fuzzy_with_tokens=True, tzinfos=_TZINFOS
        )
    except (ValueError, OverflowError, TypeError):
        return None
    if len(_WORD.findall(" ".join(skipped))) > 2:
        return None  # a sentence that happens to hold a year ("figures grew in 2023") is not a date
    if not 1800 <= parsed.year <= 2200:
        return None
    if not _HAS_TIME.search(value):
        return str(parsed.date().isoformat())
    return str(parsed.isoformat())


def _valid_iso_date(value: str) -> bool:
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return True
