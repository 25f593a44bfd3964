"""Meetings with the client: record one (with an optional follow-up task), list a case's
meetings, and list the meetings one recorded in a period.

``occurred_at`` is local wall-clock time, naive (what the worker's watch said); an aware
datetime is converted to local time first. A meeting summary is sensitive free text: a
volunteer reads only the summaries of meetings they recorded themselves (DESIGN.md §4).

The meeting's typed texts and restricted fields are read from its declaration
(:mod:`app.kernel.record_labels`): a text declared there is checked, trimmed and written, and a
restricted field hidden from a volunteer, without a line here naming it. An optional text is
two lines here: in :class:`MeetingInput` and :class:`MeetingView`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app.features.cases.services.case_access import choice, touch_on_cursor
from app.kernel import records
from app.kernel.changes import Topic, writes
from app.kernel.errors import ValidationError
from app.kernel.i18n import _
from app.models import Case, Meeting, Person, Task, User
from app.models.enums import MeetingKind
from app.security.permissions import Permission, internal, pure, requires
from app.services import validation as v
from app.services.audit_log import AuditAction, log_on_cursor
from app.services.context import Actor, ServiceContext
from app.services.scope import readable_case, visible_cases_clause
from app.store.prepared import Prepared, insert_row, param
from app.store.uow import read_cursor, write_cursor

#: A meeting may be recorded a little ahead of time (clock drift, entering it on the way out).
FUTURE_TOLERANCE = timedelta(minutes=15)
MAX_DURATION_MINUTES = 24 * 60
EARLIEST_YEAR = 2000


@dataclass(frozen=True)
class MeetingInput:
    case_id: uuid.UUID
    occurred_at: datetime
    duration_minutes: int
    kind: MeetingKind
    summary: str
    location: str | None = None
    wellbeing: int | None = None
    interpreter_used: bool = False
    #: A follow-up task for the recorder, made in the same transaction (a title is enough).
    follow_up_title: str | None = None
    follow_up_due: date | None = None


@dataclass(frozen=True)
class MeetingView:
    id: uuid.UUID
    case_id: uuid.UUID
    occurred_at: datetime
    duration_minutes: int
    kind: MeetingKind
    location: str | None
    #: ``None`` (and ``summary_hidden``) when the reader may not read it: so is every field
    #: declared restricted (the summary, the wellbeing score).
    summary: str | None
    summary_hidden: bool
    wellbeing: int | None
    interpreter_used: bool
    recorded_by_id: uuid.UUID | None
    recorded_by_name: str | None
    follow_up_task_id: uuid.UUID | None


@dataclass(frozen=True)
class MeetingRow:
    """One line of "my meetings" (no summary)."""

    id: uuid.UUID
    case_id: uuid.UUID
    reference: str
    client_name: str
    occurred_at: datetime
    kind: MeetingKind
    duration_minutes: int


#: The meeting's typed texts, as declared: checked, trimmed and written in a loop.
TEXTS = records.text_fields("meetings")
#: What a view shows of a meeting's columns (its fields named as a column), and what is read.
_SHOWN = tuple(f.name for f in fields(MeetingView) if f.name in Meeting.__table__.columns)
_COLUMNS = (*_SHOWN, "recorded_by")


def _local(value: datetime) -> datetime:
    return value if value.tzinfo is None else value.astimezone().replace(tzinfo=None)


@pure
def validate_meeting(data: MeetingInput, now: datetime | None = None) -> None:
    """Raise :class:`ValidationError` naming each field that breaks a rule."""
    now = now or datetime.now()
    errors = v.Errors()
    occurred = _local(data.occurred_at)
    if occurred > now + FUTURE_TOLERANCE:
        errors.add(
            "occurred_at",
            _("The meeting time is in the future. Record a meeting after it has taken place."),
        )
    if occurred.year < EARLIEST_YEAR:
        errors.add("occurred_at", _("The meeting date is before 2000. Check the year."))
    if not 1 <= data.duration_minutes <= MAX_DURATION_MINUTES:
        errors.add("duration_minutes", _("The duration must be between 1 minute and 24 hours."))
    if data.wellbeing is not None and not 1 <= data.wellbeing <= 10:
        errors.add("wellbeing", _("The wellbeing score must be between 1 and 10."))
    for name, spec in TEXTS:
        errors.add(name, v.declared_text(getattr(data, name), spec))
    errors.add("follow_up_title", v.text_limit(data.follow_up_title, limit=v.SHORT_TEXT_MAX))
    if data.follow_up_due is not None:
        if v.clean(data.follow_up_title) is None:
            errors.add("follow_up_title", _("Give the follow-up task a title."))
        if data.follow_up_due < occurred.date():
            errors.add("follow_up_due", _("The follow-up is due before the meeting took place."))
    if errors:
        raise ValidationError(errors)


def _view(meeting: Mapping[str, Any], recorder: str | None, reader: Actor) -> MeetingView:
    """``meeting``: its :data:`_COLUMNS` by name. A volunteer reading someone else's meeting
    gets every field declared restricted as ``None`` (the wellbeing score is health data and
    part of the note: hidden with the summary)."""
    shown = {name: meeting[name] for name in _SHOWN}
    hidden = reader.is_volunteer and meeting["recorded_by"] != reader.id
    if hidden:
        shown.update(dict.fromkeys(records.restricted_among("meetings", _SHOWN)))
    return MeetingView(
        **shown,
        summary_hidden=hidden,
        recorded_by_id=meeting["recorded_by"],
        recorded_by_name=recorder,
    )


_MEETINGS = cast(Table, Meeting.__table__)
_TASKS = cast(Table, Task.__table__)


@requires(Permission.MEETING_RECORD)
@writes(Topic.CASES, Topic.MEETINGS, Topic.TASKS)
def record_meeting(ctx: ServiceContext, data: MeetingInput) -> MeetingView:
    """Record a meeting on a case the user may see (a volunteer: a case assigned to them).

    Written on a bare cursor in one write transaction (the lock taken first), without the
    ORM: the case as the user may see it, the follow-up task and its audit event, the meeting
    and its audit event, the case's last activity. Through a session the same statements
    cost three times their SQL (the rows' Python bookkeeping, two flushes, the meeting read
    back); the view is made from the values written."""
    validate_meeting(data)
    kind = choice(MeetingKind, data.kind, "kind")
    actor = ctx.require_actor()
    values: dict[str, Any] = {
        "occurred_at": _local(data.occurred_at),
        "duration_minutes": data.duration_minutes,
        "kind": kind,
        **{name: v.clean(getattr(data, name)) for name, _spec in TEXTS},
        "wellbeing": data.wellbeing,
        "interpreter_used": bool(data.interpreter_used),
    }
    title = v.clean(data.follow_up_title)
    with write_cursor(ctx.engine) as cursor:
        case = readable_case(cursor, actor, data.case_id)
        task_id = None
        if title is not None:
            task = insert_row(
                cursor,
                _TASKS,
                {
                    "title": title,
                    "due_on": data.follow_up_due,
                    "assignee_id": actor.id,
                    "case_id": case.id,
                    "created_by": actor.id,
                },
            )
            task_id = task["id"]
            log_on_cursor(
                cursor,
                ctx,
                AuditAction.CREATE,
                entity_type="task",
                entity_id=task_id,
                fields=["title", "assignee_id", "case_id"]
                + (["due_on"] if data.follow_up_due else []),
                case_id=case.id,
                person_id=case.client_id,
            )
        meeting = insert_row(
            cursor,
            _MEETINGS,
            {
                "case_id": case.id,
                "recorded_by": actor.id,
                "created_by": actor.id,
                "follow_up_task_id": task_id,
                **values,
            },
        )
        filled = [name for name, value in values.items() if value not in (None, "", False)]
        if task_id is not None:
            filled.append("follow_up_task_id")
        log_on_cursor(
            cursor,
            ctx,
            AuditAction.CREATE,
            entity_type="meeting",
            entity_id=meeting["id"],
            fields=[*filled, "recorded_by"],
            case_id=case.id,
            person_id=case.client_id,
        )
        touch_on_cursor(cursor, case.id)
    return _view(meeting, actor.display_name, actor)


@requires(Permission.CASE_READ)
def list_case_meetings(ctx: ServiceContext, case_id: uuid.UUID) -> list[MeetingView]:
    """A case's meetings, newest first. Volunteers get others' summaries as ``None``."""
    actor = ctx.require_actor()
    with read_cursor(ctx.engine) as cursor:
        readable_case(cursor, actor, case_id)
        return case_meetings(cursor, actor, case_id)


@cache
def _case_meetings() -> Prepared:
    columns = [getattr(Meeting, name) for name in _COLUMNS]
    return Prepared(
        select(*columns, User.display_name)
        .outerjoin(User, User.id == Meeting.recorded_by)
        .where(Meeting.case_id == param("case"))
        .order_by(Meeting.occurred_at.desc(), Meeting.created_at.desc(), Meeting.id)
    )


@internal
def case_meetings(cursor: Any, reader: Actor, case_id: uuid.UUID) -> list[MeetingView]:
    """:func:`list_case_meetings` on a read cursor, once the caller knows ``reader`` may see
    the case (:func:`~app.services.scope.readable_case`)."""
    rows = _case_meetings().rows(cursor, {"case": case_id})
    return [_view(dict(zip(_COLUMNS, r[:-1], strict=True)), r[-1], reader) for r in rows]


@internal
def meeting_rows(session: Session, reader: Actor, start: date, end: date) -> list[MeetingRow]:
    """Meetings ``reader`` recorded from ``start`` to ``end`` (both days included), oldest
    first, on cases they can still see."""
    stmt = (
        select(
            Meeting.id,
            Meeting.case_id,
            Case.reference,
            Person.given_name,
            Person.family_name,
            Meeting.occurred_at,
            Meeting.kind,
            Meeting.duration_minutes,
        )
        .join(Case, Case.id == Meeting.case_id)
        .join(Person, Person.id == Case.client_id)
        .where(
            Meeting.recorded_by == reader.id,
            Meeting.occurred_at >= datetime.combine(start, time.min),
            Meeting.occurred_at < datetime.combine(end + timedelta(days=1), time.min),
            visible_cases_clause(reader),
        )
        .order_by(Meeting.occurred_at, Meeting.id)
    )
    return [
        MeetingRow(
            id=r[0],
            case_id=r[1],
            reference=r[2],
            client_name=f"{r[3]} {r[4]}",
            occurred_at=r[5],
            kind=r[6],
            duration_minutes=r[7],
        )
        for r in session.execute(stmt)
    ]


@requires(Permission.CASE_READ)
def my_meetings(ctx: ServiceContext, start: date, end: date) -> list[MeetingRow]:
    """Meetings the signed-in user recorded from ``start`` to ``end`` inclusive, oldest first."""
    if end < start:
        raise ValidationError({"end": _("The end date is before the start date.")})
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        return meeting_rows(uow.session, actor, start, end)
