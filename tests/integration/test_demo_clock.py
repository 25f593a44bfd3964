"""The demo's clock (app.demo.clock): today's office hours already gone stay as they are, what
lies ahead is moved before the moment in order, and the SQL that moves the records agrees to
the second with what moves the audit trail's times (an event and its record must agree)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from app.demo.clock import Clock

STAMPS = [
    f"2026-12-07 {h:02d}:{m:02d}:{s:02d}.000000"
    for h in range(24)
    for m in (0, 7, 15, 29, 44, 59)
    for s in (0, 31)
]


def _sql(clock: Clock, stamps: list[str]) -> list[str]:
    engine = create_engine("sqlite://")
    params = {
        "day": clock.now.date().isoformat(),
        "start": datetime.combine(clock.now.date(), datetime.min.time()).strftime(
            "%Y-%m-%d %H:%M:%S"
        ),
        "kept": clock._kept,
        "f": clock._factor,
        "now": clock.stamp(),
    }
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER, x TEXT)")
        for i, stamp in enumerate(stamps):
            conn.exec_driver_sql("INSERT INTO t VALUES (?, ?)", (i, stamp))
        return [
            r[0] for r in conn.execute(text(f"SELECT {clock.sql('x')} FROM t ORDER BY n"), params)
        ]


@pytest.mark.parametrize("now", ["07:00:00", "08:00:00", "09:10:00", "15:00:00", "23:59:30"])
def test_the_records_and_the_trail_move_alike_and_keep_their_order(now: str) -> None:
    clock = Clock(datetime.fromisoformat(f"2026-12-07 {now}"))
    moved = [clock.past(s) for s in STAMPS]
    assert [m[:19] for m in moved] == [m[:19] for m in _sql(clock, STAMPS)]
    assert moved == sorted(moved)
    assert all(m <= clock.stamp() for m in moved)


def test_the_office_hours_already_gone_stay_as_they_are() -> None:
    clock = Clock(datetime(2026, 12, 7, 15, 0))
    assert clock.past("2026-12-07 09:00:00.000000")[11:16] == "09:00"
    assert clock.past("2026-12-07 12:59:00.000000")[11:16] == "12:59"
    late = datetime.fromisoformat(clock.past("2026-12-07 16:00:00.000000"))
    assert clock.now - timedelta(hours=2) < late < clock.now
    # before the office opens, the whole day shrinks into the part already gone
    early = Clock(datetime(2026, 12, 7, 7, 0))
    assert early.past("2026-12-07 09:00:00.000000")[11:16] == "02:37"
    assert early.past("2026-12-06 09:00:00.000000") == "2026-12-06 09:00:00.000000"
    assert early.past("2026-12-08 09:00:00.000000") == early.stamp()
