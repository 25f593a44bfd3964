"""Foreign-inmate records: interpreter needs, consular contacts (with the consent check),
immigration status history, family abroad and discrimination reports."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.features.cases.services import cases, meetings
from app.features.consent.services import consent
from app.features.foreign.services import foreign
from app.features.people.services import people
from app.kernel.errors import ValidationError
from app.models.enums import (
    CaseKind,
    ConsentScope,
    ConsularOutcome,
    ContactChannel,
    ImmigrationStatus,
    LegalBasis,
    MeetingKind,
    RelationshipKind,
    Role,
)
from app.security.permissions import PermissionDenied
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from tests.integration.helpers.casework import CANARY, case_for, client, events, sign_in_new_user

TODAY = date.today()


def foreign_case(
    ctx: ServiceContext, volunteer_id: uuid.UUID | None = None
) -> tuple[people.PersonView, cases.CaseView]:
    person = client(ctx, "Andrei", "Rusu", nationality="MD", languages=("ro", "ru"))
    return person, case_for(ctx, person.id, kind=CaseKind.FOREIGN_INMATE, volunteer_id=volunteer_id)


def test_consular_contact_is_refused_without_the_clients_consent(ctx: ServiceContext) -> None:
    person, case = foreign_case(ctx)

    def log(on: date = TODAY) -> foreign.ConsularContactView:
        return foreign.log_consular_contact(
            ctx, case.id, "MD", on, ContactChannel.EMAIL, notes="Asked about a passport"
        )

    with pytest.raises(ValidationError) as none:
        log()
    assert "has not given consent to consular contact" in none.value.errors["consent"]
    assert "Ana" not in str(none.value) and "Rusu" not in str(none.value)
    assert foreign.list_consular_contacts(ctx, case.id) == []
    # consent to something else does not count
    consent.record_consent(
        ctx,
        person.id,
        ConsentScope.SHARING_WITH_PARTNERS,
        LegalBasis.CONSENT,
        TODAY,
    )
    with pytest.raises(ValidationError):
        log()
    given = consent.record_consent(
        ctx,
        person.id,
        ConsentScope.CONSULAR_CONTACT,
        LegalBasis.CONSENT,
        TODAY - timedelta(days=10),
        expires_on=TODAY + timedelta(days=100),
    )
    with pytest.raises(ValidationError) as before:
        log(TODAY - timedelta(days=20))  # a contact before the consent was given
    assert "does not cover" in before.value.errors["consent"]
    made = log()
    assert (made.country, made.consent_to_notify, made.outcome) == (
        "MD",
        True,
        ConsularOutcome.PENDING,
    )
    answered = foreign.set_consular_outcome(ctx, made.id, ConsularOutcome.CONTACT_MADE)
    assert answered.outcome is ConsularOutcome.CONTACT_MADE
    assert [c.id for c in foreign.list_consular_contacts(ctx, case.id)] == [made.id]
    assert (
        "create",
        "consular_contact",
        ("channel", "consent_to_notify", "contacted_on", "country", "notes", "outcome"),
    ) in events(ctx, case.id)
    consent.withdraw_consent(ctx, given.id)
    with pytest.raises(ValidationError) as withdrawn:
        log()
    assert "withdrew consent to consular contact" in withdrawn.value.errors["consent"]


def test_an_expired_consular_consent_is_named_as_expired(ctx: ServiceContext) -> None:
    person, case = foreign_case(ctx)
    consent.record_consent(
        ctx,
        person.id,
        ConsentScope.CONSULAR_CONTACT,
        LegalBasis.CONSENT,
        TODAY - timedelta(days=400),
        expires_on=TODAY - timedelta(days=35),
    )
    with pytest.raises(ValidationError) as expired:
        foreign.log_consular_contact(ctx, case.id, "MD", TODAY, ContactChannel.PHONE)
    assert "has expired" in expired.value.errors["consent"]
    # a contact made while the consent was valid can still be recorded afterwards
    foreign.log_consular_contact(
        ctx,
        case.id,
        "MD",
        TODAY - timedelta(days=40),
        ContactChannel.LETTER,
    )
    with pytest.raises(ValidationError) as bad:
        foreign.log_consular_contact(
            ctx, case.id, "ZZ", TODAY + timedelta(days=1), ContactChannel.PHONE
        )
    assert set(bad.value.errors) == {"country", "contacted_on"}


def test_interpreter_needs_and_meetings_with_an_interpreter(ctx: ServiceContext) -> None:
    _person, case = foreign_case(ctx)
    info = foreign.set_interpreter_needs(ctx, case.id, ("ro", "ru", "ro"), True)
    assert (info.languages, info.interpreter_needed, info.meetings) == (("ro", "ru"), True, 0)
    for used in (True, False, True):
        meetings.record_meeting(
            ctx,
            meetings.MeetingInput(
                case.id,
                datetime.now() - timedelta(hours=1),
                30,
                MeetingKind.PRISON_VISIT,
                "Talked",
                interpreter_used=used,
            ),
        )
    info = foreign.interpreter_info(ctx, case.id)
    assert (info.meetings, info.meetings_with_interpreter) == (3, 2)
    with pytest.raises(ValidationError):
        foreign.set_interpreter_needs(ctx, case.id, ("klingon",), True)


def test_immigration_history_family_abroad_and_discrimination(ctx: ServiceContext) -> None:
    _person, case = foreign_case(ctx)
    cid = case.id
    foreign.add_immigration_record(ctx, cid, ImmigrationStatus.EXPULSION_ORDER, date(2025, 2, 1))
    foreign.add_immigration_record(
        ctx, cid, ImmigrationStatus.APPEAL_PENDING, date(2025, 3, 1), notes="Legal aid helps"
    )
    history = foreign.list_immigration_records(ctx, cid)
    assert [(h.status, h.current) for h in history] == [
        (ImmigrationStatus.APPEAL_PENDING, True),
        (ImmigrationStatus.EXPULSION_ORDER, False),
    ]
    with pytest.raises(ValidationError):
        foreign.add_immigration_record(
            ctx, cid, ImmigrationStatus.DEPORTED, TODAY + timedelta(days=2)
        )
    mother = foreign.add_family_abroad(
        ctx, cid, RelationshipKind.PARENT, "MD", ContactChannel.VIDEO, name="Elena Rusu"
    )
    brother = client(ctx, "Ion", "Rusu")
    linked = foreign.add_family_abroad(
        ctx, cid, RelationshipKind.SIBLING, "RO", ContactChannel.PHONE, person_id=brother.id
    )
    assert [(f.name, f.country) for f in foreign.list_family_abroad(ctx, cid)] == [
        ("Elena Rusu", "MD"),
        ("Ion Rusu", "RO"),
    ]
    assert linked.person_id == brother.id and mother.person_id is None
    with pytest.raises(ValidationError) as nameless:
        foreign.add_family_abroad(ctx, cid, RelationshipKind.PARENT, "MD", ContactChannel.PHONE)
    assert "name" in nameless.value.errors
    report = foreign.add_discrimination_report(
        ctx, cid, TODAY, "Refused the phone in his language", reported_to="Prison director"
    )
    assert report.outcome is None
    report = foreign.set_discrimination_outcome(ctx, report.id, "Apology; rule changed")
    assert foreign.list_discrimination_reports(ctx, cid) == [report]
    with pytest.raises(ValidationError):
        foreign.add_discrimination_report(ctx, cid, TODAY, "  ")
    everything = foreign.foreign_records(ctx, cid)
    assert (
        len(everything.immigration),
        len(everything.family),
        len(everything.discrimination),
    ) == (
        2,
        2,
        1,
    )
    trail = events(ctx, cid)
    assert ("update", "discrimination_report", ("outcome",)) in trail
    assert (
        "create",
        "family_abroad",
        ("contact_channel", "country", "name", "relationship_kind"),
    ) in trail


def test_volunteers_get_no_restricted_foreign_inmate_records(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    volunteer, vctx = sign_in_new_user(ctx, Path(workspace.folder), "vera", Role.VOLUNTEER)
    _person, case = foreign_case(ctx, volunteer_id=volunteer.id)
    cid = case.id
    foreign.add_discrimination_report(ctx, cid, TODAY, CANARY)
    for read in (
        foreign.list_consular_contacts,
        foreign.list_immigration_records,
        foreign.list_family_abroad,
        foreign.list_discrimination_reports,
        foreign.foreign_records,
    ):
        with pytest.raises(PermissionDenied):
            read(vctx, cid)
    with pytest.raises(PermissionDenied):
        foreign.log_consular_contact(vctx, cid, "MD", TODAY, ContactChannel.PHONE)
    # languages are what a volunteer needs to meet the client
    assert foreign.interpreter_info(vctx, cid).languages == ("ro", "ru")
    vctx.lock()
