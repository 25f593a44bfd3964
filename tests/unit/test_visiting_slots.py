"""The next visiting slot, read from an institution's visiting information."""

from __future__ import annotations

from datetime import datetime, time

from app.features.visits.services.visiting_slots import (
    FALLBACK_HOUR,
    next_visiting_time,
    visiting_slots,
)

SUNDAY_EVENING = datetime(2026, 12, 6, 20, 0)  # a Sunday


def test_days_and_times_are_read() -> None:
    text = "Visits: Tuesdays and Thursdays 17:00–19:30, Saturdays 10:00–15:00. Bring photo ID."
    assert visiting_slots(text, "en_GB") == [(1, time(17)), (3, time(17)), (5, time(10))]
    span = "Mondays to Fridays 13:00–15:00, Sundays 11:00–14:00"
    assert visiting_slots(span, "en_GB") == [(d, time(13)) for d in range(5)] + [(6, time(11))]
    weekdays = "Weekdays 09:00–11:00 and 13:00–15:00"
    assert {d for d, _ in visiting_slots(weekdays, "en_GB")} == {0, 1, 2, 3, 4}
    assert (0, time(13)) in visiting_slots(weekdays, "en_GB")
    assert visiting_slots("Onsdager 16.00–19.00", "nb_NO") == [(2, time(16))]
    assert visiting_slots("Среда 16:00–19:00", "ru_RU") == [(2, time(16))]


def test_the_next_slot_is_a_visiting_time_from_tomorrow() -> None:
    text = "Tuesdays and Thursdays 17:00–19:30, Saturdays 10:00–15:00"
    assert next_visiting_time(text, SUNDAY_EVENING, language="en_GB") == datetime(
        2026, 12, 8, 17, 0
    )
    monday_noon = datetime(2026, 12, 7, 12, 0)
    wednesday = "Wednesdays 16:00–19:00 and every other Saturday 10:00–13:00"
    assert next_visiting_time(wednesday, monday_noon, language="en_GB") == datetime(
        2026, 12, 9, 16, 0
    )


def test_without_readable_times_the_next_weekday_at_a_sensible_hour() -> None:
    friday = datetime(2026, 12, 11, 9, 0)
    for info in (None, "", "Call the visiting office."):
        assert next_visiting_time(info, friday, language="en_GB") == datetime(
            2026, 12, 14, FALLBACK_HOUR, 0
        )


def test_whole_hours_count_only_after_a_day() -> None:
    assert visiting_slots("Saturdays 10–14, child-friendly room", "en_GB") == [(5, time(10))]
    assert visiting_slots("Sundays 11:00–14:00. Book 3-5 days ahead.", "en_GB") == [(6, time(11))]
