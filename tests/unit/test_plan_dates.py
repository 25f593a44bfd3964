"""The release plan's date arithmetic, for any release date and any offsets."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.features.release.services.plan_templates import MAX_OFFSET_DAYS
from app.features.release.services.release_plans import due_on, moved_due_dates

anchors = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
offsets = st.integers(min_value=-MAX_OFFSET_DAYS, max_value=MAX_OFFSET_DAYS)
shifts = st.integers(min_value=-2_000, max_value=2_000)
#: (offset, done, moved by hand by this many days)
items = st.lists(st.tuples(offsets, st.booleans(), st.integers(-30, 30)), max_size=20)


def plan(
    anchor: date, spec: list[tuple[int, bool, int]]
) -> list[tuple[date | None, int | None, bool]]:
    return [(due_on(anchor, o) + timedelta(days=hand), o, done) for o, done, hand in spec]


@given(anchors, offsets)
def test_due_is_anchor_plus_offset(anchor: date, offset: int) -> None:
    due = due_on(anchor, offset)
    assert (due - anchor).days == offset
    assert due_on(anchor, 0) == anchor


@given(anchors, shifts, items)
def test_moving_the_anchor_moves_each_open_task_by_exactly_the_shift(
    anchor: date, shift: int, spec: list[tuple[int, bool, int]]
) -> None:
    tasks = plan(anchor, spec)
    moved = moved_due_dates(tasks, anchor, anchor + timedelta(days=shift))
    for (before, _offset, done), after in zip(tasks, moved, strict=True):
        assert before is not None and after is not None
        if done:
            assert after == before
        else:
            assert (after - before).days == shift


@given(anchors, shifts, st.lists(st.tuples(offsets, st.booleans()), max_size=20))
def test_untouched_open_tasks_land_on_the_new_anchor_plus_offset(
    anchor: date, shift: int, spec: list[tuple[int, bool]]
) -> None:
    new_anchor = anchor + timedelta(days=shift)
    tasks = [(due_on(anchor, o), o, done) for o, done in spec]
    moved = moved_due_dates(tasks, anchor, new_anchor)
    for (o, done), after in zip(spec, moved, strict=True):
        assert after == (due_on(anchor, o) if done else due_on(new_anchor, o))


@given(anchors, shifts, items)
def test_there_and_back_restores_every_date(
    anchor: date, shift: int, spec: list[tuple[int, bool, int]]
) -> None:
    tasks = plan(anchor, spec)
    away = anchor + timedelta(days=shift)
    there = moved_due_dates(tasks, anchor, away)
    back = moved_due_dates(
        [(d, o, done) for d, (_b, o, done) in zip(there, tasks, strict=True)], away, anchor
    )
    assert back == [d for d, _o, _done in tasks]


@given(anchors, shifts, offsets)
def test_an_open_task_without_a_date_gets_one_from_its_offset(
    anchor: date, shift: int, offset: int
) -> None:
    new_anchor = anchor + timedelta(days=shift)
    assert moved_due_dates([(None, offset, False)], anchor, new_anchor) == [
        due_on(new_anchor, offset)
    ]
    assert moved_due_dates([(None, offset, True)], anchor, new_anchor) == [None]
