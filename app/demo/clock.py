"""The demo's clock: what happened lies before the moment the demo is built.

The generators plan in whole days and stamp records at office hours, so a demo built at 15:00
would hold meetings, tasks and audit events of "later today". :class:`Clock` moves them back:
today's times up to two hours before the moment stay as they are, and the rest of the day is
compressed into those two hours (at 15:00, 09:00 stays 09:00 and 16:00 becomes 13:27); before
office hours (08:00) the whole day is compressed into the part already gone (09:00 becomes
02:37 at 07:00). The order of the day's events, and so every "created after" between records,
stays. Anything stamped on a later day is set to the moment itself. Only plans keep their future:
tasks' due dates, booked visits, expected releases, consents' expiry (dates, never touched).

The audit trail is made from the generated times and moves its own with :meth:`Clock.past`;
:func:`settle_times` then moves the records' the same way, so an event and its record still
agree, and the trail's ids (taken from the generated times) stay the same for a seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, DateTime

from app.models import Base
from app.security.permissions import internal

#: Times that are plans when their row says so (a visit booked for this afternoon).
_PLANNED = {("child_visits", "scheduled_at"): "status IN ('requested', 'approved', 'scheduled')"}
#: Settled by the audit trail as it writes them (and its times are under its MACs); the search
#: lines are made afterwards from the settled cases.
_LATER = frozenset({"audit_events", "recent_views", "case_search_index"})
_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
#: Seconds into the day: before the office opens the whole day is compressed; after it, only
#: what lies ahead, into the last two hours gone.
_OFFICE_OPENS = 8 * 3600
_SQUEEZED_INTO = 2 * 3600


@dataclass(frozen=True)
class Clock:
    now: datetime  # naive, as the rows store times

    @property
    def _start(self) -> datetime:
        return datetime.combine(self.now.date(), datetime.min.time())

    @property
    def _kept(self) -> float:
        """Seconds into today up to which times stay as they are."""
        gone = (self.now - self._start).total_seconds()
        return 0.0 if gone <= _OFFICE_OPENS else max(_OFFICE_OPENS, gone - _SQUEEZED_INTO)

    @property
    def _factor(self) -> float:
        """How much the rest of today shrinks to fit before the moment."""
        gone = (self.now - self._start).total_seconds()
        return (gone - self._kept) / (86_400 - self._kept)

    def stamp(self) -> str:
        return self.now.strftime(_FORMAT)

    def past(self, stamp: str) -> str:
        """A stored time (``YYYY-MM-DD HH:MM:SS.ffffff``) moved to at most the moment."""
        day = self.now.date().isoformat()
        if stamp[:10] < day:
            return stamp
        if stamp[:10] > day:
            return self.stamp()
        seconds = (datetime.fromisoformat(stamp) - self._start).total_seconds()
        kept = self._kept
        if seconds > kept:
            seconds = kept + int((seconds - kept) * self._factor)
        return (self._start + timedelta(seconds=seconds)).strftime(_FORMAT)

    def sql(self, column: str) -> str:
        """:meth:`past` in SQLite, for ``column`` (parameters ``:day``, ``:start``, ``:kept``,
        ``:f``, ``:now``)."""
        # whole seconds, as :meth:`past` has them (julianday's day fraction is not exact)
        seconds = f'ROUND((julianday("{column}") - julianday(:start)) * 86400)'
        return (
            f'CASE WHEN "{column}" IS NULL OR substr("{column}", 1, 10) < :day THEN "{column}" '
            f'WHEN substr("{column}", 1, 10) > :day THEN :now '
            f'WHEN {seconds} <= :kept THEN "{column}" '
            f"ELSE strftime('%Y-%m-%d %H:%M:%S.000000', :start, '+' || CAST(:kept + CAST(("
            f"{seconds} - :kept) * :f AS INTEGER) AS INTEGER) || ' seconds') END"
        )


@internal
def settle_times(conn: Connection, clock: Clock) -> int:
    """Move every time of the generated rows that lies after ``clock.now`` back (see the
    module note); plans stay. Returns the rows changed. One scan a table."""
    params = {
        "day": clock.now.date().isoformat(),
        "start": clock._start.strftime("%Y-%m-%d %H:%M:%S"),
        "kept": clock._kept,
        "f": clock._factor,
        "now": clock.stamp(),
    }
    changed = 0
    for table in Base.metadata.sorted_tables:
        if table.name in _LATER:
            continue
        columns = [c.name for c in table.columns if isinstance(c.type, DateTime)]
        if not columns:
            continue
        sets, late = [], []
        for name in columns:
            planned = _PLANNED.get((table.name, name))
            value = clock.sql(name)
            if planned:
                value = f'CASE WHEN {planned} THEN "{name}" ELSE {value} END'
                late.append(f'("{name}" >= :day AND NOT ({planned}))')
            else:
                late.append(f'"{name}" >= :day')
            sets.append(f'"{name}" = {value}')
        result = conn.exec_driver_sql(
            f"UPDATE {table.name} SET {', '.join(sets)} WHERE {' OR '.join(late)}",
            params,
        )
        changed += result.rowcount or 0
    return changed
