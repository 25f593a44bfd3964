"""What is recorded about a child visit besides its place in the lifecycle: the transport
support and its cost, the child's reaction and follow-up after the visit, and the assessments
an overnight stay in a family flat needs (:func:`app.features.visits.services.visits.schedule_visit` checks
them).

Transport amounts are minor units (øre). The reaction, the follow-up and the assessment notes
are sensitive free text: volunteers receive them as ``None``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.features.cases.services.case_access import (
    add_record,
    choice,
    filled,
    sees_restricted,
    visible_case,
)
from app.features.visits.services.visits import (
    VisitView,
    check_transport,
    child_ids,
    load_visit_view,
    visit_in_case,
    visit_updated,
)
from app.kernel.changes import Topic, writes
from app.kernel.errors import ValidationError
from app.kernel.i18n import _
from app.models import Person, VisitAssessment
from app.models.enums import AssessmentOutcome, TransportSupport, VisitStatus
from app.security.permissions import Permission, requires
from app.services import validation as v
from app.services.context import Actor, ServiceContext
from app.services.edits import merge_edit


@dataclass(frozen=True)
class AssessmentView:
    id: uuid.UUID
    case_id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    assessed_on: date
    assessed_by: str
    outcome: AssessmentOutcome
    notes: str | None


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES, Topic.VISITS)
def set_transport(
    ctx: ServiceContext,
    visit_id: uuid.UUID,
    support: TransportSupport,
    amount_minor: int | None = None,
    *,
    base: VisitView | None = None,
) -> VisitView:
    """Record the transport support for a visit (ticket, escort, reimbursement) and its cost.
    ``base``: the visit as the form showed it (see :mod:`app.services.edits`)."""
    support = choice(TransportSupport, support, "transport_support")
    errors = v.Errors()
    check_transport(errors, support, amount_minor)
    if errors:
        raise ValidationError(errors)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        visit, case = visit_in_case(uow.session, actor, visit_id)
        values = merge_edit(
            uow.session,
            visit,
            base=base,
            typed={"transport_support": support, "transport_amount_minor": amount_minor},
            table="child_visits",
            entity_type="child_visit",
            current=lambda: load_visit_view(uow.session, visit_id, actor),
        )
        visit.transport_support = values["transport_support"]
        visit.transport_amount_minor = values["transport_amount_minor"]
        fields = ["transport_amount_minor", "transport_support"]
        view = visit_updated(uow, ctx, actor, visit, case, fields)
        uow.commit()
        return view


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES, Topic.VISITS)
def record_reaction(
    ctx: ServiceContext,
    visit_id: uuid.UUID,
    child_reaction: str | None,
    follow_up: str | None = None,
    *,
    base: VisitView | None = None,
) -> VisitView:
    """After a visit was held: how the child reacted, and any follow-up. ``base``: the visit
    as the form showed it (see :mod:`app.services.edits`)."""
    errors = v.Errors()
    errors.add("child_reaction", v.text_limit(child_reaction))
    errors.add("follow_up", v.text_limit(follow_up))
    if errors:
        raise ValidationError(errors)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        visit, case = visit_in_case(uow.session, actor, visit_id)
        if visit.status is not VisitStatus.HELD:
            raise ValidationError(
                {"child_reaction": _("Record the child's reaction after the visit was held.")}
            )
        values = merge_edit(
            uow.session,
            visit,
            base=base,
            typed={"child_reaction": v.clean(child_reaction), "follow_up": v.clean(follow_up)},
            table="child_visits",
            entity_type="child_visit",
            current=lambda: load_visit_view(uow.session, visit_id, actor),
        )
        visit.child_reaction = values["child_reaction"]
        visit.follow_up = values["follow_up"]
        view = visit_updated(uow, ctx, actor, visit, case, ["child_reaction", "follow_up"])
        uow.commit()
        return view


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES, Topic.VISITS)
def record_assessment(
    ctx: ServiceContext,
    case_id: uuid.UUID,
    child_id: uuid.UUID,
    assessed_on: date,
    assessed_by: str,
    outcome: AssessmentOutcome,
    notes: str | None = None,
) -> AssessmentView:
    """Record the assessment an overnight stay in a family flat needs."""
    outcome = choice(AssessmentOutcome, outcome, "outcome")
    errors = v.Errors()
    errors.add(
        "assessed_on",
        v.not_future(assessed_on, date.today(), _("The assessment date is in the future.")),
    )
    errors.add("assessed_by", v.required_text(assessed_by))
    errors.add("notes", v.text_limit(notes))
    if errors:
        raise ValidationError(errors)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = visible_case(session, actor, case_id)
        if child_id not in child_ids(session, case.client_id):
            raise ValidationError({"child_id": _("Choose one of the client's children.")})
        row = VisitAssessment(
            case_id=case.id,
            child_id=child_id,
            assessed_on=assessed_on,
            assessed_by=assessed_by.strip(),
            outcome=outcome,
            notes=v.clean(notes),
            created_by=actor.id,
        )
        fields = ["assessed_by", "assessed_on", "child_id", "outcome", *filled(row, ("notes",))]
        add_record(uow, ctx, case, row, "visit_assessment", fields)
        view = _assessments(session, case.id, actor, row.id)[0]
        uow.commit()
        return view


def _assessments(
    session: Session, case_id: uuid.UUID, reader: Actor, only: uuid.UUID | None = None
) -> list[AssessmentView]:
    stmt = (
        select(VisitAssessment, Person.given_name, Person.family_name)
        .join(Person, Person.id == VisitAssessment.child_id)
        .where(VisitAssessment.case_id == case_id)
        .order_by(VisitAssessment.assessed_on.desc(), VisitAssessment.id)
    )
    if only is not None:
        stmt = stmt.where(VisitAssessment.id == only)
    hide = not sees_restricted(reader)
    return [
        AssessmentView(
            id=a.id,
            case_id=a.case_id,
            child_id=a.child_id,
            child_name=f"{given} {family}",
            assessed_on=a.assessed_on,
            assessed_by=a.assessed_by,
            outcome=a.outcome,
            notes=None if hide else a.notes,
        )
        for a, given, family in session.execute(stmt)
    ]


@requires(Permission.CASE_READ)
def list_assessments(ctx: ServiceContext, case_id: uuid.UUID) -> list[AssessmentView]:
    """The case's overnight-stay assessments, newest first."""
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        visible_case(uow.session, actor, case_id)
        return _assessments(uow.session, case_id, actor)
