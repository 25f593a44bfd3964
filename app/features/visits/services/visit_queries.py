"""The read side of child visits: a case's visits, the calendar across every child-visit case
the reader may see, and what the booking dialog shows (:mod:`app.features.visits.services.visits` books them).

The child's reaction, the follow-up and the reasons are sensitive free text: volunteers (who
see visits of their own cases in the calendar) receive them as ``None``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from app.features.cases.services.case_access import visible_case
from app.features.visits.services.visits import (
    ACTIVE_STATUSES,
    VisitView,
    child_ids,
    visit_view,
    visit_view_stmt,
)
from app.kernel.errors import ValidationError
from app.kernel.i18n import _
from app.models import Case, ChildVisit, Institution, Person, Relationship
from app.models.enums import CaseKind, RelationshipKind, VisitStatus, VisitType
from app.security.permissions import Permission, requires
from app.services.context import ServiceContext
from app.services.scope import visible_cases_clause


@dataclass(frozen=True)
class CalendarVisit:
    """One visit in the calendar across all child-visit cases."""

    id: uuid.UUID
    case_id: uuid.UUID
    reference: str
    client_name: str
    child_name: str
    institution_id: uuid.UUID | None
    institution_name: str | None
    scheduled_at: datetime
    duration_minutes: int
    visit_type: VisitType
    status: VisitStatus


@dataclass(frozen=True)
class PersonChoice:
    id: uuid.UUID
    name: str
    birth_date: date | None = None
    #: For adults: recorded as a caregiver of one of the children.
    is_caregiver: bool = False


@dataclass(frozen=True)
class BookingInfo:
    """What the booking dialog shows: the institution's visiting rules and child contact
    person, the client's children and the adults who may accompany them."""

    case_id: uuid.UUID
    institution_id: uuid.UUID | None
    institution_name: str | None
    visiting_info: str | None
    child_contact_name: str | None
    child_contact_phone: str | None
    child_contact_email: str | None
    children: tuple[PersonChoice, ...]
    adults: tuple[PersonChoice, ...]


@requires(Permission.CASE_READ)
def list_case_visits(ctx: ServiceContext, case_id: uuid.UUID) -> list[VisitView]:
    """The case's visits, latest first."""
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        visible_case(uow.session, actor, case_id)
        stmt = (
            visit_view_stmt()
            .where(ChildVisit.case_id == case_id)
            .order_by(ChildVisit.scheduled_at.desc(), ChildVisit.id)
        )
        return [visit_view(row, actor) for row in uow.session.execute(stmt)]


@requires(Permission.CASE_READ)
def visit_calendar(
    ctx: ServiceContext,
    start: date,
    end: date,
    institution_id: uuid.UUID | None = None,
    include_inactive: bool = True,
) -> list[CalendarVisit]:
    """Visits from ``start`` to ``end`` (both days included), across every child-visit case
    the reader may see, in time order; optionally only those at one institution."""
    if end < start:
        raise ValidationError({"end": _("The end date is before the start date.")})
    actor = ctx.require_actor()
    child = aliased(Person)
    client = aliased(Person)
    stmt = (
        select(
            ChildVisit.id,
            ChildVisit.case_id,
            Case.reference,
            client.given_name,
            client.family_name,
            child.given_name,
            child.family_name,
            ChildVisit.institution_id,
            Institution.name,
            ChildVisit.scheduled_at,
            ChildVisit.duration_minutes,
            ChildVisit.visit_type,
            ChildVisit.status,
        )
        .join(Case, Case.id == ChildVisit.case_id)
        .join(client, client.id == Case.client_id)
        .join(child, child.id == ChildVisit.child_id)
        .outerjoin(Institution, Institution.id == ChildVisit.institution_id)
        .where(
            Case.kind == CaseKind.CHILD_VISITS,
            ChildVisit.scheduled_at >= datetime.combine(start, time.min),
            ChildVisit.scheduled_at < datetime.combine(end + timedelta(days=1), time.min),
            visible_cases_clause(actor),
        )
        .order_by(ChildVisit.scheduled_at, Case.reference, ChildVisit.id)
    )
    if institution_id is not None:
        stmt = stmt.where(ChildVisit.institution_id == institution_id)
    if not include_inactive:
        stmt = stmt.where(ChildVisit.status.in_(ACTIVE_STATUSES))
    with ctx.uow() as uow:
        return [
            CalendarVisit(
                id=r[0],
                case_id=r[1],
                reference=r[2],
                client_name=f"{r[3]} {r[4]}",
                child_name=f"{r[5]} {r[6]}",
                institution_id=r[7],
                institution_name=r[8],
                scheduled_at=r[9],
                duration_minutes=r[10],
                visit_type=r[11],
                status=r[12],
            )
            for r in uow.session.execute(stmt)
        ]


@requires(Permission.CASE_READ)
def booking_info(ctx: ServiceContext, case_id: uuid.UUID) -> BookingInfo:
    """What booking a visit on this case needs to show."""
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        session = uow.session
        case = visible_case(session, actor, case_id)
        institution = session.get(Institution, case.institution_id) if case.institution_id else None
        kids = child_ids(session, case.client_id)
        children = [
            PersonChoice(p.id, f"{p.given_name} {p.family_name}", p.birth_date)
            for p in session.scalars(select(Person).where(Person.id.in_(kids)))
        ]
        children.sort(key=lambda c: (c.birth_date or date.max, c.name))
        # adults: caregivers of the children first, then the client's other family
        links = session.execute(
            select(Relationship).where(
                or_(
                    Relationship.person_id.in_(kids | {case.client_id}),
                    Relationship.related_person_id.in_(kids | {case.client_id}),
                )
            )
        ).scalars()
        carers: set[uuid.UUID] = set()
        family: set[uuid.UUID] = set()
        for link in links:
            if link.person_id in kids and link.is_caregiver:
                carers.add(link.related_person_id)
            elif link.person_id == case.client_id and link.kind is not RelationshipKind.CHILD:
                family.add(link.related_person_id)
            elif link.related_person_id == case.client_id and link.kind not in (
                RelationshipKind.PARENT,
                RelationshipKind.GUARDIAN,
            ):
                family.add(link.person_id)
        family -= kids | {case.client_id}
        carers -= kids | {case.client_id}
        adults = [
            PersonChoice(p.id, f"{p.given_name} {p.family_name}", None, p.id in carers)
            for p in session.scalars(select(Person).where(Person.id.in_(carers | family)))
        ]
        adults.sort(key=lambda a: (not a.is_caregiver, a.name))
        return BookingInfo(
            case_id=case.id,
            institution_id=institution.id if institution else None,
            institution_name=institution.name if institution else None,
            visiting_info=institution.visiting_info if institution else None,
            child_contact_name=institution.child_contact_name if institution else None,
            child_contact_phone=institution.child_contact_phone if institution else None,
            child_contact_email=institution.child_contact_email if institution else None,
            children=tuple(children),
            adults=tuple(adults),
        )
