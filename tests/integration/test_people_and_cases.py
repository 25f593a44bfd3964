"""People and cases through the services, on a real encrypted database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.features.cases.services import case_list, cases
from app.features.people.services import people
from app.kernel.errors import NotFoundError, ValidationError
from app.models.enums import CaseKind, CaseStatus, CloseReason, CustodyStatus, Gender
from app.services.context import ServiceContext


def a_person(
    ctx: ServiceContext, given: str = "Ștefan", family: str = "Popescu"
) -> people.PersonView:
    return people.create_person(
        ctx,
        people.PersonInput(
            given_name=f"  {given} ",
            family_name=family,
            birth_date=date(1988, 4, 2),
            gender=Gender.MALE,
            nationality="RO",
            languages=("ro", "en"),
            interpreter_needed=True,
            email="",
        ),
    )


def test_person_round_trip_and_update(ctx: ServiceContext) -> None:
    created = a_person(ctx)
    assert created.given_name == "Ștefan" and created.email is None
    assert created.languages == ("ro", "en") and created.created_at is not None
    fetched = people.get_person(ctx, created.id)
    assert fetched == created
    changed = people.update_person(
        ctx,
        created.id,
        people.PersonInput(given_name="Ștefan", family_name="Ionescu", nationality="MD"),
    )
    assert changed.family_name == "Ionescu" and changed.languages == ()
    assert [r.family_name for r in people.list_people(ctx, "ion")] == ["Ionescu"]
    with pytest.raises(NotFoundError):
        people.get_person(ctx, cases.uuid.uuid4())


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"birth_date": date.today() + timedelta(days=1)}, "birth_date", "in the future"),
        ({"given_name": "  "}, "given_name", "required"),
        ({"notes": "x" * 10_000_000}, "notes", "too long"),
        ({"nationality": "ZZ"}, "nationality", "country"),
        ({"country_of_origin": "EU"}, "country_of_origin", "country"),
        ({"languages": ("xx-not",)}, "languages", "languages"),
        ({"email": "not-an-address"}, "email", "e-mail"),
    ],
)
def test_person_validation_speaks_the_users_terms(
    ctx: ServiceContext, changes: dict[str, object], field: str, message: str
) -> None:
    data = people.PersonInput(given_name="Ola", family_name="Nordmann")
    with pytest.raises(ValidationError) as err:
        people.create_person(ctx, people.PersonInput(**{**data.__dict__, **changes}))
    assert field in err.value.errors and message in err.value.errors[field]
    assert people.list_people(ctx) == []


def test_references_count_up_within_the_opening_year(ctx: ServiceContext) -> None:
    client = a_person(ctx)
    made = [
        cases.open_case(
            ctx, cases.CaseInput(kind=CaseKind.RELEASE_SUPPORT, client_id=client.id, opened_on=day)
        )
        for day in (date(2025, 12, 30), date(2026, 1, 2), date(2026, 3, 1), date(2025, 6, 1))
    ]
    assert [c.reference for c in made] == [
        "HW-2025-0001",
        "HW-2026-0001",
        "HW-2026-0002",
        "HW-2025-0002",
    ]
    assert all(c.status == CaseStatus.REFERRAL and c.client_name == "Ștefan Popescu" for c in made)


def test_case_validation(ctx: ServiceContext) -> None:
    client = a_person(ctx)
    base = cases.CaseInput(
        kind=CaseKind.RELEASE_SUPPORT, client_id=client.id, opened_on=date(2026, 1, 1)
    )
    bad_release = cases.CaseInput(
        **{
            **base.__dict__,
            "sentence_start": date(2026, 5, 1),
            "expected_release": date(2026, 4, 1),
        }
    )
    with pytest.raises(ValidationError) as err:
        cases.open_case(ctx, bad_release)
    assert "before the sentence starts" in err.value.errors["expected_release"]
    released_without_date = cases.CaseInput(
        **{**base.__dict__, "custody_status": CustodyStatus.RELEASED}
    )
    with pytest.raises(ValidationError, match="release date"):
        cases.open_case(ctx, released_without_date)
    with pytest.raises(ValidationError, match="client"):
        cases.open_case(ctx, cases.CaseInput(**{**base.__dict__, "client_id": cases.uuid.uuid4()}))
    assert case_list.count_cases(ctx) == 0


def test_status_workflow_and_closing_needs_a_reason(ctx: ServiceContext) -> None:
    client = a_person(ctx)
    case = cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.CHILD_VISITS, client_id=client.id, opened_on=date(2026, 2, 1)
        ),
    )
    with pytest.raises(ValidationError, match="straight"):
        cases.change_status(ctx, case.id, CaseStatus.ACTIVE)
    cases.change_status(ctx, case.id, CaseStatus.OPEN)
    cases.change_status(ctx, case.id, CaseStatus.ACTIVE)
    with pytest.raises(ValidationError) as err:
        cases.change_status(ctx, case.id, CaseStatus.CLOSED)
    assert "close_reason" in err.value.errors
    assert cases.get_case(ctx, case.id).status == CaseStatus.ACTIVE
    closed = cases.change_status(
        ctx,
        case.id,
        CaseStatus.CLOSED,
        close_reason=CloseReason.GOALS_MET,
        closed_on=date(2026, 3, 1),
    )
    assert closed.status == CaseStatus.CLOSED and closed.closed_on == date(2026, 3, 1)
    reopened = cases.change_status(ctx, case.id, CaseStatus.OPEN)
    assert reopened.close_reason is None and reopened.closed_on is None


def test_update_case_keeps_kind_and_moves_last_activity(ctx: ServiceContext) -> None:
    client = a_person(ctx)
    case = cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.FOREIGN_INMATE, client_id=client.id, opened_on=date(2026, 2, 1)
        ),
    )
    data = cases.CaseInput(
        kind=CaseKind.FOREIGN_INMATE,
        client_id=client.id,
        opened_on=date(2026, 2, 1),
        summary="Needs interpreter",
    )
    updated = cases.update_case(ctx, case.id, data)
    assert updated.summary == "Needs interpreter"
    assert updated.last_activity_at >= case.last_activity_at
    with pytest.raises(ValidationError, match="kind"):
        cases.update_case(
            ctx, case.id, cases.CaseInput(**{**data.__dict__, "kind": CaseKind.CHILD_VISITS})
        )


def test_list_filters_sorts_and_counts(ctx: ServiceContext) -> None:
    a = a_person(ctx, "Ørjan", "Ølstad")
    b = a_person(ctx, "Пётр", "Иванов")
    for person, kind in [
        (a, CaseKind.RELEASE_SUPPORT),
        (b, CaseKind.FOREIGN_INMATE),
        (a, CaseKind.CHILD_VISITS),
    ]:
        cases.open_case(
            ctx, cases.CaseInput(kind=kind, client_id=person.id, opened_on=date(2026, 1, 1))
        )
    assert case_list.count_cases(ctx) == 3
    only_foreign = case_list.CaseQuery(kinds=frozenset({CaseKind.FOREIGN_INMATE}))
    assert [r.client_name for r in case_list.list_cases(ctx, only_foreign)] == ["Пётр Иванов"]
    by_ref = case_list.list_cases(
        ctx, case_list.CaseQuery(sort=case_list.CaseSort.REFERENCE, descending=False)
    )
    assert [r.reference for r in by_ref] == ["HW-2026-0001", "HW-2026-0002", "HW-2026-0003"]
    assert case_list.count_cases(ctx, case_list.CaseQuery(text="Ølst")) == 2
    assert case_list.count_cases(ctx, case_list.CaseQuery(text="hw-2026-0002")) == 1
    page = case_list.list_cases(
        ctx, case_list.CaseQuery(sort=case_list.CaseSort.CLIENT), offset=1, limit=1
    )
    assert len(page) == 1


def test_search_is_case_and_diacritic_insensitive_and_finds_parts(ctx: ServiceContext) -> None:
    names = [("Ștefan", "Popescu"), ("Ørjan", "Ølstad"), ("Пётр", "Иванов"), ("Anna", "Berg")]
    refs = {}
    for given, family in names:
        person = a_person(ctx, given, family)
        case = cases.open_case(
            ctx,
            cases.CaseInput(
                kind=CaseKind.RELEASE_SUPPORT, client_id=person.id, opened_on=date(2026, 1, 1)
            ),
        )
        refs[family] = case.reference

    def found(text: str) -> set[str]:
        return {
            r.client_name.split()[-1]
            for r in case_list.list_cases(ctx, case_list.CaseQuery(text=text))
        }

    assert found("stefan") == {"Popescu"}
    assert found("orjan") == {"Ølstad"}
    assert found("ива") == {"Иванов"}
    assert found("петр") == {"Иванов"}
    assert found("STEF pop") == {"Popescu"}
    # two letters: a LIKE scan, not FTS; Иванов too, spelt "ivanov" in Latin
    assert found("an") == {"Popescu", "Ølstad", "Berg", "Иванов"}
    assert found(refs["Berg"].lower()) == {"Berg"}
    assert found("zzz") == set()
    # a renamed client is found by the new name at once
    berg = next(r for r in case_list.list_cases(ctx) if r.client_name.endswith("Berg"))
    client_id = cases.get_case(ctx, berg.id).client_id
    people.update_person(
        ctx, client_id, people.PersonInput(given_name="Anna", family_name="Lindqvist")
    )
    assert found("lindq") == {"Lindqvist"} and found("berg") == set()
