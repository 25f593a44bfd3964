"""The demo's audit trail: the events the work in the demo data would have written.

Runs last, on the finished data, so every event describes a row as it is: its user, its
entity, its case and client, and its time (the row's ``created_at``, a meeting's recording,
a task's ``done_at``, a referral's sending…). Events go through the real chain
(:func:`app.security.audit_stored.append_stored`: the same MACs and tagged head as every other
event), so ``homeward verify`` checks them like any other.

What the trail holds, as the services write it (the same actions, entity types and field
names):

* every record created — people and their relationships, consents, cases, needs, meetings
  (with their follow-up tasks), tasks, referrals, child visits and assessments, the
  foreign-inmate records, custody changes, release plans and their tasks;
* the changes the data shows — a case opened, made active, put on hold or closed, a mentor
  matched, a need's progress, a task done, a referral sent and answered, a visit approved,
  scheduled, held, cancelled or denied and its follow-up, a consent withdrawn;
* a view of the case before each stint of work on it (per user, case and day), a sign-in
  before each user's first event of the day and that day's automatic backup, and the
  coordinator's quarterly anonymised summaries (PDF and CSV, with their export records).

The trail starts :data:`~.demo_trail.TRAIL_DAYS` before today, as if the organisation had switched to an
audited Homeward then: older records keep their dates but have no events. That is about ten
events per case (a million at 100,000 cases, 20 s and 0.5 GB more); a complete trail of the
three years would be four times that. Events that would fall later than the moment the demo
is built are moved back to that moment, so a real sign-in always comes after them.

Fast: the rows are read with plain SQL (field lists built in SQL), events are sorted once
and chained in one pass, their ids are time-ordered, the random-keyed indexes are built
after the rows are in. The same seed and day give the same events (ids included); only the
MACs differ, as they depend on the workspace's key.

The parts of the trail are :mod:`.demo_trail_records`, :mod:`.demo_trail_casework` and
:mod:`.demo_trail_sessions`, on the shared ground of :mod:`.demo_trail`.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Engine

from app.demo.clock import Clock
from app.demo.core import indexes_dropped
from app.demo.trail import TIME_ORDER, Event
from app.demo.trail_casework import CaseworkEvents
from app.demo.trail_records import RecordEvents
from app.demo.trail_sessions import SessionEvents
from app.models.base import utcnow
from app.security import audit, audit_stored
from app.security.permissions import internal
from app.services import settings


@dataclass(frozen=True)
class AuditStats:
    events: int
    since: date
    exports: int


@internal
def add_audit_trail(
    engine: Engine,
    users: dict[str, uuid.UUID],
    today: date | None = None,
    *,
    seed: int = 1,
    now: datetime | None = None,
) -> AuditStats:
    """Write the trail of a freshly generated demo workspace (one transaction)."""
    day = today or date.today()
    clock = Clock((now or utcnow()).replace(microsecond=0))
    rng = random.Random(f"audit-{seed}")  # noqa: S311 - demo data, not security
    with engine.begin() as conn:
        secret = settings.read_on(conn, settings.AUDIT_SECRET)
        if not secret:
            raise RuntimeError("the demo workspace has no audit secret")
        key = audit.audit_key(bytes.fromhex(secret))
        trail = _Trail(conn, rng, day, users)
        events = trail.collect()
        # the events come in time order: that index grows at its end, the others are random
        with indexes_dropped(conn, ["audit_events"], keep=["ix_audit_events_time"]):
            written = audit_stored.append_stored(conn, key, trail.stored(events, clock))
        trail.recent_views(clock)
    return AuditStats(events=written, since=trail.since_day, exports=trail.exports)


class _Trail(RecordEvents, CaseworkEvents, SessionEvents):
    """The whole trail: every part's events, sorted and chained."""

    def collect(self) -> list[Event]:
        self._users()
        self._people()
        self._cases()
        self._needs()
        self._meetings()
        self._tasks()
        self._referrals()
        self._visits()
        self._case_records()
        self._release()
        self._exports()
        events = self.events
        events.sort(key=TIME_ORDER)
        events += self._work_sessions(events)
        events.sort(key=TIME_ORDER)  # two runs in order: merged in one pass
        return events

    def stored(self, events: list[Event], clock: Clock) -> Iterator[audit_stored.StoredEvent]:
        """The events with their ids, their times moved back before the clock's moment
        (:meth:`Clock.past`, which keeps their order).

        Ids are time-ordered (UUID version 7: the event's millisecond, then 72 seeded random
        bits), so the primary-key index grows at its end instead of on random pages.
        """
        prefixes: dict[str, str] = {}
        noise = self.rng.randbytes(9 * len(events)).hex()  # 18 hex digits an event
        for i, (when, _order, user, action, kind, entity, fields, case, person) in enumerate(
            events
        ):
            prefix = prefixes.get(when[:19])  # from the planned time: the same for a seed
            if prefix is None:
                ms = int(datetime.fromisoformat(when[:19]).replace(tzinfo=UTC).timestamp() * 1000)
                prefix = prefixes[when[:19]] = f"{ms:012x}7"
            j = 18 * i
            yield (
                f"{prefix}{noise[j : j + 3]}8{noise[j + 3 : j + 18]}",
                clock.past(when),
                user,
                action,
                kind,
                entity,
                fields,
                case,
                person,
            )
