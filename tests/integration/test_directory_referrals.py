"""The institution and organisation directories, and draft referrals."""

from __future__ import annotations

import uuid

import pytest

from app.features.cases.services import cases, needs
from app.features.consent.services import referrals
from app.features.directory.services import directory
from app.kernel.errors import NotFoundError, ValidationError
from app.models import Institution, Organisation
from app.models.enums import InstitutionKind, NeedDomain, OrganisationType, ReferralStatus
from app.security.permissions import PermissionDenied
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from tests.integration.helpers.casework import CANARY, case_for, client, events, sign_in_new_user


def directories(ctx: ServiceContext) -> dict[str, uuid.UUID]:
    """No service edits the directories yet, so the test writes them directly."""
    rows: dict[str, Institution | Organisation] = {
        "ila": Institution(
            name="Ila prison",
            kind=InstitutionKind.PRISON,
            region="Viken",
            visiting_info="Tuesdays",
            child_contact_name="Kari",
            child_contact_phone="+47 1",
        ),
        "bredtveit": Institution(name="Bredtveit prison", kind=InstitutionKind.PRISON),
        "nav": Organisation(name="NAV Grünerløkka", type=OrganisationType.WELFARE_OFFICE),
        "old": Organisation(name="Closed shelter", type=OrganisationType.OTHER, active=False),
    }
    with ctx.uow(write=True) as uow:
        uow.session.add_all(rows.values())
        uow.commit()
    return {key: row.id for key, row in rows.items()}


def test_directories_are_sorted_and_hide_inactive_partners(ctx: ServiceContext) -> None:
    ids = directories(ctx)
    institutions = directory.list_institutions(ctx)
    assert [i.name for i in institutions] == ["Bredtveit prison", "Ila prison"]
    assert institutions[1] == directory.InstitutionRow(
        ids["ila"], "Ila prison", InstitutionKind.PRISON, "Viken", "NO", "Tuesdays", "Kari", "+47 1"
    )
    assert [o.name for o in directory.list_organisations(ctx)] == ["NAV Grünerløkka"]
    everyone = directory.list_organisations(ctx, include_inactive=True)
    assert [(o.name, o.active) for o in everyone] == [
        ("Closed shelter", False),
        ("NAV Grünerløkka", True),
    ]


def test_a_draft_referral_for_a_need(ctx: ServiceContext) -> None:
    ids = directories(ctx)
    case = case_for(ctx, client(ctx).id)
    need = needs.add_need(ctx, case.id, NeedDomain.INCOME_BENEFITS)
    made = referrals.create_referral(ctx, case.id, ids["nav"], need_id=need.id, notes=" Urgent ")
    assert (made.status, made.need_domain, made.notes) == (
        ReferralStatus.DRAFT,
        NeedDomain.INCOME_BENEFITS,
        "Urgent",
    )
    assert (made.organisation_name, made.organisation_type) == (
        "NAV Grünerløkka",
        OrganisationType.WELFARE_OFFICE,
    )
    assert made.sent_on is None and made.responded_on is None and made.outcome is None
    plain = referrals.create_referral(ctx, case.id, ids["nav"])
    assert plain.need_id is None and plain.need_domain is None
    assert [r.id for r in referrals.list_case_referrals(ctx, case.id)] == [plain.id, made.id]
    assert ("create", "referral", ("need_id", "notes", "organisation_id", "status")) in events(
        ctx, case.id
    )
    assert cases.get_case(ctx, case.id).last_activity_at > case.last_activity_at

    other = case_for(ctx, client(ctx, "Ana", "Lungu").id)
    bad: list[tuple[dict[str, object], str, str]] = [
        ({"organisation_id": ids["old"]}, "organisation_id", "organisation"),
        ({"organisation_id": uuid.uuid4()}, "organisation_id", "organisation"),
        ({"case_id": other.id, "need_id": need.id}, "need_id", "this case's needs"),
        ({"notes": "x" * 10_000_000}, "notes", "too long"),
    ]
    for changes, field, message in bad:
        args = {"case_id": case.id, "organisation_id": ids["nav"], **changes}
        with pytest.raises(ValidationError) as err:
            referrals.create_referral(ctx, **args)  # type: ignore[arg-type]
        assert message in err.value.errors[field]
    assert referrals.list_case_referrals(ctx, other.id) == []


def test_volunteers_read_the_directories_but_no_referrals(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    ids = directories(ctx)
    vera, vera_ctx = sign_in_new_user(ctx, workspace.folder, "vera")
    case = case_for(ctx, client(ctx).id, volunteer_id=vera.id)
    other = case_for(ctx, client(ctx, "Ana", "Lungu").id)
    referrals.create_referral(ctx, case.id, ids["nav"], notes=CANARY)
    with vera_ctx:
        assert len(directory.list_institutions(vera_ctx)) == 2
        assert len(directory.list_organisations(vera_ctx)) == 1
        assert referrals.list_case_referrals(vera_ctx, case.id) == []
        with pytest.raises(NotFoundError):
            referrals.list_case_referrals(vera_ctx, other.id)
        with pytest.raises(PermissionDenied):
            referrals.create_referral(vera_ctx, case.id, ids["nav"])
    assert len(referrals.list_case_referrals(ctx, case.id)) == 1
