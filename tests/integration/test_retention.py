"""Retention: closed cases past their period are listed, never removed until a coordinator
anonymises them (stub kept) or keeps them longer with a reason."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.features.cases.services import cases
from app.features.people.services import people
from app.features.privacy.services import retention
from app.kernel.errors import ValidationError
from app.models import Case, Meeting, Person
from app.models.enums import CaseKind, CaseStatus, CloseReason
from app.services import workspace as ws
from app.services.context import ServiceContext
from tests.integration.helpers.gdpr_data import make_client

TODAY = date(2031, 1, 10)


def close(ctx: ServiceContext, case_id: object, on: date) -> None:
    cases.change_status(ctx, case_id, CaseStatus.OPEN)  # type: ignore[arg-type]
    cases.change_status(
        ctx,
        case_id,
        CaseStatus.CLOSED,
        close_reason=CloseReason.GOALS_MET,
        closed_on=on,  # type: ignore[arg-type]
    )


def test_review_extend_and_anonymise(ctx: ServiceContext) -> None:
    a = make_client(ctx, "R")
    close(ctx, a.case_id, date(2026, 9, 30))
    other = people.create_person(ctx, people.PersonInput(given_name="Kept", family_name="Client"))
    kept_old = cases.open_case(
        ctx,
        cases.CaseInput(kind=CaseKind.CHILD_VISITS, client_id=other.id, opened_on=date(2026, 1, 1)),
    )
    close(ctx, kept_old.id, date(2026, 6, 1))
    cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.RELEASE_SUPPORT, client_id=other.id, opened_on=date(2026, 7, 1)
        ),
    )

    assert retention.retention_review(ctx, today=TODAY) == []  # no period set: nothing listed
    retention.set_retention_period(ctx, CaseKind.CHILD_VISITS, 48)
    assert retention.retention_policy(ctx).for_kind(CaseKind.CHILD_VISITS) == 48
    due = retention.retention_review(ctx, today=TODAY)
    assert {d.reference for d in due} == {
        cases.get_case(ctx, a.case_id).reference,
        kept_old.reference,
    }
    by_id = {d.case_id: d for d in due}
    assert by_id[kept_old.id].client_kept and not by_id[a.case_id].client_kept
    assert by_id[a.case_id].due_on == date(2030, 9, 30)

    with pytest.raises(ValidationError):
        retention.extend_retention(ctx, a.case_id, date(2032, 1, 1), " ", today=TODAY)
    retention.extend_retention(ctx, a.case_id, date(2032, 1, 1), "Court case pending", today=TODAY)
    assert [d.case_id for d in retention.retention_review(ctx, today=TODAY)] == [kept_old.id]
    assert len(retention.retention_review(ctx, today=date(2032, 1, 2))) == 2

    with pytest.raises(ValidationError, match="not due"):
        retention.anonymise_cases(ctx, [a.case_id], today=TODAY)
    receipt = retention.anonymise_cases(ctx, [kept_old.id], today=TODAY)
    assert (
        receipt.action == "anonymise"
        and receipt.count("cases") == 1
        and receipt.count("people") == 0
    )
    with ctx.uow() as uow:
        s = uow.session
        assert s.scalar(select(Case.anonymised_at).where(Case.id == kept_old.id)) is not None
        kept = s.get(Person, other.id)
        assert kept is not None and kept.given_name == "Kept"  # another case still open

    receipt = retention.anonymise_cases(ctx, [a.case_id], today=date(2032, 1, 2))
    assert receipt.count("people") == 2  # the client and their child
    with ctx.uow() as uow:
        s = uow.session
        stub = s.get(Person, a.person_id)
        assert (
            stub is not None
            and stub.anonymised_at is not None
            and stub.birth_date == date(1990, 4, 1)
        )
        assert s.scalar(select(Meeting.summary).where(Meeting.case_id == a.case_id)) == ""
    assert retention.retention_review(ctx, today=date(2032, 1, 2)) == []
    assert ws.verify(ctx).ok
