"""Needs through the service: statuses and dates, validation, and health data kept from
volunteers."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from app.features.cases.services import cases, needs
from app.kernel.errors import NotFoundError, ValidationError
from app.models.enums import RESTRICTED_NEED_DOMAINS, NeedDomain, NeedStatus
from app.security.permissions import PermissionDenied
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from tests.integration.helpers.casework import CANARY, case_for, client, events, sign_in_new_user

TODAY = date.today()


def test_needs_move_through_their_statuses(ctx: ServiceContext) -> None:
    case = case_for(ctx, client(ctx).id)
    housing = needs.add_need(ctx, case.id, NeedDomain.HOUSING, notes="  Needs a flat  ")
    assert (housing.status, housing.identified_on, housing.met_on) == (
        NeedStatus.IDENTIFIED,
        TODAY,
        None,
    )
    assert housing.notes == "Needs a flat" and not housing.notes_hidden
    assert cases.get_case(ctx, case.id).last_activity_at > case.last_activity_at
    debt = needs.add_need(ctx, case.id, NeedDomain.DEBT, identified_on=TODAY - timedelta(days=30))

    met = needs.set_need_status(ctx, housing.id, NeedStatus.MET)
    assert met.status == NeedStatus.MET and met.met_on == TODAY
    on = TODAY - timedelta(days=2)
    assert needs.set_need_status(ctx, debt.id, NeedStatus.MET, on=on).met_on == on
    back = needs.set_need_status(ctx, housing.id, NeedStatus.IN_PROGRESS, on=TODAY)
    assert back.status == NeedStatus.IN_PROGRESS and back.met_on is None
    assert needs.update_need_notes(ctx, debt.id, "Agreed a plan").notes == "Agreed a plan"
    assert needs.update_need_notes(ctx, debt.id, "   ").notes is None

    listed = needs.list_case_needs(ctx, case.id)
    assert [n.domain for n in listed] == [NeedDomain.DEBT, NeedDomain.HOUSING]
    trail = [e[2] for e in events(ctx, case.id) if e[1] == "need"]
    assert trail == [
        ("domain", "identified_on", "notes", "status"),
        ("domain", "identified_on", "status"),
        ("met_on", "status"),
        ("met_on", "status"),
        ("met_on", "status"),
        ("notes",),
        ("notes",),
    ]


def test_need_validation(ctx: ServiceContext) -> None:
    case = case_for(ctx, client(ctx).id)
    with pytest.raises(ValidationError, match="identified in the future"):
        needs.add_need(ctx, case.id, NeedDomain.HOUSING, identified_on=TODAY + timedelta(days=1))
    with pytest.raises(ValidationError, match="too long"):
        needs.add_need(ctx, case.id, NeedDomain.HOUSING, notes="x" * 10_000_000)
    with pytest.raises(ValidationError, match="from the list"):
        needs.add_need(ctx, case.id, "castle")  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        needs.add_need(ctx, uuid.uuid4(), NeedDomain.HOUSING)
    need = needs.add_need(ctx, case.id, NeedDomain.LEGAL, identified_on=TODAY - timedelta(days=5))
    with pytest.raises(ValidationError, match="before it was identified"):
        needs.set_need_status(ctx, need.id, NeedStatus.MET, on=TODAY - timedelta(days=6))
    with pytest.raises(ValidationError, match="met in the future"):
        needs.set_need_status(ctx, need.id, NeedStatus.MET, on=TODAY + timedelta(days=1))
    with pytest.raises(ValidationError, match="too long"):
        needs.update_need_notes(ctx, need.id, "x" * 10_000_000)
    with pytest.raises(NotFoundError):
        needs.set_need_status(ctx, uuid.uuid4(), NeedStatus.MET)
    assert needs.list_case_needs(ctx, case.id) == [
        needs.NeedView(
            need.id,
            case.id,
            NeedDomain.LEGAL,
            NeedStatus.IDENTIFIED,
            need.identified_on,
            None,
            None,
        )
    ]


def test_volunteers_never_receive_health_needs_or_staff_notes(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    vera, vera_ctx = sign_in_new_user(ctx, workspace.folder, "vera")
    case = case_for(ctx, client(ctx).id, volunteer_id=vera.id)
    for domain in sorted(RESTRICTED_NEED_DOMAINS):
        needs.add_need(ctx, case.id, domain, notes=CANARY)
    work = needs.add_need(ctx, case.id, NeedDomain.EMPLOYMENT, notes=CANARY)
    other = case_for(ctx, client(ctx, "Ana", "Lungu").id)
    with vera_ctx:
        seen = needs.list_case_needs(vera_ctx, case.id)
        assert [(n.id, n.domain, n.notes, n.notes_hidden) for n in seen] == [
            (work.id, NeedDomain.EMPLOYMENT, None, True)
        ]
        assert CANARY not in repr(seen)
        with pytest.raises(NotFoundError):
            needs.list_case_needs(vera_ctx, other.id)
        with pytest.raises(PermissionDenied):
            needs.add_need(vera_ctx, case.id, NeedDomain.HOUSING)
        with pytest.raises(PermissionDenied):
            needs.set_need_status(vera_ctx, work.id, NeedStatus.MET)
    assert len(needs.list_case_needs(ctx, case.id)) == 1 + len(RESTRICTED_NEED_DOMAINS)
