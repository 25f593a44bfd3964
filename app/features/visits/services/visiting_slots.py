"""When a prison's visiting times are, read from its visiting information — a free text
("Tuesdays and Thursdays 17:00–19:30, Saturdays 10:00–15:00") — so a booking opens at the
next time a visit can actually happen rather than at a fixed hour.

The reading is forgiving and never required: day names in English or in the user's
language, "weekdays", "Mondays to Fridays", times as 17:00 or 17.00. Text it cannot read
gives no slots, and the booking falls back to the next weekday at :data:`FALLBACK_HOUR`.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, time, timedelta
from functools import cache

from babel import Locale
from babel.dates import get_day_names

from app.kernel.i18n import babel_locale
from app.security.permissions import pure

FALLBACK_HOUR = 10
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_RANGE = re.compile(_TIME + r"\s*(?:–|—|-|to|til|до|până la)\s*" + _TIME)
_ENGLISH = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS = re.compile(r"weekday|hverdag|будн|zilele lucrătoare|luni-vineri", re.IGNORECASE)
_SPAN_WORDS = r"(?:to|til|–|—|-|по|până)"


@cache
def _day_stems(language: str) -> tuple[tuple[str, int], ...]:
    """(lower-case stem, weekday number) pairs: English and the language's own names."""
    stems = [(name[:5], n) for n, name in enumerate(_ENGLISH)]
    locale = Locale.parse(language)
    for n, name in get_day_names("wide", locale=locale).items():
        text = str(name).lower()
        if len(text) >= 4:
            stems.append((text[: min(5, len(text) - 1)], int(n)))
    return tuple(sorted(set(stems), key=lambda s: -len(s[0])))


def _days_in(text: str, language: str) -> set[int]:
    """The weekdays a piece of text names, including spans ("Mondays to Fridays")."""
    lower = text.lower()
    if _WEEKDAYS.search(lower):
        return {0, 1, 2, 3, 4}
    found: list[tuple[int, int]] = []  # (position, weekday)
    for stem, day in _day_stems(language):
        for match in re.finditer(r"\b" + re.escape(stem), lower):
            if all(abs(match.start() - p) > 1 for p, _ in found):
                found.append((match.start(), day))
    found.sort()
    days = {day for _, day in found}
    for (start, first), (end, last) in itertools.pairwise(found):
        between = lower[start:end]
        if re.search(r"\w+\s*" + _SPAN_WORDS + r"\s*$", between.strip()) or re.search(
            r"\s" + _SPAN_WORDS + r"\s", between
        ):
            day = first
            while day != last:
                days.add(day)
                day = (day + 1) % 7
    return days


@pure
def visiting_slots(info: str | None, language: str | None = None) -> list[tuple[int, time]]:
    """(weekday, start time) pairs the text gives, Monday = 0; empty if it gives none."""
    if not info:
        return []
    language = language or babel_locale()
    slots: list[tuple[int, time]] = []
    previous_end, days = 0, set[int]()
    for match in _RANGE.finditer(info):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour > 23 or minute > 59:
            continue
        named = _days_in(info[previous_end : match.start()], language)
        if not named and match.group(2) is None:
            continue  # "3–5 days ahead" is no visiting time; "Saturdays 10–14" is
        # "Weekdays 09:00–11:00 and 13:00–15:00": no day named, the same days as before
        days = named or days
        slots += [(day, time(hour, minute)) for day in sorted(days)]
        previous_end = match.end()
    return sorted(set(slots))


@pure
def next_visiting_time(info: str | None, now: datetime, *, language: str | None = None) -> datetime:
    """The first visiting slot from tomorrow on (a visit must be booked ahead); without
    readable visiting times, the next weekday at :data:`FALLBACK_HOUR`."""
    slots = visiting_slots(info, language)
    first = now.date() + timedelta(days=1)
    for offset in range(14):
        day = first + timedelta(days=offset)
        starts = sorted(start for weekday, start in slots if weekday == day.weekday())
        if starts:
            return datetime.combine(day, starts[0])
    return datetime.combine(_next_weekday(first), time(FALLBACK_HOUR))


def _next_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
