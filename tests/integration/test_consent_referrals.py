"""Consent records, the case header's consent status, sending referrals (with the consent
check) and partners' answers, and the coordinator's partner directory."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from app.features.consent.services import consent, referrals
from app.features.directory.services import directory
from app.kernel.errors import ValidationError
from app.models.enums import (
    CaseKind,
    ConsentScope,
    LegalBasis,
    OrganisationType,
    ReferralStatus,
    Role,
)
from app.security.permissions import PermissionDenied
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from tests.integration.helpers.casework import CANARY, case_for, client, events, sign_in_new_user

TODAY = date.today()
S = ConsentScope


def partner(ctx: ServiceContext, name: str = "NAV Grünerløkka") -> directory.OrganisationRow:
    return directory.save_organisation(
        ctx, directory.OrganisationInput(name=name, type=OrganisationType.WELFARE_OFFICE)
    )


def test_consent_records_validity_and_withdrawal(ctx: ServiceContext) -> None:
    person = client(ctx)
    old = consent.record_consent(
        ctx,
        person.id,
        S.STATISTICS,
        LegalBasis.CONSENT,
        TODAY - timedelta(days=400),
        expires_on=TODAY - timedelta(days=1),
    )
    work = consent.record_consent(
        ctx, person.id, S.CASE_WORK, LegalBasis.LEGITIMATE_INTERESTS, TODAY, notes=CANARY
    )
    assert (old.valid, work.valid, work.recorded_by_name) == (False, True, "Cora Coordinator")
    assert [c.id for c in consent.list_consents(ctx, person.id)] == [work.id, old.id]
    withdrawn = consent.withdraw_consent(ctx, work.id)
    assert (withdrawn.withdrawn_on, withdrawn.valid) == (TODAY, False)
    with pytest.raises(ValidationError) as twice:
        consent.withdraw_consent(ctx, work.id)
    assert "already withdrawn" in twice.value.errors["withdrawn_on"]
    with pytest.raises(ValidationError) as bad:
        consent.record_consent(
            ctx,
            person.id,
            S.CASE_WORK,
            LegalBasis.CONSENT,
            TODAY + timedelta(days=1),
            expires_on=TODAY,
        )
    assert set(bad.value.errors) == {"given_on", "expires_on"}
    assert consent.is_valid(TODAY, TODAY, None, TODAY)  # the expiry day is still covered
    assert not consent.is_valid(TODAY, None, TODAY, TODAY)  # withdrawn from that day


def test_consent_status_warns_about_missing_withdrawn_and_expiring_consent(
    ctx: ServiceContext,
) -> None:
    person = client(ctx)
    case = case_for(ctx, person.id, kind=CaseKind.FOREIGN_INMATE)
    status = consent.consent_status(ctx, case.id)
    assert status.missing == (S.CASE_WORK, S.CONSULAR_CONTACT) and not status.ok
    consent.record_consent(
        ctx,
        person.id,
        S.CASE_WORK,
        LegalBasis.CONSENT,
        TODAY - timedelta(days=300),
        expires_on=TODAY + timedelta(days=20),
    )
    consular = consent.record_consent(ctx, person.id, S.CONSULAR_CONTACT, LegalBasis.CONSENT, TODAY)
    status = consent.consent_status(ctx, case.id)
    assert status.missing == ()
    assert status.expiring == ((S.CASE_WORK, TODAY + timedelta(days=20)),)
    consent.withdraw_consent(ctx, consular.id)
    status = consent.consent_status(ctx, case.id)
    assert (status.missing, status.withdrawn) == ((S.CONSULAR_CONTACT,), (S.CONSULAR_CONTACT,))
    # a renewal that runs longer ends the expiry warning
    consent.record_consent(ctx, person.id, S.CASE_WORK, LegalBasis.CONSENT, TODAY)
    assert consent.consent_status(ctx, case.id).expiring == ()
    # 40 days on, with nothing renewed, the first consent has expired but the renewal holds
    later = consent.consent_status(ctx, case.id, today=TODAY + timedelta(days=40))
    assert S.CASE_WORK not in later.missing


def test_a_referral_is_sent_only_with_consent_to_share(ctx: ServiceContext) -> None:
    person = client(ctx)
    case = case_for(ctx, person.id)
    nav = partner(ctx)
    draft = referrals.create_referral(ctx, case.id, nav.id)
    # once a case has a referral, its header asks for consent to share
    assert S.SHARING_WITH_PARTNERS in consent.consent_status(ctx, case.id).missing
    with pytest.raises(ValidationError) as refused:
        referrals.send_referral(ctx, draft.id)
    message = refused.value.errors["consent"]
    assert "has not given consent to sharing with partners" in message
    assert "Popescu" not in message
    assert referrals.list_case_referrals(ctx, case.id)[0].status is ReferralStatus.DRAFT
    given = consent.record_consent(
        ctx,
        person.id,
        S.SHARING_WITH_PARTNERS,
        LegalBasis.CONSENT,
        TODAY - timedelta(days=30),
        expires_on=TODAY - timedelta(days=2),
    )
    with pytest.raises(ValidationError) as expired:
        referrals.send_referral(ctx, draft.id)
    assert "expired" in expired.value.errors["consent"]
    sent_then = referrals.send_referral(ctx, draft.id, sent_on=TODAY - timedelta(days=5))
    assert (sent_then.status, sent_then.sent_on) == (ReferralStatus.SENT, TODAY - timedelta(days=5))
    assert given.id  # the consent that covered that day
    with pytest.raises(ValidationError) as twice:
        referrals.send_referral(ctx, draft.id)
    assert "already been sent" in twice.value.errors["status"]
    assert (
        "update",
        "referral",
        ("consent_checked_at", "sent_on", "status"),
    ) in events(ctx, case.id)


def test_partners_answers(ctx: ServiceContext) -> None:
    person = client(ctx)
    case = case_for(ctx, person.id)
    consent.record_consent(ctx, person.id, S.SHARING_WITH_PARTNERS, LegalBasis.CONSENT, TODAY)
    nav = partner(ctx)
    draft = referrals.create_referral(ctx, case.id, nav.id)
    with pytest.raises(ValidationError) as unsent:
        referrals.record_referral_response(ctx, draft.id, ReferralStatus.ACCEPTED)
    assert "Send the referral" in unsent.value.errors["status"]
    referrals.send_referral(ctx, draft.id)
    with pytest.raises(ValidationError):
        referrals.record_referral_response(ctx, draft.id, ReferralStatus.SENT)
    accepted = referrals.record_referral_response(ctx, draft.id, ReferralStatus.ACCEPTED)
    assert (accepted.status, accepted.responded_on) == (ReferralStatus.ACCEPTED, TODAY)
    done = referrals.record_referral_response(
        ctx, draft.id, ReferralStatus.COMPLETED, " Housing benefit granted "
    )
    assert (done.status, done.outcome) == (ReferralStatus.COMPLETED, "Housing benefit granted")
    with pytest.raises(ValidationError) as final:
        referrals.record_referral_response(ctx, draft.id, ReferralStatus.DECLINED)
    assert "final answer" in final.value.errors["status"]
    other = referrals.create_referral(ctx, case.id, nav.id)
    referrals.send_referral(ctx, other.id)
    declined = referrals.record_referral_response(ctx, other.id, ReferralStatus.DECLINED, "Full")
    assert declined.status is ReferralStatus.DECLINED


def test_the_coordinator_maintains_the_partner_directory(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    made = partner(ctx, "Kirkens Bymisjon")
    edited = directory.save_organisation(
        ctx,
        directory.OrganisationInput(
            name="Kirkens Bymisjon Oslo",
            type=OrganisationType.FAMILY_ORGANISATION,
            email="post@example.org",
        ),
        made.id,
    )
    assert (edited.id, edited.name, edited.type) == (
        made.id,
        "Kirkens Bymisjon Oslo",
        OrganisationType.FAMILY_ORGANISATION,
    )
    with pytest.raises(ValidationError) as bad:
        directory.save_organisation(
            ctx, directory.OrganisationInput(name=" ", type=OrganisationType.OTHER, email="x")
        )
    assert set(bad.value.errors) == {"name", "email"}
    directory.set_organisation_active(ctx, made.id, False)
    assert directory.list_organisations(ctx) == []
    assert [o.active for o in directory.list_organisations(ctx, include_inactive=True)] == [False]
    _row, wctx = sign_in_new_user(ctx, Path(workspace.folder), "walt", Role.SOCIAL_WORKER)
    with pytest.raises(PermissionDenied):
        partner(wctx, "Not allowed")
    wctx.lock()
