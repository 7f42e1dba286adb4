"""to_iso: the fast path for day.month.year gives exactly what dateutil gives."""

from __future__ import annotations

import pytest

from pipeline.clean.dates import _parsed, to_iso


@pytest.mark.parametrize("year", [1799, 1800, 1900, 2000, 2023, 2024, 2200, 2201])
def test_dotted_dates_read_as_dateutil_reads_them(year: int) -> None:
    for day in range(0, 36):
        for month in range(0, 16):
            for value in (f"{day}.{month}.{year}", f"{day:02d}.{month:02d}.{year}"):
                assert to_iso(value) == _parsed(value), value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("27.10.2023", "2023-10-27"),
        ("1.3.2024", "2024-03-01"),
        ("29.02.2024", "2024-02-29"),
        ("29.02.2023", None),
        ("2024-03-01", "2024-03-01"),
        ("July 29, 2022 3:45 PM EDT", "2022-07-29T15:45:00-04:00"),
        ("Monday", None),
    ],
)
def test_examples(value: str, expected: str | None) -> None:
    assert to_iso(value) == expected
