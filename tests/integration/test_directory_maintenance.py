"""The coordinator maintains the institution directory (and keeps the partner directory free of
twins): validation in the user's terms, audit events that name fields only, and nobody else may
change either directory."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.features.cases.services import case_list, cases, relations
from app.features.directory.services import directory
from app.features.visits.services import visit_queries
from app.kernel.errors import NotFoundError, ValidationError
from app.models import AuditEvent, Institution
from app.models.enums import (
    CaseKind,
    InstitutionKind,
    OrganisationType,
    RelationshipKind,
    Role,
    SecurityLevel,
)
from app.security.permissions import PermissionDenied
from app.services import audit_log
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from tests.integration.helpers.casework import CANARY, client, sign_in_new_user

ILA = directory.InstitutionInput(
    name=" Ila fengsel ",
    kind=InstitutionKind.PRISON,
    security_level=SecurityLevel.HIGH,
    country="NO",
    region="Akershus",
    address="Ilaveien 2, 1341 Slependen",
    phone="+47 67 00 00 00",
    visiting_info=f"Saturdays 10–14, child-friendly room. {CANARY}",
    child_contact_name="Siri Dahl",
    child_contact_phone="+47 67 00 00 01",
    child_contact_email="barn@example.org",
)


def directory_events(ctx: ServiceContext) -> list[tuple[str, str | None, tuple[str, ...]]]:
    rows = audit_log.list_events(ctx, limit=50)
    return [
        (r.action, r.entity_type, r.fields)
        for r in reversed(rows)
        if r.entity_type in ("institution", "organisation")
    ]


def raw_audit_text(ctx: ServiceContext) -> str:
    with ctx.uow() as uow:
        return repr(uow.session.execute(select(AuditEvent.__table__)).all())


def test_an_institution_is_added_edited_and_shown_when_booking(ctx: ServiceContext) -> None:
    made = directory.save_institution(ctx, ILA)
    assert made.name == "Ila fengsel"
    assert (made.kind, made.security_level, made.child_contact_email) == (
        InstitutionKind.PRISON,
        SecurityLevel.HIGH,
        "barn@example.org",
    )
    assert directory.list_institutions(ctx) == [made]

    # the booking of a child visit on a case at this prison shows what was typed
    parent = client(ctx, "Dorin", "Lungu")
    child = client(ctx, "Ana", "Lungu", birth_date=date(2016, 4, 2))
    relations.add_relationship(ctx, parent.id, child.id, RelationshipKind.CHILD)
    case = cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.CHILD_VISITS,
            client_id=parent.id,
            opened_on=date(2025, 1, 6),
            institution_id=made.id,
        ),
    )
    info = visit_queries.booking_info(ctx, case.id)
    assert (info.institution_name, info.visiting_info, info.child_contact_name) == (
        "Ila fengsel",
        ILA.visiting_info,
        "Siri Dahl",
    )

    edited = directory.save_institution(
        ctx,
        directory.InstitutionInput(
            name="Ila fengsel",
            kind=InstitutionKind.PRISON,
            security_level=SecurityLevel.HIGH,
            region="Viken",
            address=ILA.address,
            phone=ILA.phone,
            visiting_info="Sundays 11–14",
            child_contact_name="Siri Dahl",
            child_contact_phone="",
            child_contact_email="barn@example.org",
        ),
        made.id,
    )
    assert (edited.id, edited.region, edited.child_contact_phone) == (made.id, "Viken", None)
    assert visit_queries.booking_info(ctx, case.id).visiting_info == "Sundays 11–14"
    assert directory_events(ctx) == [
        (
            "create",
            "institution",
            (
                "address",
                "child_contact_email",
                "child_contact_name",
                "child_contact_phone",
                "country",
                "kind",
                "name",
                "phone",
                "region",
                "security_level",
                "visiting_info",
            ),
        ),
        ("update", "institution", ("child_contact_phone", "region", "visiting_info")),
    ]
    assert CANARY not in raw_audit_text(ctx)
    with pytest.raises(NotFoundError):
        directory.save_institution(ctx, ILA, uuid.uuid4())


def test_institution_mistakes_are_explained_and_nothing_is_saved(ctx: ServiceContext) -> None:
    with pytest.raises(ValidationError) as bad:
        directory.save_institution(
            ctx,
            directory.InstitutionInput(
                name="  ",
                kind=InstitutionKind.PROBATION_OFFICE,
                country="XX",
                phone="1" * 61,
                visiting_info="x" * 60_000,
                child_contact_email="siri at ila",
            ),
        )
    errors = bad.value.errors
    assert set(errors) == {"name", "country", "phone", "visiting_info", "child_contact_email"}
    assert errors["name"] == "This field is required."
    assert errors["country"] == "Choose a country from the list."
    assert "at most 60 characters" in errors["phone"]
    assert "e-mail address" in errors["child_contact_email"]
    unlisted = (("jail", SecurityLevel.LOW, "kind"), ("prison", "max", "security_level"))
    for kind, level, field in unlisted:
        wrong = directory.InstitutionInput(name="A", kind=kind, security_level=level)  # type: ignore[arg-type]
        with pytest.raises(ValidationError) as refused:
            directory.save_institution(ctx, wrong)
        assert refused.value.errors == {field: "Choose a value from the list."}
    assert directory.list_institutions(ctx) == []
    assert directory_events(ctx) == []


def test_a_second_entry_with_the_same_name_is_refused(ctx: ServiceContext) -> None:
    ila = directory.save_institution(ctx, ILA)
    with pytest.raises(ValidationError) as twin:
        directory.save_institution(
            ctx, directory.InstitutionInput(name="ILA FENGSEL", kind=InstitutionKind.PRISON)
        )
    assert "already in the directory" in twin.value.errors["name"]
    # saving an entry under its own name is no clash
    directory.save_institution(ctx, ILA, ila.id)

    nav = directory.save_organisation(
        ctx, directory.OrganisationInput(name="NAV Grünerløkka", type=OrganisationType.OTHER)
    )
    directory.set_organisation_active(ctx, nav.id, False)
    with pytest.raises(ValidationError) as inactive:
        directory.save_organisation(
            ctx,
            directory.OrganisationInput(name="nav grunerløkka", type=OrganisationType.OTHER),
        )
    assert "reactivate it" in inactive.value.errors["name"]
    assert len(directory.list_organisations(ctx, include_inactive=True)) == 1


def test_only_the_coordinator_changes_the_directories(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    ila = directory.save_institution(ctx, ILA)
    nav = directory.save_organisation(
        ctx, directory.OrganisationInput(name="NAV Grünerløkka", type=OrganisationType.OTHER)
    )
    folder = Path(workspace.folder)
    for name, role in (("walt", Role.SOCIAL_WORKER), ("vera", Role.VOLUNTEER)):
        _row, other = sign_in_new_user(ctx, folder, name, role)
        with other:
            assert [i.name for i in directory.list_institutions(other)] == ["Ila fengsel"]
            with pytest.raises(PermissionDenied):
                directory.save_institution(other, ILA)
            with pytest.raises(PermissionDenied):
                directory.save_institution(other, ILA, ila.id)
            with pytest.raises(PermissionDenied):
                directory.set_organisation_active(other, nav.id, False)
    with ctx.uow() as uow:
        assert uow.session.scalars(select(Institution.name)).all() == ["Ila fengsel"]
    assert [o.active for o in directory.list_organisations(ctx)] == [True]


def test_cases_are_found_by_an_institutions_new_name(ctx: ServiceContext) -> None:
    made = directory.save_institution(ctx, ILA)
    person = client(ctx, "Ion", "Stan")
    case = cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.RELEASE_SUPPORT,
            client_id=person.id,
            opened_on=date(2026, 1, 5),
            institution_id=made.id,
        ),
    )
    assert [r.id for r in case_list.list_cases(ctx, case_list.CaseQuery(text="ila fen"))] == [
        case.id
    ]
    renamed = directory.InstitutionInput(**{**ILA.__dict__, "name": "Bredtveit fengsel"})
    directory.save_institution(ctx, renamed, made.id)
    assert case_list.list_cases(ctx, case_list.CaseQuery(text="ila fen")) == []
    assert [r.id for r in case_list.list_cases(ctx, case_list.CaseQuery(text="bredtv"))] == [
        case.id
    ]
