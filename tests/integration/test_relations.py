"""The people around a person: relationships seen from both ends, a person's cases, and the
duplicate finder."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from app.features.cases.services import relations
from app.kernel.errors import NotFoundError, ValidationError
from app.models.enums import CaseKind, RelationshipKind
from app.security.permissions import PermissionDenied
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from tests.integration.helpers.casework import case_for, client, sign_in_new_user

RK = RelationshipKind


def test_relationships_read_right_from_either_end(ctx: ServiceContext) -> None:
    father = client(ctx, "Ion", "Rusu").id
    child = client(ctx, "Maria", "Rusu").id
    partner = client(ctx, "Elena", "Rusu").id
    grandmother = client(ctx, "Vera", "Rusu").id
    added = relations.add_relationship(ctx, father, child, RK.CHILD)
    assert (added.person_id, added.other_id, added.other_name, added.kind) == (
        father,
        child,
        "Maria Rusu",
        RK.CHILD,
    )
    relations.add_relationship(ctx, father, partner, RK.PARTNER, lives_together=True)
    relations.add_relationship(
        ctx, child, grandmother, RK.GUARDIAN, lives_together=True, is_caregiver=True
    )

    def seen(person: object) -> list[tuple[str, RelationshipKind, bool, bool, bool]]:
        return [
            (r.other_name, r.kind, r.lives_together, r.is_caregiver, r.cares_for)
            for r in relations.list_relationships(ctx, person)  # type: ignore[arg-type]
        ]

    assert seen(father) == [
        ("Maria Rusu", RK.CHILD, False, False, False),
        ("Elena Rusu", RK.PARTNER, True, False, False),
    ]
    assert seen(child) == [
        ("Ion Rusu", RK.PARENT, False, False, False),
        ("Vera Rusu", RK.GUARDIAN, True, True, False),
    ]
    assert seen(partner) == [("Ion Rusu", RK.PARTNER, True, False, False)]
    # no "ward" kind: the far end of a guardian link reads "other", and the care moves over
    assert seen(grandmother) == [("Maria Rusu", RK.OTHER, True, False, True)]


def test_relationship_rules_and_removal(ctx: ServiceContext) -> None:
    a, b = client(ctx, "Ion", "Rusu").id, client(ctx, "Maria", "Rusu").id
    with pytest.raises(ValidationError, match="themselves"):
        relations.add_relationship(ctx, a, a, RK.SIBLING)
    with pytest.raises(ValidationError, match="other person"):
        relations.add_relationship(ctx, a, uuid.uuid4(), RK.SIBLING)
    with pytest.raises(NotFoundError):
        relations.add_relationship(ctx, uuid.uuid4(), a, RK.SIBLING)
    with pytest.raises(ValidationError, match="from the list"):
        relations.add_relationship(ctx, a, b, "cousin")  # type: ignore[arg-type]
    link = relations.add_relationship(ctx, a, b, RK.CHILD)
    for person, other, kind in ((a, b, RK.CHILD), (b, a, RK.PARENT)):  # the same fact twice
        with pytest.raises(ValidationError, match="already recorded"):
            relations.add_relationship(ctx, person, other, kind)
    relations.remove_relationship(ctx, link.id)
    assert relations.list_relationships(ctx, a) == relations.list_relationships(ctx, b) == []
    with pytest.raises(NotFoundError):
        relations.remove_relationship(ctx, link.id)


def test_volunteers_see_their_client_s_family_by_name_only(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    vera, vera_ctx = sign_in_new_user(ctx, workspace.folder, "vera")
    father = client(ctx, "Ion", "Rusu").id
    child = client(ctx, "Maria", "Rusu").id
    stranger = client(ctx, "Ana", "Lungu").id
    relations.add_relationship(ctx, father, child, RK.CHILD)
    visits = case_for(ctx, father, volunteer_id=vera.id, kind=CaseKind.CHILD_VISITS)
    case_for(ctx, father)  # another case of the same client, not Vera's
    case_for(ctx, stranger)
    with vera_ctx:
        family = relations.list_relationships(vera_ctx, father)
        assert [(r.other_id, r.other_name) for r in family] == [(child, "Maria Rusu")]
        for hidden in (child, stranger):
            with pytest.raises(NotFoundError):
                relations.list_relationships(vera_ctx, hidden)
        assert [c.id for c in relations.person_cases(vera_ctx, father)] == [visits.id]
        assert relations.person_cases(vera_ctx, stranger) == []
        with pytest.raises(PermissionDenied):
            relations.add_relationship(vera_ctx, father, stranger, RK.OTHER)
    rows = relations.person_cases(ctx, father)
    assert len(rows) == 2 and all(r.client_name == "Ion Rusu" for r in rows)
    assert rows[0].last_activity_at >= rows[1].last_activity_at


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("stefan", "stefan", True),
        ("al", "alexander", True),
        ("stefan", "stefen", True),  # one letter changed
        ("stefan", "stfan", True),  # one left out
        ("stefan", "steffan", True),  # one added
        ("stefan", "stephan", False),
        ("ana", "anna", True),
        ("ion", "ivan", False),
    ],
)
def test_given_names_that_could_be_the_same_person(a: str, b: str, similar: bool) -> None:
    assert relations.similar_given_names(a, b) is similar
    assert relations.similar_given_names(b, a) is similar


def test_possible_duplicates_ignore_accents_and_allow_a_year_either_way(
    ctx: ServiceContext,
) -> None:
    stefan = client(ctx, "Ștefan", "Popescu", birth_date=date(1988, 4, 2)).id
    orjan = client(ctx, "Ørjan", "Ølstad", birth_year_estimate=1979).id
    unknown_age = client(ctx, "Stefan", "POPESCU").id
    client(ctx, "Ștefan", "Popescu-Ionescu", birth_date=date(1988, 4, 2))
    client(ctx, "Stephan", "Popescu", birth_date=date(1988, 4, 2))
    client(ctx, "Ana", "Popescu", birth_date=date(1988, 4, 2))

    def found(given: str, family: str, year: int | None, **kw: object) -> set[object]:
        return {p.id for p in relations.find_possible_duplicates(ctx, given, family, year, **kw)}  # type: ignore[arg-type]

    assert found("Stefan", "popescu", 1989) == {stefan, unknown_age}
    assert found("Stefan", "Popescu", 1987) == {stefan, unknown_age}
    assert found("Stefan", "Popescu", 1990) == {unknown_age}
    assert found("Ştefan", "Popescu", None) == {stefan, unknown_age}  # cedilla, not comma
    assert found("Stefen", "Popescu", 1988) == {stefan, unknown_age}
    assert found("Orjan", "Olstad", 1980) == {orjan}
    assert found("Ørjan", "Ølstad", 1977) == set()
    assert found("Stefan", "Popescu", 1988, exclude_id=stefan) == {unknown_age}
    assert found("Nobody", "Popescu", None) == set()
    assert found("Stefan", "  ", None) == set()
    rows = relations.find_possible_duplicates(ctx, "Orjan", "Olstad", None)
    assert [(r.given_name, r.family_name, r.birth_year_estimate) for r in rows] == [
        ("Ørjan", "Ølstad", 1979)
    ]
    with pytest.raises(ValidationError, match="too long"):
        relations.find_possible_duplicates(ctx, "x" * 10_000_000, "Popescu", None)
