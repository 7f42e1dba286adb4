"""Date parsing through python-dateutil; output is ISO 8601 (a plain date when no time was given)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta

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
# Month names of the shipped languages (de, fr, es, it, nl, pl in its genitive, pt), read as their
# English names so dateutil parses "28. April 2023", "28 avril 2023", "28 de abril de 2023".
_MONTHS = (
    ("January", "januar jänner janvier enero gennaio januari stycznia janeiro"),
    ("February", "februar feber février fevrier febrero febbraio februari lutego fevereiro"),
    ("March", "märz maerz mars marzo maart marca março marco"),
    ("April", "avril abril aprile kwietnia"),
    ("May", "mai mayo maggio mei maja maio"),
    ("June", "juni juin junio giugno czerwca junho"),
    ("July", "juli juillet julio luglio lipca julho"),
    ("August", "août aout agosto augustus sierpnia"),
    ("September", "septembre septiembre setiembre settembre wrzesnia września setembro"),
    ("October", "oktober octobre octubre ottobre października pazdziernika outubro"),
    ("November", "novembre noviembre listopada novembro"),
    ("December", "dezember décembre decembre diciembre dicembre grudnia dezembro"),
)
_MONTH_NAMES = {name: english for english, names in _MONTHS for name in names.split()}
_FOREIGN_MONTH = re.compile(r"(?<!\w)(" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")(?!\w)", re.I)
# "de"/"del" between day, month and year (es, pt): "28 de abril de 2023"
_DATE_JOINER = re.compile(r"(?<=\w)\s+(?:de|del)\s+(?=\w)", re.I)
_ENGLISH_NUMBERS = {english.casefold(): number for number, (english, _) in enumerate(_MONTHS, start=1)}
# Every month word of the shipped languages with its number: full English names, their first three
# letters, "sept", and the other languages' names (dates.py reads them as the English ones).
_MONTH_NUMBERS = {
    **{name[:3]: number for name, number in _ENGLISH_NUMBERS.items()},
    "sept": 9,
    **_ENGLISH_NUMBERS,
    **{name: _ENGLISH_NUMBERS[english.casefold()] for name, english in _MONTH_NAMES.items()},
}
_MONTH_WORD = "(?:" + "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True)) + r")"
_ORDINAL = r"(?:st|nd|rd|th)?"
# A day written out in running text, in the shapes pages print under a headline: "December 19,
# 2025", "Dec. 4th, 2025", "19 December 2025", "28. April 2023", "28 de abril de 2023", "2025-11-03",
# "09.10.2024" (day first). Day and month joined by slashes are left out: "04/12/2025" reads both ways.
_TEXT_DATE = re.compile(
    r"(?<![\w.])(?:"
    rf"(?P<day>\d{{1,2}}){_ORDINAL}\.?\s+(?:de\s+)?(?P<month>{_MONTH_WORD})\.?,?\s+(?:de\s+)?(?P<year>\d{{4}})"
    rf"|(?P<month2>{_MONTH_WORD})\.?\s+(?P<day2>\d{{1,2}}){_ORDINAL},?\s+(?P<year2>\d{{4}})"
    r"|(?P<year3>\d{4})-(?P<month3>\d{2})-(?P<day3>\d{2})"
    r"|(?P<day4>\d{1,2})\.(?P<month4>\d{1,2})\.(?P<year4>\d{4})"
    r")(?!\w|\.\d)",
    re.IGNORECASE,
)
# Day and month joined by slashes ("03/01/2017"): read only when their order is known (slash_order).
_SLASH_DATE = re.compile(r"(?<![\w./-])(\d{1,2})/(\d{1,2})/(\d{4})(?![\w/]|\.\d)")
# Languages whose pages write the month first ("03/01/2017" is March 1): US English only; a region
# of English other than the US, and every other shipped language, write the day first.
_MONTH_FIRST_LANGUAGES = ("en-us",)
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


def days_in_text(text: str, slashes: str | None = None) -> Iterator[tuple[int, str]]:
    """(offset, YYYY-MM-DD) of each full date written out in the text, in order; a bare year, a
    month without its day or a day that does not exist is none. Read from the match's own parts,
    not through dateutil: this runs on every HTML page. `slashes`: "md" or "dm", the order of
    slashed dates ("03/01/2017"; slash_order), which are left out without it."""
    found = sorted([*_written_days(text), *(_slashed_days(text, slashes) if slashes else ())])
    yield from found


def slash_order(text: str, language: str | None) -> str | None:
    """How the page orders day and month in slashed dates: "md" or "dm" as a slashed date in the
    text shows it ("12/17/2025" can only be month first), else as its language writes them (US
    English month first; another region of English, or another language, day first); None when
    the text shows both orders or neither text nor language tells."""
    shown = {_unambiguous_order(int(first), int(second)) for first, second, _ in _SLASH_DATE.findall(text)} - {None}
    if len(shown) == 1:
        return shown.pop()
    if shown or not language:
        return None
    language = language.strip().replace("_", "-").casefold()
    if language in _MONTH_FIRST_LANGUAGES:
        return "md"
    return "dm" if "-" in language or not language.startswith("en") else None


def _unambiguous_order(first: int, second: int) -> str | None:
    if first > 12 >= second >= 1:
        return "dm"
    if second > 12 >= first >= 1:
        return "md"
    return None


def _slashed_days(text: str, order: str) -> Iterator[tuple[int, str]]:
    for match in _SLASH_DATE.finditer(text):
        first, second, year = (int(part) for part in match.groups())
        month, day_of_month = (first, second) if order == "md" else (second, first)
        day = _day(year, month, day_of_month)
        if day:
            yield match.start(), day


def _written_days(text: str) -> Iterator[tuple[int, str]]:
    for match in _TEXT_DATE.finditer(text):
        # the shape that matched names its groups day/month/year with its number ("day2"): drop it
        parts = {key.rstrip("234"): value for key, value in match.groupdict().items() if value}
        month = parts["month"]
        number = int(month) if month.isdigit() else _MONTH_NUMBERS[month.casefold()]
        day = _day(int(parts["year"]), number, int(parts["day"]))
        if day:
            yield match.start(), day


def _day(year: int, month: int, day: int) -> str | None:
    if not 1800 <= year <= 2200:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _in_english(value: str) -> str:
    """Month names of the shipped languages as English ones; Spanish/Portuguese "de" dropped."""
    if not _FOREIGN_MONTH.search(value):
        return value
    value = _FOREIGN_MONTH.sub(lambda match: _MONTH_NAMES[match.group(1).casefold()], value)
    return _DATE_JOINER.sub(" ", value)


def _parsed(value: str) -> str | None:
    value = _in_english(value)
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
    """Whether a YYYY-MM-DD text (_ISO_DATE) is a day, as strptime "%Y-%m-%d" reads it. For ASCII
    digits that is the date itself (strptime costs ~10 us, its regex and locale lookups, on every
    dated text article; issue 27); other digits strptime takes in the year alone: it decides."""
    try:
        if value.isascii():
            date(int(value[:4]), int(value[5:7]), int(value[8:]))
        else:
            datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return True


def latest_date(fetched: str | None, batch_date: str | None, days_after_fetch: int) -> str | None:
    """The last day an article fetched then may be dated (YYYY-MM-DD): its fetch day (the input's
    fetch time, else the batch's date) plus days_after_fetch; None when neither is known."""
    day = (to_iso(fetched) or "")[:10] or (to_iso(batch_date) or "")[:10]
    if not _ISO_DATE.match(day):
        return None
    return (date.fromisoformat(day) + timedelta(days=days_after_fetch)).isoformat()


def after(value: str | None, latest: str | None) -> bool:
    """Whether an ISO date (or date and time) falls on a day after `latest` (the day it states)."""
    return bool(value and latest and value[:10] > latest)
