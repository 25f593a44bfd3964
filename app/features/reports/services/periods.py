"""Reporting periods: a quarter, a calendar year or a date range, and the trend quarters.

A period is a closed range of calendar days ``start..end``. Its :attr:`Period.code` is the
language-neutral label used in the CSV (``2026-Q3``, ``2026``, ``2026-01-01/2026-05-31``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from app.kernel.errors import ValidationError
from app.kernel.i18n import _

#: Longest custom range: a report over more than five years is not a quarterly summary.
MAX_RANGE_DAYS = 5 * 366
#: Quarters shown in the trend, the reporting quarter last.
TREND_QUARTERS = 4

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


class PeriodKind(StrEnum):
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    kind: PeriodKind = PeriodKind.RANGE

    @property
    def code(self) -> str:
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == PeriodKind.YEAR:
            return str(self.start.year)
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def first_moment(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def after_last_moment(self) -> datetime:
        """The first moment after the period (an exclusive bound for date-times)."""
        return datetime.combine(self.end + timedelta(days=1), time.min)

    @property
    def quarter_aligned(self) -> bool:
        return _is_quarter_start(self.start) and _is_quarter_start(self.end + timedelta(days=1))

    def quarters(self) -> tuple[Period, ...]:
        """The quarters that exactly make up an aligned period (empty when not aligned)."""
        if not self.quarter_aligned:
            return ()
        found = []
        q = quarter_of(self.start)
        while q.start <= self.end:
            found.append(q)
            q = next_quarter(q)
        return tuple(found)

    def __str__(self) -> str:
        return self.code


def _is_quarter_start(day: date) -> bool:
    return day.day == 1 and day.month in (1, 4, 7, 10)


def quarter(year: int, number: int) -> Period:
    if not 1 <= number <= 4:
        raise ValidationError({"quarter": _("A quarter is numbered 1 to 4.")})
    _check_year(year)
    start = date(year, 3 * (number - 1) + 1, 1)
    end = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Period(start, end - timedelta(days=1), PeriodKind.QUARTER)


def year(value: int) -> Period:
    _check_year(value)
    return Period(date(value, 1, 1), date(value, 12, 31), PeriodKind.YEAR)


def date_range(start: date, end: date) -> Period:
    """A custom range. Exactly one quarter or one year becomes that kind of period."""
    if end < start:
        raise ValidationError({"end": _("The end of the period is before its start.")})
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise ValidationError({"end": _("Choose a period of at most five years.")})
    _check_year(start.year)
    _check_year(end.year)
    q = quarter_of(start)
    if (q.start, q.end) == (start, end):
        return q
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return year(start.year)
    return Period(start, end, PeriodKind.RANGE)


def parse_quarter(text: str) -> Period:
    """``2026Q3``, ``2026-Q3`` or ``2026q3``."""
    match = _QUARTER.match(text)
    if match is None:
        raise ValidationError(
            {"quarter": _("Write the quarter as year and number, for example 2026Q3.")}
        )
    return quarter(int(match.group(1)), int(match.group(2)))


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def next_quarter(q: Period) -> Period:
    return quarter_of(q.end + timedelta(days=1))


def previous_quarter(q: Period) -> Period:
    return quarter_of(q.start - timedelta(days=1))


def trend_quarters(period: Period) -> tuple[Period, ...]:
    """The four quarters ending with the period's last quarter, oldest first.

    Empty for a range that does not start and end on quarter boundaries: comparing its
    totals with overlapping quarters in the same report could reveal small differences.
    """
    if not period.quarter_aligned:
        return ()
    last = quarter_of(period.end)
    found = [last]
    while len(found) < TREND_QUARTERS:
        found.insert(0, previous_quarter(found[0]))
    return tuple(found)


def _check_year(value: int) -> None:
    if not 1900 <= value <= 2200:
        raise ValidationError({"year": _("Choose a year between 1900 and 2200.")})
