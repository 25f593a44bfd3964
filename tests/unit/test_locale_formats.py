"""Dates, numbers, percentages and weekdays follow the user's language (CLDR)."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from app.kernel.i18n_formats import (
    date_text,
    datetime_text,
    day_text,
    editing_date_pattern,
    number,
    percent,
    weekday_names,
)

NBSP = "\u00a0"
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1,234,567"),
        ("nb", f"1{NBSP}234{NBSP}567"),
        ("ru", f"1{NBSP}234{NBSP}567"),
        ("ro", "1.234.567"),
    ],
)
def test_thousands(language: str, expected: str) -> None:
    assert number(1234567, language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "3.5"), ("nb", "3,5"), ("ru", "3,5"), ("ro", "3,5")],
)
def test_decimals(language: str, expected: str) -> None:
    assert number(3.5, language, decimals=1) == expected


def test_percentages() -> None:
    assert percent(0.25, "en") == "25%"
    assert percent(0.25, "nb").replace(NBSP, " ") == "25 %"
    assert percent(0.256, "ru", decimals=1).replace(NBSP, " ") == "25,6 %"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "21 Mar 2025"),
        ("nb", "21. mars 2025"),
        ("ru", "21 мар. 2025 г."),
        ("ro", "21 mar. 2025"),
    ],
)
def test_medium_dates(language: str, expected: str) -> None:
    # CLDR separates "г." with a narrow no-break space
    assert date_text(date(2025, 3, 21), language).replace("\u202f", " ") == expected


def test_date_times_are_day_first_and_24_hour() -> None:
    moment = datetime(2025, 3, 21, 14, 5)
    assert datetime_text(moment, "en") == "21 Mar 2025, 14:05"
    assert datetime_text(moment, "nb") == "21. mars 2025, 14:05"


NUMERIC_DATE = re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b")


@pytest.mark.parametrize("language", ["en", "nb", "ru", "ro"])
def test_one_date_style_per_language(language: str) -> None:
    """A moment shows its date exactly as a date alone does: never "07/12/2026, 11:45"
    beside "11 Nov 2026"."""
    for moment in (datetime(2026, 12, 7, 11, 45), datetime(2026, 11, 11, 8, 0)):
        alone = date_text(moment.date(), language)
        with_time = datetime_text(moment, language)
        assert with_time.startswith(alone), (with_time, alone)
        shown = (alone, with_time, day_text(moment.date(), language))
        assert not any(NUMERIC_DATE.search(text) for text in shown), shown


def test_screens_format_dates_only_through_the_one_style() -> None:
    """No screen formats a date of its own (Babel, strftime, Qt) or picks another width."""
    own = re.compile(
        r"strftime\(|isoformat\(|format_date\((?![^)]*\"Q)|format_datetime\(|format_skeleton\(|"
        r"\.toString\(|date_text\([^)]*format=|datetime_text\([^)]*format="
    )
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "app" / "ui").rglob("*.py"))
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if own.search(line)
    ]
    assert found == []


@pytest.mark.parametrize(
    ("language", "pattern"),
    [("en", "dd/MM/yyyy"), ("nb", "dd.MM.yyyy"), ("ru", "dd.MM.yyyy"), ("ro", "dd.MM.yyyy")],
)
def test_date_fields_use_the_locale_with_four_digit_years(language: str, pattern: str) -> None:
    assert editing_date_pattern(language) == pattern


def test_weeks_start_on_monday_in_every_language() -> None:
    assert weekday_names("en")[0] == "Monday"
    assert weekday_names("nb")[0] == "mandag"
    assert weekday_names("ru")[0] == "понедельник"
    assert weekday_names("ro")[0] == "luni"
    assert weekday_names("ru", width="abbreviated")[-1] == "вс"
