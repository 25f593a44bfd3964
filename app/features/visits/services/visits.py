"""Child visits: a child visiting their imprisoned parent (the case client).

Lifecycle: requested → approved → scheduled → held, or cancelled / denied with a reason.
The rules, checked here and nowhere else:

* the child must be recorded as a child of the client (a relationship);
* a visit is never booked or scheduled at a time already past;
* the same child never has two visits at once: the intervals ``[start, start + duration)``
  of their requested, approved, scheduled and held visits do not overlap (:func:`overlaps`);
* an overnight stay in a family flat is scheduled only after an *approved* assessment of
  that child (:func:`app.features.visits.services.visit_records.record_assessment`) dated on or before the
  day it is scheduled.

``scheduled_at`` is local wall-clock time, naive. Transport amounts are minor units (øre).
The child's reaction, the follow-up and the reasons are sensitive free text: volunteers (who
see visits of their own cases in the calendar) receive them as ``None``.

This module books visits and moves them through their lifecycle; the read side (a case's
visits, the calendar, what booking shows) is :mod:`app.features.visits.services.visit_queries`, and transport,
the child's reaction and the assessments are :mod:`app.features.visits.services.visit_records`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, aliased

from app.features.cases.services.case_access import (
    add_record,
    audit_record,
    choice,
    filled,
    record_in_case,
    sees_restricted,
    touch,
    visible_case,
)
from app.kernel.changes import Topic, writes
from app.kernel.errors import ValidationError
from app.kernel.i18n import _
from app.kernel.labels import label
from app.models import Case, ChildVisit, Institution, Person, Relationship, VisitAssessment
from app.models.enums import (
    AssessmentOutcome,
    CaseKind,
    RelationshipKind,
    TransportSupport,
    VisitStatus,
    VisitType,
)
from app.security.permissions import Permission, internal, pure, requires
from app.services import validation as v
from app.services.audit_log import AuditAction
from app.services.context import Actor, ServiceContext
from app.store.uow import UnitOfWork

VS = VisitStatus
#: Visits that occupy the child's time (a cancelled or denied one frees it).
ACTIVE_STATUSES = frozenset({VS.REQUESTED, VS.APPROVED, VS.SCHEDULED, VS.HELD})
#: Longest visit: a weekend in a family flat.
MAX_DURATION_MINUTES = 48 * 60
MAX_AMOUNT_MINOR = 100_000_000
#: Where each step may start from.
_FROM: dict[VisitStatus, frozenset[VisitStatus]] = {
    VS.APPROVED: frozenset({VS.REQUESTED}),
    VS.SCHEDULED: frozenset({VS.APPROVED}),
    VS.HELD: frozenset({VS.SCHEDULED}),
    VS.CANCELLED: frozenset({VS.REQUESTED, VS.APPROVED, VS.SCHEDULED}),
    VS.DENIED: frozenset({VS.REQUESTED, VS.APPROVED}),
}


@dataclass(frozen=True)
class VisitRequest:
    case_id: uuid.UUID
    child_id: uuid.UUID
    scheduled_at: datetime
    visit_type: VisitType = VisitType.ORDINARY
    duration_minutes: int = 90
    #: A person in the system, or just a name (one of the two, or neither for a video visit).
    accompanying_adult_id: uuid.UUID | None = None
    accompanying_adult_name: str | None = None
    #: Defaults to the case's institution.
    institution_id: uuid.UUID | None = None
    transport_support: TransportSupport = TransportSupport.NONE
    transport_amount_minor: int | None = None


@dataclass(frozen=True)
class VisitView:
    id: uuid.UUID
    case_id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    accompanying_adult_id: uuid.UUID | None
    accompanying_adult_name: str | None  # the person's name when linked
    institution_id: uuid.UUID | None
    institution_name: str | None
    scheduled_at: datetime
    duration_minutes: int
    visit_type: VisitType
    status: VisitStatus
    status_reason: str | None
    transport_support: TransportSupport
    transport_amount_minor: int | None
    child_reaction: str | None
    follow_up: str | None

    @property
    def ends_at(self) -> datetime:
        return self.scheduled_at + timedelta(minutes=self.duration_minutes)


# -- pure rules -----------------------------------------------------------------------------


@pure
def overlaps(a_start: datetime, a_minutes: int, b_start: datetime, b_minutes: int) -> bool:
    """Whether ``[a_start, a_start + a_minutes)`` and ``[b_start, b_start + b_minutes)`` share
    a moment. Touching ends (one ends as the other starts) do not clash."""
    a_end = a_start + timedelta(minutes=a_minutes)
    b_end = b_start + timedelta(minutes=b_minutes)
    return a_start < b_end and b_start < a_end


@pure
def first_clash(
    start: datetime, minutes: int, others: Iterable[tuple[Any, datetime, int]]
) -> Any | None:
    """The key of the first of ``others`` (key, start, minutes) that overlaps, or ``None``."""
    for key, other_start, other_minutes in others:
        if overlaps(start, minutes, other_start, other_minutes):
            return key
    return None


def _check_time(errors: v.Errors, scheduled_at: datetime, minutes: int, now: datetime) -> None:
    if scheduled_at < now:
        errors.add(
            "scheduled_at",
            _("The visit time has already passed. Choose a time in the future."),
        )
    if not 1 <= minutes <= MAX_DURATION_MINUTES:
        errors.add("duration_minutes", _("The duration must be between 1 minute and 48 hours."))


@pure
def check_transport(errors: v.Errors, support: TransportSupport, amount: int | None) -> None:
    """Add to ``errors`` what is wrong with a transport amount for this kind of support."""
    if amount is None:
        return
    if amount < 0:
        errors.add("transport_amount_minor", _("The amount cannot be negative."))
    elif amount > MAX_AMOUNT_MINOR:
        errors.add("transport_amount_minor", _("The amount is too large. Check the figure."))
    elif support is TransportSupport.NONE and amount:
        errors.add(
            "transport_amount_minor",
            _("Choose the kind of transport support the amount is for."),
        )


def _local(value: datetime) -> datetime:
    return value if value.tzinfo is None else value.astimezone().replace(tzinfo=None)


# -- loading --------------------------------------------------------------------------------


@internal
@cache  # built once (statements are immutable): new aliases on every call cost ~1 ms
def visit_view_stmt() -> Select[*tuple[Any, ...]]:
    """Visits with the names :func:`visit_view` needs (filter and order it as you need)."""
    child, adult = aliased(Person), aliased(Person)
    return (
        select(
            ChildVisit,
            child.given_name,
            child.family_name,
            adult.given_name,
            adult.family_name,
            Institution.name,
        )
        .join(child, child.id == ChildVisit.child_id)
        .outerjoin(adult, adult.id == ChildVisit.accompanying_adult_id)
        .outerjoin(Institution, Institution.id == ChildVisit.institution_id)
    )


@internal
def visit_view(row: Any, reader: Actor) -> VisitView:
    """A row of :func:`visit_view_stmt` as ``reader`` may see it."""
    visit: ChildVisit = row[0]
    hide = not sees_restricted(reader)
    adult = f"{row[3]} {row[4]}" if row[3] is not None else visit.accompanying_adult_name
    return VisitView(
        id=visit.id,
        case_id=visit.case_id,
        child_id=visit.child_id,
        child_name=f"{row[1]} {row[2]}",
        accompanying_adult_id=visit.accompanying_adult_id,
        accompanying_adult_name=adult,
        institution_id=visit.institution_id,
        institution_name=row[5],
        scheduled_at=visit.scheduled_at,
        duration_minutes=visit.duration_minutes,
        visit_type=visit.visit_type,
        status=visit.status,
        status_reason=None if hide else visit.status_reason,
        transport_support=visit.transport_support,
        transport_amount_minor=visit.transport_amount_minor,
        child_reaction=None if hide else visit.child_reaction,
        follow_up=None if hide else visit.follow_up,
    )


@internal
def load_visit_view(session: Session, visit_id: uuid.UUID, reader: Actor) -> VisitView:
    stmt = visit_view_stmt().where(ChildVisit.id == visit_id)
    return visit_view(session.execute(stmt).one(), reader)


@internal
def visit_updated(
    uow: UnitOfWork,
    ctx: ServiceContext,
    reader: Actor,
    visit: ChildVisit,
    case: Case,
    fields: Iterable[str],
) -> VisitView:
    """Audit a change to ``visit`` (the changed field names), mark its case active, and return
    the visit as ``reader`` now sees it. The caller commits."""
    audit_record(uow, ctx, AuditAction.UPDATE, "child_visit", visit.id, case, fields)
    touch(case)
    uow.session.flush()
    return load_visit_view(uow.session, visit.id, reader)


@internal
def child_ids(session: Session, client_id: uuid.UUID) -> set[uuid.UUID]:
    """The people recorded as the client's children (from either end of the link)."""
    stmt = select(Relationship.person_id, Relationship.related_person_id, Relationship.kind).where(
        or_(
            and_(Relationship.person_id == client_id, Relationship.kind == RelationshipKind.CHILD),
            and_(
                Relationship.related_person_id == client_id,
                Relationship.kind == RelationshipKind.PARENT,
            ),
        )
    )
    return {
        related if person == client_id else person
        for person, related, _kind in session.execute(stmt)
    }


@internal
def visit_in_case(session: Session, actor: Actor, visit_id: uuid.UUID) -> tuple[ChildVisit, Case]:
    """The visit and its case, if ``actor`` may see the case."""
    return record_in_case(session, actor, ChildVisit, visit_id, _("That visit no longer exists."))


def _clash(
    session: Session,
    child_id: uuid.UUID,
    start: datetime,
    minutes: int,
    exclude: uuid.UUID | None = None,
) -> uuid.UUID | None:
    """Another active visit of the child that overlaps ``[start, start + minutes)``."""
    window_start = start - timedelta(minutes=MAX_DURATION_MINUTES)
    window_end = start + timedelta(minutes=minutes)
    stmt = select(ChildVisit.id, ChildVisit.scheduled_at, ChildVisit.duration_minutes).where(
        ChildVisit.child_id == child_id,
        ChildVisit.status.in_(ACTIVE_STATUSES),
        ChildVisit.scheduled_at > window_start,
        ChildVisit.scheduled_at < window_end,
    )
    if exclude is not None:
        stmt = stmt.where(ChildVisit.id != exclude)
    found = first_clash(start, minutes, session.execute(stmt))
    return found if isinstance(found, uuid.UUID) else None


def _clash_message() -> str:
    return _("The child already has a visit at that time. Choose another time.")


# -- operations -----------------------------------------------------------------------------


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES, Topic.VISITS)
def request_visit(
    ctx: ServiceContext, data: VisitRequest, now: datetime | None = None
) -> VisitView:
    """Record a request for a child to visit the client (status "requested")."""
    now = now or datetime.now()
    visit_type = choice(VisitType, data.visit_type, "visit_type")
    support = choice(TransportSupport, data.transport_support, "transport_support")
    at = _local(data.scheduled_at)
    errors = v.Errors()
    _check_time(errors, at, data.duration_minutes, now)
    check_transport(errors, support, data.transport_amount_minor)
    errors.add(
        "accompanying_adult_name", v.text_limit(data.accompanying_adult_name, limit=v.NAME_MAX)
    )
    if data.accompanying_adult_id is None and not v.clean(data.accompanying_adult_name):
        errors.add(
            "accompanying_adult_name",
            _("Type the name of the adult who comes with the child, or choose one above."),
        )
    if errors:
        raise ValidationError(errors)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = visible_case(session, actor, data.case_id)
        if case.kind is not CaseKind.CHILD_VISITS:
            raise ValidationError({"case_id": _("Child visits are booked on child-visit cases.")})
        if data.child_id not in child_ids(session, case.client_id):
            errors.add("child_id", _("Choose one of the client's children."))
        if data.accompanying_adult_id is not None:
            if data.accompanying_adult_id in (data.child_id, case.client_id):
                errors.add(
                    "accompanying_adult_id", _("Choose another adult to accompany the child.")
                )
            elif session.get(Person, data.accompanying_adult_id) is None:
                errors.add("accompanying_adult_id", _("That person no longer exists."))
        institution_id = data.institution_id or case.institution_id
        if institution_id is not None and session.get(Institution, institution_id) is None:
            errors.add("institution_id", _("Choose an institution from the list."))
        if not errors and _clash(session, data.child_id, at, data.duration_minutes):
            errors.add("scheduled_at", _clash_message())
        if errors:
            raise ValidationError(errors)
        visit = ChildVisit(
            case_id=case.id,
            child_id=data.child_id,
            accompanying_adult_id=data.accompanying_adult_id,
            accompanying_adult_name=None
            if data.accompanying_adult_id
            else v.clean(data.accompanying_adult_name),
            institution_id=institution_id,
            scheduled_at=at,
            duration_minutes=data.duration_minutes,
            visit_type=visit_type,
            status=VS.REQUESTED,
            transport_support=support,
            transport_amount_minor=data.transport_amount_minor,
            created_by=actor.id,
        )
        fields = ["child_id", "scheduled_at", "duration_minutes", "visit_type", "status"]
        fields += filled(
            visit,
            (
                "accompanying_adult_id",
                "accompanying_adult_name",
                "institution_id",
                "transport_amount_minor",
            ),
        )
        if support is not TransportSupport.NONE:
            fields.append("transport_support")
        add_record(uow, ctx, case, visit, "child_visit", fields)
        view = load_visit_view(session, visit.id, actor)
        uow.commit()
        return view


def _move(
    ctx: ServiceContext,
    visit_id: uuid.UUID,
    to: VisitStatus,
    reason: str | None = None,
    check: Any = None,
) -> VisitView:
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        visit, case = visit_in_case(session, actor, visit_id)
        if visit.status not in _FROM[to]:
            raise ValidationError(
                {
                    "status": _("A visit that is “{status}” cannot become “{new}”.").format(
                        status=_status_label(visit.status), new=_status_label(to)
                    )
                }
            )
        fields = ["status"]
        if check is not None:
            fields += check(session, visit)
        visit.status = to
        if reason is not None:
            visit.status_reason = reason
            fields.append("status_reason")
        view = visit_updated(uow, ctx, actor, visit, case, set(fields))
        uow.commit()
        return view


def _status_label(status: VisitStatus) -> str:
    return label(status)


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES, Topic.VISITS)
def approve_visit(ctx: ServiceContext, visit_id: uuid.UUID) -> VisitView:
    """The prison (or the organisation) approved the requested visit."""
    return _move(ctx, visit_id, VS.APPROVED)


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES, Topic.VISITS)
def schedule_visit(
    ctx: ServiceContext,
    visit_id: uuid.UUID,
    scheduled_at: datetime | None = None,
    duration_minutes: int | None = None,
    now: datetime | None = None,
) -> VisitView:
    """Fix the time of an approved visit (optionally a new one). Refused for a time already
    past, a clash with another of the child's visits, or an overnight stay without an approved
    assessment of the child."""
    now = now or datetime.now()

    def check(session: Session, visit: ChildVisit) -> list[str]:
        at = _local(scheduled_at) if scheduled_at is not None else visit.scheduled_at
        minutes = duration_minutes if duration_minutes is not None else visit.duration_minutes
        errors = v.Errors()
        _check_time(errors, at, minutes, now)
        if not errors and _clash(session, visit.child_id, at, minutes, exclude=visit.id):
            errors.add("scheduled_at", _clash_message())
        if visit.visit_type is VisitType.OVERNIGHT_FAMILY_FLAT:
            approved = session.scalar(
                select(VisitAssessment.id).where(
                    VisitAssessment.case_id == visit.case_id,
                    VisitAssessment.child_id == visit.child_id,
                    VisitAssessment.outcome == AssessmentOutcome.APPROVED,
                    VisitAssessment.assessed_on <= now.date(),
                )
            )
            if approved is None:
                errors.add(
                    "assessment",
                    _(
                        "An overnight stay in a family flat needs an approved assessment of "
                        "the child first. Record the assessment (date, by whom, outcome), "
                        "then schedule the visit."
                    ),
                )
        if errors:
            raise ValidationError(errors)
        changed = []
        if at != visit.scheduled_at:
            visit.scheduled_at = at
            changed.append("scheduled_at")
        if minutes != visit.duration_minutes:
            visit.duration_minutes = minutes
            changed.append("duration_minutes")
        return changed

    return _move(ctx, visit_id, VS.SCHEDULED, check=check)


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES, Topic.VISITS)
def mark_held(ctx: ServiceContext, visit_id: uuid.UUID) -> VisitView:
    """The scheduled visit took place."""
    return _move(ctx, visit_id, VS.HELD)


def _reason(reason: str | None) -> str:
    error = v.required_text(reason, limit=v.SHORT_TEXT_MAX * 4)
    if error:
        raise ValidationError({"reason": error})
    assert reason is not None
    return reason.strip()


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES, Topic.VISITS)
def cancel_visit(ctx: ServiceContext, visit_id: uuid.UUID, reason: str) -> VisitView:
    """Cancel a visit that has not taken place; the reason is required."""
    return _move(ctx, visit_id, VS.CANCELLED, _reason(reason))


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES, Topic.VISITS)
def deny_visit(ctx: ServiceContext, visit_id: uuid.UUID, reason: str) -> VisitView:
    """The prison refused a requested or approved visit; the reason is required."""
    return _move(ctx, visit_id, VS.DENIED, _reason(reason))
