"""What a job changed is collected from the service writes that returned (:mod:`app.kernel.changes`)."""

from __future__ import annotations

import uuid

import pytest

from app.kernel.changes import EVERY_CASE, Changes, Topic, collect, note_case, writes

A, B = uuid.uuid4(), uuid.uuid4()


@writes(Topic.CASES, Topic.MEETINGS)
def _record(case_id: uuid.UUID, *, fail: bool = False) -> str:
    note_case(case_id)
    if fail:
        raise ValueError("refused")
    return "saved"


@writes(Topic.TASKS)
def _record_with_task(case_id: uuid.UUID) -> str:
    return _record(case_id)


def _read(case_id: uuid.UUID) -> None:
    note_case(case_id)  # a read that logs who looked: not a change


def test_a_job_collects_topics_and_the_cases_its_writes_touched() -> None:
    with collect() as changes:
        assert _record_with_task(A) == "saved"
        _read(B)
    assert changes() == Changes(
        frozenset({Topic.CASES, Topic.MEETINGS, Topic.TASKS}), frozenset({A})
    )


def test_a_write_that_failed_changed_nothing() -> None:
    with collect() as changes, pytest.raises(ValueError):
        _record(A, fail=True)
    assert not changes()


def test_outside_a_job_writes_record_nothing_and_still_work() -> None:
    assert _record(A) == "saved"
    with collect() as changes:
        pass
    assert changes() == Changes()


def test_an_open_case_reloads_for_its_own_data_or_what_every_case_shows() -> None:
    mine = Changes(frozenset({Topic.CASES}), frozenset({A}))
    assert mine.touches_case(A) and not mine.touches_case(B)
    for topic in EVERY_CASE:
        assert Changes(frozenset({topic})).touches_case(B)
    assert not Changes(frozenset({Topic.TASKS, Topic.RELEASES})).touches_case(B)
