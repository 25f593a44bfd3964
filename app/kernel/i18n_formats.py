"""Dates, times, weekdays, numbers and percentages in the user's language (Babel's CLDR data).

Every screen and report formats through here, so "3 400" (nb), "3 400" (ru), "3.400" (ro)
and "3,400" (en) — and "21.03.2025" against "21/03/2025" — follow the language, not the code.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import cache
from typing import Literal

from babel import Locale
from babel.dates import (
    format_date,
    format_datetime,
    format_skeleton,
    format_time,
    get_day_names,
)
from babel.numbers import format_decimal, format_percent

from app.kernel.i18n import babel_locale


@cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def number(value: float, language: str | None = None, *, decimals: int | None = None) -> str:
    """``3400`` → "3,400" / "3 400" / "3.400"; ``decimals`` fixes the digits after the point."""
    pattern = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    return str(format_decimal(value, format=pattern, locale=babel_locale(language)))


def percent(fraction: float, language: str | None = None, *, decimals: int = 0) -> str:
    """``0.25`` → "25%" / "25 %" / "25 %"."""
    pattern = None
    if decimals:
        base = _locale(babel_locale(language)).percent_formats[None].pattern
        pattern = base.replace("0", "0." + "0" * decimals, 1) if "0." not in base else base
    return str(format_percent(fraction, format=pattern, locale=babel_locale(language)))


def date_text(value: date | None, language: str | None = None) -> str:
    """A date as people of ``language`` write it ("21 Mar 2025", "21. mars 2025"…): the one
    date style of every screen and report (typing a date uses :func:`editing_date_pattern`)."""
    return str(format_date(value, format="medium", locale=babel_locale(language))) if value else ""


def datetime_text(value: datetime | None, language: str | None = None) -> str:
    """A moment in the same style as :func:`date_text`, with the short time: "21 Mar 2025,
    14:05" (never "21/03/2025, 14:05" beside "21 Mar 2025" on the same screen)."""
    if value is None:
        return ""
    return str(
        format_datetime(
            value, format=_datetime_pattern(babel_locale(language)), locale=babel_locale(language)
        )
    )


def day_text(value: date | None, language: str | None = None) -> str:
    """A day of this week or month without its year, in the same style: "Mon 7 Dec"."""
    if value is None:
        return ""
    return str(format_skeleton("MMMEd", value, locale=babel_locale(language)))


@cache
def _datetime_pattern(locale: str) -> str:
    """The locale's medium date and short time, joined the locale's way ("{1}, {0}")."""
    cldr = _locale(locale)
    joined = str(cldr.datetime_formats["medium"])
    return joined.replace("{1}", cldr.date_formats["medium"].pattern).replace(
        "{0}", cldr.time_formats["short"].pattern
    )


def time_text(value: time | datetime | None, language: str | None = None) -> str:
    return str(format_time(value, format="short", locale=babel_locale(language))) if value else ""


Width = Literal["abbreviated", "narrow", "short", "wide"]


def weekday_names(language: str | None = None, *, width: Width = "wide") -> list[str]:
    """The seven weekday names from the locale's first day of the week (Monday in Europe)."""
    locale = _locale(babel_locale(language))
    names = get_day_names(width, context="stand-alone", locale=locale)
    first = locale.first_week_day
    return [str(names[(first + i) % 7]) for i in range(7)]


def weekday_name(value: date, language: str | None = None, *, width: Width = "wide") -> str:
    names = get_day_names(width, context="stand-alone", locale=_locale(babel_locale(language)))
    return str(names[value.weekday()])


def editing_date_pattern(language: str | None = None) -> str:
    """The locale's short numeric date with a four-digit year, for date fields
    ("dd.MM.yyyy", "dd/MM/yyyy"). The letters mean the same in Qt's display formats."""
    pattern = _locale(babel_locale(language)).date_formats["short"].pattern
    pattern = re.sub(r"y+", "yyyy", pattern)
    pattern = re.sub(r"(?<!d)d(?!d)", "dd", pattern)
    return re.sub(r"(?<!M)M(?!M)", "MM", pattern)


def editing_date_text(value: date, pattern: str) -> str:
    """``value`` as a date field shows it for editing, in an :func:`editing_date_pattern`
    ("21.03.1985"): the one numeric form, used only where a date is typed."""
    return (
        pattern.replace("yyyy", f"{value.year:04d}")
        .replace("MM", f"{value.month:02d}")
        .replace("dd", f"{value.day:02d}")
    )


def editing_time_pattern(language: str | None = None) -> str:
    """The locale's short time ("HH:mm"), for date-and-time fields."""
    return str(_locale(babel_locale(language)).time_formats["short"].pattern)
