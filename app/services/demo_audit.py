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

The trail starts :data:`TRAIL_DAYS` before today, as if the organisation had switched to an
audited Homeward then: older records keep their dates but have no events. That is about ten
events per case (a million at 100,000 cases, 20 s and 0.5 GB more); a complete trail of the
three years would be four times that. Events that would fall later than the moment the demo
is built are moved back to that moment, so a real sign-in always comes after them.

Fast: the rows are read with plain SQL (field lists built in SQL), events are sorted once
and chained in one pass, their ids are time-ordered, the random-keyed indexes are built
after the rows are in. The same seed and day give the same events (ids included); only the
MACs differ, as they depend on the workspace's key.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from sys import intern
from typing import Any

from sqlalchemy import Connection, Engine

from app.models.base import utcnow
from app.security import audit, audit_stored
from app.security.audit import AuditAction as A
from app.security.permissions import internal
from app.services.audit_log import AUDIT_SECRET
from app.services.demo_clock import Clock
from app.services.demo_core import indexes_dropped
from app.services.recent_views import RECENT_KEPT
from app.services.reports.disclosure import DEFAULT_THRESHOLD

#: ``reports.service.EXPORT_KIND`` (not imported: it would load the PDF library; a test
#: checks they agree).
EXPORT_KIND = "anonymised_summary"
#: How far back the trail goes (see the module note).
TRAIL_DAYS = 100

# The order of events at the same moment: sign in, open the case, create what others point
# to (a person before their case, a follow-up task before its meeting), the rest, changes.
_SIGN_IN, _VIEW, _FIRST, _CREATE, _UPDATE, _AFTER = range(6)
_VIEW_CASE, _SIGN_IN_ACTION, _BACKUP = A.VIEW_CASE.value, A.SIGN_IN.value, A.BACKUP.value

# (time, order, user, action, entity type, entity id, fields, case id, person id)
Event = tuple[str, int, str | None, str, str | None, str | None, str, str | None, str | None]
#: Events sort by time and order only; the sort is stable, so ties keep the order in which
#: they were made, which a seed fixes (the demo accounts' ids, made anew each time, do not).
_TIME_ORDER = itemgetter(0, 1)


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
        secret = conn.exec_driver_sql(
            "SELECT value FROM settings WHERE key = ?", (AUDIT_SECRET,)
        ).scalar()
        if secret is None:
            raise RuntimeError("the demo workspace has no audit secret")
        key = audit.audit_key(bytes.fromhex(json.loads(secret)))
        trail = _Trail(conn, rng, day, users)
        events = trail.collect()
        # the events come in time order: that index grows at its end, the others are random
        with indexes_dropped(conn, ["audit_events"], keep=["ix_audit_events_time"]):
            written = audit_stored.append_stored(conn, key, trail.stored(events, clock))
        trail.recent_views(clock)
    return AuditStats(events=written, since=trail.since_day, exports=trail.exports)


def _filled(always: tuple[str, ...], **optional: str) -> str:
    """An SQL expression for the sorted, comma-joined names of the fields a row has:
    ``always`` and each of ``optional`` whose condition holds."""
    parts = []
    for name in sorted((*always, *optional)):
        if name in always:
            parts.append(f"'{name},'")
        else:
            parts.append(f"(CASE WHEN {optional[name]} THEN '{name},' ELSE '' END)")
    return f"rtrim({' || '.join(parts)}, ',')"


def _text(column: str) -> str:
    return f"({column} IS NOT NULL AND {column} != '')"


def _set(column: str) -> str:
    return f"{column} IS NOT NULL"


_PERSON_FIELDS = _filled(
    ("family_name", "gender", "given_name"),
    **{
        name: _text(name)
        for name in (
            "preferred_name",
            "nationality",
            "country_of_origin",
            "languages",
            "phone",
            "email",
            "address",
            "national_id",
            "notes",
        )
    },
    birth_date=_set("birth_date"),
    birth_year_estimate=_set("birth_year_estimate"),
    interpreter_needed="interpreter_needed = 1",
)
# A case as created: the mentor comes later (an update), the actual release with custody.
_CASE_FIELDS = _filled(
    ("client_id", "kind", "opened_on", "priority", "reference", "status"),
    **{
        name: _set(name)
        for name in (
            "worker_id",
            "institution_id",
            "referral_source",
            "custody_status",
            "sentence_start",
            "expected_release",
            "offence_category",
        )
    },
    summary=_text("summary"),
)
_MEETING_FIELDS = _filled(
    ("duration_minutes", "kind", "occurred_at", "recorded_by", "summary"),
    location=_text("location"),
    wellbeing=_set("wellbeing"),
    interpreter_used="interpreter_used = 1",
    follow_up_task_id=_set("follow_up_task_id"),
)
_TASK_FIELDS = _filled(
    ("assignee_id", "title"),
    due_on=_set("due_on"),
    case_id=_set("case_id"),
    notes=_text("notes"),
    plan_id=_set("plan_id"),
    plan_offset_days=_set("plan_offset_days"),
)
_VISIT_FIELDS = _filled(
    ("child_id", "duration_minutes", "scheduled_at", "status", "visit_type"),
    accompanying_adult_id=_set("accompanying_adult_id"),
    accompanying_adult_name=_text("accompanying_adult_name"),
    institution_id=_set("institution_id"),
    transport_amount_minor=_set("transport_amount_minor"),
    transport_support="transport_support != 'none'",
)


def _minutes(stamp: str) -> int:
    return int(stamp[11:13]) * 60 + int(stamp[14:16])


def _earlier(stamp: str, minutes: int) -> str:
    """``stamp`` moved ``minutes`` earlier on the same day (not before midnight)."""
    m = max(0, _minutes(stamp) - minutes)
    return f"{stamp[:11]}{m // 60:02d}:{m % 60:02d}:00.000000"


class _Trail:
    def __init__(
        self, conn: Connection, rng: random.Random, today: date, users: dict[str, uuid.UUID]
    ) -> None:
        self.conn, self.rng, self.today = conn, rng, today.toordinal()
        self.coordinator = users["coordinator"].hex
        self.since_day = today - timedelta(days=TRAIL_DAYS)
        self.since = f"{self.since_day.isoformat()} 00:00:00.000000"
        self.events: list[Event] = []
        #: case id -> (client id, its worker, the day it closed or today, the case id)
        self.cases: dict[str, tuple[str, str, int, str]] = {}
        self.case_created: dict[str, str] = {}
        self.exports = 0
        self.follow_ups: set[str] = set()
        self.views: list[Event] = []
        self._days: dict[int, str] = {}

    # -- helpers --

    def _rows(self, sql: str, *params: Any) -> Iterator[tuple[Any, ...]]:
        """Rows as plain tuples of stored values, straight from the driver."""
        cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(10_000):
                yield from batch
        finally:
            cursor.close()

    def at(self, ordinal: int, minute: int) -> str:
        day = self._days.get(ordinal)
        if day is None:
            day = self._days[ordinal] = date.fromordinal(ordinal).isoformat()
        return f"{day} {minute // 60:02d}:{minute % 60:02d}:00.000000"

    def add(
        self,
        when: str,
        order: int,
        user: str | None,
        action: A,
        entity_type: str | None,
        entity: str | None,
        fields: str = "",
        case: str | None = None,
        person: str | None = None,
    ) -> None:
        if when >= self.since:  # users and field lists interned: a million events share them
            user = None if user is None else intern(user)
            fields = intern(fields)
            self.events.append(
                (when, order, user, action.value, entity_type, entity, fields, case, person)
            )

    def _on_case(
        self,
        when: str,
        order: int,
        user: str | None,
        action: A,
        kind: str,
        row: str,
        fields: str,
        case: str,
    ) -> None:
        client, worker, _end, case = self.cases[case]  # one string per case for all events
        self.add(when, order, user or worker, action, kind, row, fields, case, client)

    def _day(self, stamp: str) -> int:
        return date.fromisoformat(stamp[:10]).toordinal()

    def _between(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low + 1)) if high > low else low

    # -- the run --

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
        events.sort(key=_TIME_ORDER)
        events += self._work_sessions(events)
        events.sort(key=_TIME_ORDER)  # two runs in order: merged in one pass
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

    def _users(self) -> None:
        for user_id, created_at, by in self._rows(
            "SELECT id, created_at, created_by FROM users WHERE created_by IS NOT NULL "
            "ORDER BY created_at, id"
        ):
            fields = "display_name,language,role,username"
            self.add(created_at, _CREATE, by, A.USER_ADD, "user", user_id, fields)
        for template_id, created_at, by in self._rows(
            "SELECT id, created_at, created_by FROM plan_templates ORDER BY created_at, id"
        ):
            fields = "description,items,name"
            self.add(created_at, _CREATE, by, A.CREATE, "plan_template", template_id, fields)

    def _people(self) -> None:
        for person, created_at, by, fields in self._rows(
            f"SELECT id, created_at, created_by, {_PERSON_FIELDS} FROM people "
            "WHERE created_at >= ?",
            self.since,
        ):
            self.add(created_at, _FIRST, by, A.CREATE, "person", person, fields, None, person)
        relation = _filled(
            ("kind", "person_id", "related_person_id"),
            lives_together="lives_together = 1",
            is_caregiver="is_caregiver = 1",
        )
        for row, person, created_at, by, fields in self._rows(
            f"SELECT id, person_id, created_at, created_by, {relation} FROM relationships "
            "WHERE created_at >= ?",
            self.since,
        ):
            self.add(created_at, _CREATE, by, A.CREATE, "relationship", row, fields, None, person)
        consent = _filled(
            ("given_on", "legal_basis", "recorded_by", "scope"),
            expires_on=_set("expires_on"),
            notes=_text("notes"),
        )
        for row, person, created_at, by, withdrawn_at, fields in self._rows(
            f"SELECT id, person_id, created_at, created_by, "
            f"CASE WHEN withdrawn_on IS NOT NULL THEN updated_at END, {consent} FROM consents "
            "WHERE created_at >= ? OR (withdrawn_on IS NOT NULL AND updated_at >= ?)",
            self.since,
            self.since,
        ):
            self.add(created_at, _CREATE, by, A.CREATE, "consent", row, fields, None, person)
            if withdrawn_at is not None:
                self.add(
                    withdrawn_at,
                    _UPDATE,
                    by,
                    A.UPDATE,
                    "consent",
                    row,
                    "withdrawn_on",
                    None,
                    person,
                )

    def _cases(self) -> None:
        """Each case's creation and the status changes that brought it where it is."""
        rng, today = self.rng, self.today
        coordinator = self.coordinator
        for row in self._rows(
            f"SELECT id, client_id, worker_id, volunteer_id, status, opened_on, closed_on, "
            f"created_at, created_by, {_CASE_FIELDS} FROM cases "
            "ORDER BY reference_year, reference_seq"
        ):
            case, client, worker, volunteer, status, opened_on, closed_on = row[:7]
            created_at, by, fields = row[7:]
            worker = worker or coordinator
            end = date.fromisoformat(closed_on).toordinal() if closed_on else today
            self.cases[case] = (client, worker, end, case)
            self.case_created[case] = created_at
            self.add(created_at, _FIRST, by, A.CREATE, "case", case, fields, case, client)
            if status == "referral":
                continue
            opened = date.fromisoformat(opened_on).toordinal()
            first, previous = self._day(created_at), created_at
            steps = {"open": ("open",), "active": ("open", "active")}.get(
                status, ("open", "active", status)
            )
            if status == "closed" and rng.random() < 0.2:
                steps = ("open", "closed")  # closed before the work really started
            day = min(end, max(first, opened + rng.randint(0, 14)))
            for step in steps:
                if step == "closed":
                    day = end
                elif step == "on_hold":
                    day = self._between(day, end)
                elif step == "active":
                    day = min(end, day + rng.randint(3, 40))
                minute = (900 if step == "closed" else 600) + rng.randint(0, 90)
                when = previous = max(self.at(day, minute), previous)
                fields = "close_reason,closed_on,status"
                self.add(when, _UPDATE, worker, A.UPDATE, "case", case, fields, case, client)
            if volunteer is not None:
                day = min(end, max(first, opened + rng.randint(7, 60)))
                when = max(self.at(day, 600 + rng.randint(0, 360)), created_at)
                self.add(
                    when, _UPDATE, worker, A.UPDATE, "case", case, "volunteer_id", case, client
                )

    def _needs(self) -> None:
        rng, today = self.rng, self.today
        fields = _filled(("domain", "identified_on", "status"), notes=_text("notes"))
        for need, case, status, created_at, updated_at, by, created_fields in self._rows(
            f"SELECT n.id, n.case_id, n.status, n.created_at, n.updated_at, n.created_by, "
            f"{fields} FROM needs n JOIN cases c ON c.id = n.case_id "
            "WHERE n.updated_at >= ? OR c.closed_on IS NULL OR c.closed_on >= ? "
            "ORDER BY c.reference_year, c.reference_seq, n.identified_on, n.id",
            self.since,
            self.since[:10],
        ):
            self._on_case(created_at, _CREATE, by, A.CREATE, "need", need, created_fields, case)
            if status == "identified":
                continue
            if status == "met":
                when, changed = updated_at, "met_on,status"
            else:
                start, end = self._day(created_at), min(today, self.cases[case][2])
                day = self._between(min(start + 1, end), min(end, start + 120))
                when, changed = self.at(day, 600 + rng.randint(0, 360)), "status"
            self._on_case(max(when, created_at), _UPDATE, by, A.UPDATE, "need", need, changed, case)

    def _meetings(self) -> None:
        """A meeting is recorded with its follow-up task (the task's event first)."""
        follow_ups = self.follow_ups
        for meeting, case, created_at, by, task, fields in self._rows(
            f"SELECT id, case_id, created_at, recorded_by, follow_up_task_id, {_MEETING_FIELDS} "
            "FROM meetings WHERE created_at >= ?",
            self.since,
        ):
            self._on_case(created_at, _CREATE, by, A.CREATE, "meeting", meeting, fields, case)
            if task is not None:
                follow_ups.add(task)

    def _tasks(self) -> None:
        for task, case, created_at, by, assignee, done_at, fields in self._rows(
            f"SELECT id, case_id, created_at, created_by, assignee_id, done_at, {_TASK_FIELDS} "
            "FROM tasks WHERE created_at >= ? OR done_at >= ?",
            self.since,
            self.since,
        ):
            order = _FIRST if task in self.follow_ups else _CREATE
            if case is None:
                self.add(created_at, order, by, A.CREATE, "task", task, fields)
                if done_at is not None:
                    self.add(done_at, _UPDATE, assignee, A.UPDATE, "task", task, "done,done_at")
                continue
            self._on_case(created_at, order, by, A.CREATE, "task", task, fields, case)
            if done_at is not None:
                self._on_case(
                    done_at, _UPDATE, assignee, A.UPDATE, "task", task, "done,done_at", case
                )

    def _referrals(self) -> None:
        fields = _filled(
            ("organisation_id", "status"), need_id=_set("need_id"), notes=_text("notes")
        )
        for row in self._rows(
            f"SELECT id, case_id, created_at, created_by, consent_checked_at, responded_on, "
            f"outcome, updated_at, {fields} FROM referrals WHERE updated_at >= ?",
            self.since,
        ):
            referral, case, created_at, by, checked_at, responded_on, outcome = row[:7]
            updated_at, created_fields = row[7:]
            self._on_case(
                created_at, _CREATE, by, A.CREATE, "referral", referral, created_fields, case
            )
            if checked_at is not None:
                sent = "consent_checked_at,sent_on,status"
                self._on_case(checked_at, _UPDATE, by, A.UPDATE, "referral", referral, sent, case)
            if responded_on is not None:
                answered = "outcome,responded_on,status" if outcome else "responded_on,status"
                when = max(updated_at, checked_at or created_at)
                self._on_case(when, _AFTER, by, A.UPDATE, "referral", referral, answered, case)

    def _visits(self) -> None:
        """A visit is requested, then approved, scheduled and held, or cancelled or denied."""
        rng = self.rng
        paths = {
            "requested": (),
            "approved": ("approved",),
            "scheduled": ("approved", "scheduled"),
            "held": ("approved", "scheduled", "held"),
            "cancelled": ("approved", "cancelled"),
            "denied": ("denied",),
        }
        for row in self._rows(
            f"SELECT id, case_id, created_at, created_by, status, scheduled_at, "
            f"duration_minutes, child_reaction IS NOT NULL OR follow_up IS NOT NULL, "
            f"{_VISIT_FIELDS} FROM child_visits WHERE updated_at >= ? OR scheduled_at >= ? "
            "ORDER BY scheduled_at, id",
            self.since,
            self.since,
        ):
            visit, case, booked, by, status, at, minutes, reaction, fields = row
            self._on_case(booked, _CREATE, by, A.CREATE, "child_visit", visit, fields, case)
            day, last, previous = self._day(booked), min(self._day(at), self.today), booked
            path = paths[status]
            if status == "cancelled" and rng.random() < 0.4:
                path = ("cancelled",)  # before the prison had answered
            for step in path:
                if step == "held":
                    end = _minutes(at) + minutes + 30
                    when = self.at(self._day(at), min(1_439, end))
                else:
                    day = min(last, self._between(day, day + 5))
                    when = self.at(day, 600 + rng.randint(0, 360))
                when = previous = max(when, previous)
                changed = "status,status_reason" if step in ("cancelled", "denied") else "status"
                self._on_case(when, _UPDATE, by, A.UPDATE, "child_visit", visit, changed, case)
            if reaction and status == "held":
                end = min(self.today, self.cases[case][2])
                day = max(self._day(at), min(end, self._day(at) + rng.randint(0, 3)))
                when = max(self.at(day, 600 + rng.randint(0, 360)), at)
                changed = "child_reaction,follow_up"
                self._on_case(when, _AFTER, by, A.UPDATE, "child_visit", visit, changed, case)

    def _case_records(self) -> None:
        """Assessments, the foreign-inmate records and custody changes: one event each."""
        tables = (
            (
                "visit_assessments",
                "visit_assessment",
                _filled(
                    ("assessed_by", "assessed_on", "child_id", "outcome"), notes=_text("notes")
                ),
            ),
            (
                "immigration_records",
                "immigration_record",
                _filled(("since", "status"), notes=_text("notes")),
            ),
            (
                "consular_contacts",
                "consular_contact",
                _filled(
                    ("channel", "consent_to_notify", "contacted_on", "country", "outcome"),
                    notes=_text("notes"),
                ),
            ),
            (
                "family_abroad",
                "family_abroad",
                _filled(
                    ("contact_channel", "country", "relationship_kind"),
                    name=_text("name"),
                    person_id=_set("person_id"),
                    notes=_text("notes"),
                ),
            ),
            (
                "discrimination_reports",
                "discrimination_report",
                _filled(
                    ("description", "reported_on"),
                    reported_to=_text("reported_to"),
                    outcome=_text("outcome"),
                ),
            ),
            ("custody_events", "custody_event", _filled(("on", "status"), notes=_text("notes"))),
        )
        for table, kind, fields in tables:
            for row, case, created_at, by, filled in self._rows(
                f"SELECT id, case_id, created_at, created_by, {fields} "
                f"FROM {table} WHERE created_at >= ? ORDER BY created_at, id",
                self.since,
            ):
                self._on_case(created_at, _CREATE, by, A.CREATE, kind, row, filled, case)

    def _release(self) -> None:
        for plan, case, created_at, by in self._rows(
            "SELECT id, case_id, created_at, created_by FROM release_plans WHERE created_at >= ?",
            self.since,
        ):
            fields = "anchor_date,started_on,template_id"
            self._on_case(created_at, _FIRST, by, A.CREATE, "release_plan", plan, fields, case)

    def _work_sessions(self, events: list[Event]) -> list[Event]:
        """A case view before each user's work in a case each day (tasks are created and
        ticked off from lists, without opening the case); a sign-in before each user's first
        event of the day, and the day's automatic backup after the first one.

        ``events`` are in time order, so the first event seen of a day is its earliest.
        Returns the new events, in time order.
        """
        rng, since = self.rng, self.since
        first_on_case: dict[tuple[str, str, str], str] = {}
        for when, order, user, _action, kind, _entity, _fields, case, _person in events:
            if case is None or user is None or kind == "task":  # tasks are ticked off lists
                continue
            if kind == "case" and order == _FIRST:  # creating a case opens it
                continue
            first_on_case.setdefault((user, case, when[:10]), when)
        views: list[Event] = []
        for (user, case, _day), when in first_on_case.items():  # in a reproducible order
            view = _earlier(when, rng.randint(1, 12))
            if view > self.case_created[case] and view >= since:  # else open since created
                client = self.cases[case][0]
                views.append((view, _VIEW, user, _VIEW_CASE, "case", case, "", case, client))
        views.sort(key=_TIME_ORDER)
        self.views = views
        first_of_day: dict[tuple[str, str], str] = {}
        for event in views:
            first_of_day.setdefault((event[2] or "", event[0][:10]), event[0])
        for event in events:
            if event[2] is not None:
                key, when = (event[2], event[0][:10]), event[0]
                if when < first_of_day.setdefault(key, when):
                    first_of_day[key] = when
        added = list(views)
        backups: dict[str, tuple[str, str, str]] = {}
        for (user, day), when in first_of_day.items():
            lead = rng.randint(2, 15)
            signed_in = _earlier(when, lead)
            if signed_in >= since:
                added.append(
                    (signed_in, _SIGN_IN, user, _SIGN_IN_ACTION, "user", user, "", None, None)
                )
                if day not in backups or signed_in < backups[day][0]:
                    backups[day] = (signed_in, user, _earlier(when, lead - 1))
        for _signed_in, user, backup in backups.values():
            added.append((backup, _SIGN_IN, user, _BACKUP, "backup", None, "", None, None))
        added.sort(key=_TIME_ORDER)
        return added

    def _exports(self) -> None:
        """The coordinator's anonymised summary of each quarter, as a PDF and a CSV."""
        rng, by = self.rng, self.coordinator
        quarter = date(self.since_day.year, 3 * ((self.since_day.month - 1) // 3) + 1, 1)
        rows: list[tuple[Any, ...]] = []
        while True:
            start = quarter
            month = start.month + 3
            quarter = date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
            end = quarter - timedelta(days=1)
            day = quarter.toordinal() + rng.randint(4, 12)
            while (day - 1) % 7 >= 5:  # a working day
                day += 1
            if day >= self.today:
                break
            for n, (fmt, extra) in enumerate((("pdf", "language"), ("csv", "hxl"))):
                parameters = {
                    "period": f"{start.year}-Q{(start.month - 1) // 3 + 1}",
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "format": fmt,
                    "threshold": DEFAULT_THRESHOLD,
                    extra: "en" if extra == "language" else False,
                }
                when = self.at(day, 600 + 7 * n + rng.randint(0, 5))
                record = _new_id(rng)
                digest = f"{rng.getrandbits(256):064x}"
                text = json.dumps(parameters, sort_keys=True)
                rows.append((record, when, by, EXPORT_KIND, text, digest, when, when, by))
                fields = ",".join(sorted(parameters))
                self.add(when, _CREATE, by, A.EXPORT, "export_record", record, fields)
        if rows:
            self.conn.exec_driver_sql(
                "INSERT INTO export_records (id, exported_at, user_id, kind, parameters, "
                "file_sha256, created_at, updated_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        self.exports = len(rows)

    def recent_views(self, clock: Clock) -> None:
        """Each user's most recently viewed cases, as opening them would have left them."""
        latest: dict[tuple[str, str], str] = {}
        for when, _order, user, _action, _kind, _entity, _fields, case, _person in self.views:
            if user is not None and case is not None:
                latest[(user, case)] = clock.past(when)
        by_user: dict[str, list[tuple[str, str]]] = {}
        for (user, case), when in latest.items():
            by_user.setdefault(user, []).append((when, case))
        rows = []
        for user, seen in sorted(by_user.items()):
            for when, case in sorted(seen, reverse=True)[:RECENT_KEPT]:
                rows.append((_new_id(self.rng), user, case, when, when, when, user))
        if rows:
            self.conn.exec_driver_sql(
                "INSERT INTO recent_views (id, user_id, case_id, viewed_at, created_at, "
                "updated_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )


def _new_id(rng: random.Random) -> str:
    """A version-4 UUID as stored (32 hex digits), from the seeded generator."""
    bits = rng.getrandbits(128) & ~(0xF000 << 64 | 0xC000 << 48)
    return f"{bits | 4 << 76 | 0x8000 << 48:032x}"
