"""Child visits: booking rules, the lifecycle, assessments, transport, the calendar."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.features.cases.services import cases, relations
from app.features.visits.services import visit_queries, visit_records, visits
from app.features.visits.services.visits import VisitRequest
from app.kernel.errors import ValidationError
from app.models import Institution
from app.models.enums import (
    AssessmentOutcome,
    CaseKind,
    InstitutionKind,
    RelationshipKind,
    Role,
    TransportSupport,
    VisitStatus,
    VisitType,
)
from app.security.permissions import PermissionDenied
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from tests.integration.helpers.casework import CANARY, client, events, sign_in_new_user

SOON = (datetime.now() + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)


@dataclass
class Family:
    case: cases.CaseView
    child: uuid.UUID
    sibling: uuid.UUID
    carer: uuid.UUID
    prison: uuid.UUID


def institution(ctx: ServiceContext, name: str = "Bredtveit prison") -> uuid.UUID:
    row = Institution(
        name=name,
        kind=InstitutionKind.PRISON,
        visiting_info="Child visits on Saturdays 10–14. Book a week ahead.",
        child_contact_name="Siri Dahl",
        child_contact_phone="+47 22 00 00 00",
        child_contact_email="barn@example.org",
    )
    with ctx.uow(write=True) as uow:
        uow.session.add(row)
        uow.commit()
    return row.id


def family(ctx: ServiceContext, *, volunteer_id: uuid.UUID | None = None) -> Family:
    prison = institution(ctx)
    parent = client(ctx, "Maria", "Ionescu")
    child = client(ctx, "Ana", "Ionescu", birth_date=date(2017, 5, 1))
    sibling = client(ctx, "Mihai", "Ionescu", birth_date=date(2015, 2, 1))
    carer = client(ctx, "Elena", "Ionescu")
    relations.add_relationship(ctx, parent.id, child.id, RelationshipKind.CHILD)
    # the other end of the link: the parent recorded on the child
    relations.add_relationship(ctx, sibling.id, parent.id, RelationshipKind.PARENT)
    relations.add_relationship(
        ctx, child.id, carer.id, RelationshipKind.GUARDIAN, is_caregiver=True
    )
    case = cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.CHILD_VISITS,
            client_id=parent.id,
            opened_on=date(2025, 1, 6),
            institution_id=prison,
            volunteer_id=volunteer_id,
        ),
    )
    return Family(case, child.id, sibling.id, carer.id, prison)


def book(ctx: ServiceContext, f: Family, at: datetime = SOON, **values: object) -> visits.VisitView:
    values.setdefault("child_id", f.child)
    if "accompanying_adult_id" not in values:
        values.setdefault("accompanying_adult_name", "Anne Lund")
    return visits.request_visit(ctx, VisitRequest(case_id=f.case.id, scheduled_at=at, **values))  # type: ignore[arg-type]


def test_a_visit_goes_from_request_to_held_with_transport_and_reaction(
    ctx: ServiceContext,
) -> None:
    f = family(ctx)
    visit = book(
        ctx,
        f,
        accompanying_adult_id=f.carer,
        visit_type=VisitType.CHILD_FRIENDLY_ROOM,
        transport_support=TransportSupport.TICKET,
        transport_amount_minor=45_000,
    )
    assert (visit.status, visit.child_name, visit.accompanying_adult_name) == (
        VisitStatus.REQUESTED,
        "Ana Ionescu",
        "Elena Ionescu",
    )
    assert visit.institution_id == f.prison  # the case's institution by default
    assert visit.ends_at == SOON + timedelta(minutes=90)
    visit = visits.approve_visit(ctx, visit.id)
    assert visit.status is VisitStatus.APPROVED
    later = SOON + timedelta(hours=2)
    visit = visits.schedule_visit(ctx, visit.id, later, 60)
    assert (visit.status, visit.scheduled_at, visit.duration_minutes) == (
        VisitStatus.SCHEDULED,
        later,
        60,
    )
    with pytest.raises(ValidationError) as early:
        visit_records.record_reaction(ctx, visit.id, "Happy")
    assert "after the visit" in early.value.errors["child_reaction"]
    visit = visits.mark_held(ctx, visit.id)
    visit = visit_records.set_transport(ctx, visit.id, TransportSupport.REIMBURSEMENT, 52_000)
    visit = visit_records.record_reaction(
        ctx, visit.id, " Shy at first, then played ", "Call school"
    )
    assert (visit.status, visit.transport_support, visit.transport_amount_minor) == (
        VisitStatus.HELD,
        TransportSupport.REIMBURSEMENT,
        52_000,
    )
    assert (visit.child_reaction, visit.follow_up) == ("Shy at first, then played", "Call school")
    assert [v.id for v in visit_queries.list_case_visits(ctx, f.case.id)] == [visit.id]
    trail = [e for e in events(ctx, f.case.id) if e[1] == "child_visit"]
    assert trail[0][0] == "create" and "transport_support" in trail[0][2]
    assert ("update", "child_visit", ("status",)) in trail
    assert ("update", "child_visit", ("duration_minutes", "scheduled_at", "status")) in trail
    with pytest.raises(ValidationError):  # held is final
        visits.cancel_visit(ctx, visit.id, "too late")


def test_cancel_and_deny_need_a_reason_and_free_the_time(ctx: ServiceContext) -> None:
    f = family(ctx)
    first = book(ctx, f, accompanying_adult_name="Aunt Ioana")
    assert first.accompanying_adult_name == "Aunt Ioana"
    for blank in ("", "   "):
        with pytest.raises(ValidationError) as no_reason:
            visits.cancel_visit(ctx, first.id, blank)
        assert "reason" in no_reason.value.errors
    cancelled = visits.cancel_visit(ctx, first.id, "The child is ill")
    assert (cancelled.status, cancelled.status_reason) == (
        VisitStatus.CANCELLED,
        "The child is ill",
    )
    again = book(ctx, f)  # the same time is free again
    denied = visits.deny_visit(ctx, again.id, "Visiting room closed")
    assert denied.status is VisitStatus.DENIED
    with pytest.raises(ValidationError) as wrong:
        visits.approve_visit(ctx, denied.id)
    assert "cannot become" in wrong.value.errors["status"]


def test_a_visit_cannot_be_booked_or_scheduled_in_the_past(ctx: ServiceContext) -> None:
    f = family(ctx)
    with pytest.raises(ValidationError) as past:
        book(ctx, f, at=datetime.now() - timedelta(minutes=5))
    assert "already passed" in past.value.errors["scheduled_at"]
    visit = visits.approve_visit(ctx, book(ctx, f).id)
    with pytest.raises(ValidationError) as move:
        visits.schedule_visit(ctx, visit.id, datetime.now() - timedelta(days=1))
    assert "already passed" in move.value.errors["scheduled_at"]
    # a visit approved for a time that has since passed must be given a new time
    with pytest.raises(ValidationError):
        visits.schedule_visit(ctx, visit.id, now=SOON + timedelta(hours=1))
    assert visit_queries.list_case_visits(ctx, f.case.id)[0].status is VisitStatus.APPROVED


def test_the_same_child_cannot_have_two_visits_at_once(ctx: ServiceContext) -> None:
    f = family(ctx)
    book(ctx, f, duration_minutes=120)  # 10:00–12:00
    with pytest.raises(ValidationError) as clash:
        book(ctx, f, at=SOON + timedelta(minutes=119))
    assert "already has a visit" in clash.value.errors["scheduled_at"]
    with pytest.raises(ValidationError):
        book(ctx, f, at=SOON - timedelta(minutes=30), duration_minutes=31)
    book(ctx, f, at=SOON + timedelta(minutes=120))  # back to back is fine
    book(ctx, f, child_id=f.sibling)  # another child at the same time is fine
    # rescheduling onto another visit clashes too
    moving = visits.approve_visit(ctx, book(ctx, f, at=SOON + timedelta(days=1)).id)
    with pytest.raises(ValidationError):
        visits.schedule_visit(ctx, moving.id, SOON + timedelta(minutes=30))
    assert visits.schedule_visit(ctx, moving.id).status is VisitStatus.SCHEDULED


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    first=st.tuples(st.integers(0, 3 * 24 * 60), st.integers(1, visits.MAX_DURATION_MINUTES)),
    second=st.tuples(st.integers(0, 3 * 24 * 60), st.integers(1, visits.MAX_DURATION_MINUTES)),
)
def test_clash_detection_over_random_intervals(
    ctx: ServiceContext, first: tuple[int, int], second: tuple[int, int]
) -> None:
    """The database look-up window never misses a clash the rule says exists."""
    f = family(ctx)
    start = SOON.replace(hour=0)
    book(ctx, f, at=start + timedelta(minutes=first[0]), duration_minutes=first[1])
    a = set(range(first[0], first[0] + first[1]))
    b = set(range(second[0], second[0] + second[1]))
    try:
        book(ctx, f, at=start + timedelta(minutes=second[0]), duration_minutes=second[1])
    except ValidationError as exc:
        assert a & b, exc.errors
    else:
        assert not a & b


def test_overnight_stays_need_an_approved_assessment_first(ctx: ServiceContext) -> None:
    f = family(ctx)
    overnight = visits.approve_visit(
        ctx,
        book(ctx, f, visit_type=VisitType.OVERNIGHT_FAMILY_FLAT, duration_minutes=22 * 60).id,
    )
    with pytest.raises(ValidationError) as missing:
        visits.schedule_visit(ctx, overnight.id)
    assert "approved assessment" in missing.value.errors["assessment"]
    not_yet = visit_records.record_assessment(
        ctx, f.case.id, f.child, date.today(), "Barnevernet", AssessmentOutcome.FOLLOW_UP_NEEDED
    )
    assert not_yet.child_name == "Ana Ionescu"
    with pytest.raises(ValidationError):
        visits.schedule_visit(ctx, overnight.id)
    # an approval of another child does not count
    visit_records.record_assessment(
        ctx, f.case.id, f.sibling, date.today(), "Barnevernet", AssessmentOutcome.APPROVED
    )
    with pytest.raises(ValidationError):
        visits.schedule_visit(ctx, overnight.id)
    visit_records.record_assessment(
        ctx,
        f.case.id,
        f.child,
        date.today() - timedelta(days=3),
        "Kari Nordmann",
        AssessmentOutcome.APPROVED,
        notes=CANARY,
    )
    assert visits.schedule_visit(ctx, overnight.id).status is VisitStatus.SCHEDULED
    assert len(visit_records.list_assessments(ctx, f.case.id)) == 3
    with pytest.raises(ValidationError) as future:
        visit_records.record_assessment(
            ctx,
            f.case.id,
            f.child,
            date.today() + timedelta(days=1),
            "X",
            AssessmentOutcome.APPROVED,
        )
    assert "future" in future.value.errors["assessed_on"]


def test_only_the_clients_children_can_visit(ctx: ServiceContext) -> None:
    f = family(ctx)
    stranger = client(ctx, "Someone", "Else")
    for child in (stranger.id, f.carer):
        with pytest.raises(ValidationError) as bad:
            book(ctx, f, child_id=child)
        assert "children" in bad.value.errors["child_id"]
    with pytest.raises(ValidationError) as money:
        book(ctx, f, transport_support=TransportSupport.TICKET, transport_amount_minor=-1)
    assert "negative" in money.value.errors["transport_amount_minor"]
    release = cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.RELEASE_SUPPORT, client_id=f.case.client_id, opened_on=date(2025, 2, 1)
        ),
    )
    with pytest.raises(ValidationError):
        visits.request_visit(
            ctx, VisitRequest(release.id, f.child, SOON, accompanying_adult_id=f.carer)
        )


def test_booking_info_shows_the_visiting_rules_children_and_caregivers(ctx: ServiceContext) -> None:
    f = family(ctx)
    info = visit_queries.booking_info(ctx, f.case.id)
    assert info.visiting_info == "Child visits on Saturdays 10–14. Book a week ahead."
    assert (info.child_contact_name, info.child_contact_phone, info.child_contact_email) == (
        "Siri Dahl",
        "+47 22 00 00 00",
        "barn@example.org",
    )
    assert [c.name for c in info.children] == ["Mihai Ionescu", "Ana Ionescu"]  # eldest first
    assert [(a.name, a.is_caregiver) for a in info.adults] == [("Elena Ionescu", True)]


def test_the_calendar_spans_cases_filters_by_institution_and_scopes_volunteers(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    volunteer, vctx = sign_in_new_user(ctx, Path(workspace.folder), "vera", Role.VOLUNTEER)
    mine = family(ctx, volunteer_id=volunteer.id)
    other = family(ctx)
    elsewhere = institution(ctx, "Ila prison")
    a = book(ctx, mine)
    b = book(ctx, other, at=SOON + timedelta(days=1), institution_id=elsewhere)
    cancelled = visits.cancel_visit(ctx, book(ctx, other, at=SOON + timedelta(days=2)).id, CANARY)
    book(ctx, other, at=SOON + timedelta(days=30))  # outside the week
    week = visit_queries.visit_calendar(ctx, SOON.date(), SOON.date() + timedelta(days=6))
    assert [v.id for v in week] == [a.id, b.id, cancelled.id]
    assert week[1].institution_name == "Ila prison" and week[0].reference == mine.case.reference
    active = visit_queries.visit_calendar(
        ctx, SOON.date(), SOON.date() + timedelta(days=6), include_inactive=False
    )
    assert [v.id for v in active] == [a.id, b.id]
    only = visit_queries.visit_calendar(
        ctx, SOON.date(), SOON.date() + timedelta(days=6), elsewhere
    )
    assert [v.id for v in only] == [b.id]
    assert [
        v.id
        for v in visit_queries.visit_calendar(vctx, SOON.date(), SOON.date() + timedelta(days=6))
    ] == [a.id]
    with pytest.raises(PermissionDenied):
        visits.request_visit(vctx, VisitRequest(mine.case.id, mine.child, SOON + timedelta(days=3)))
    seen = visit_queries.list_case_visits(vctx, mine.case.id)
    assert [v.id for v in seen] == [a.id]
    hidden = visit_queries.list_case_visits(vctx, mine.case.id)[0]
    assert hidden.child_reaction is None and hidden.status_reason is None
    with pytest.raises(ValidationError):
        visit_queries.visit_calendar(ctx, SOON.date(), SOON.date() - timedelta(days=1))
    vctx.lock()
