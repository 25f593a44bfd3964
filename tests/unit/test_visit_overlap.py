"""Visit clash detection over random intervals, against a minute-by-minute brute force."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.features.visits.services.visits import MAX_DURATION_MINUTES, first_clash, overlaps

BASE = datetime(2026, 3, 2, 0, 0)
starts = st.integers(min_value=0, max_value=4 * 24 * 60)  # minutes after BASE
durations = st.integers(min_value=1, max_value=MAX_DURATION_MINUTES)


def minutes(start: int, length: int) -> set[int]:
    return set(range(start, start + length))


@given(starts, durations, starts, durations)
def test_overlap_agrees_with_brute_force(a: int, a_len: int, b: int, b_len: int) -> None:
    expected = bool(minutes(a, a_len) & minutes(b, b_len))
    at = BASE + timedelta(minutes=a)
    bt = BASE + timedelta(minutes=b)
    assert overlaps(at, a_len, bt, b_len) == expected
    assert overlaps(bt, b_len, at, a_len) == expected  # symmetric


@given(starts, durations)
def test_back_to_back_visits_do_not_clash(a: int, a_len: int) -> None:
    at = BASE + timedelta(minutes=a)
    assert not overlaps(at, a_len, at + timedelta(minutes=a_len), 30)
    assert overlaps(at, a_len, at + timedelta(minutes=a_len - 1), 30)


@given(starts, durations, st.lists(st.tuples(starts, durations), max_size=8))
def test_first_clash_finds_an_overlapping_visit_iff_one_exists(
    a: int, a_len: int, others: list[tuple[int, int]]
) -> None:
    keyed = [(i, BASE + timedelta(minutes=s), n) for i, (s, n) in enumerate(others)]
    found = first_clash(BASE + timedelta(minutes=a), a_len, keyed)
    clashing = [i for i, (s, n) in enumerate(others) if minutes(a, a_len) & minutes(s, n)]
    assert found == (clashing[0] if clashing else None)
