"""The people around a person: family links, a person's cases, and possible duplicates.

A relationship row is one-directional: ``related_person`` is ``kind`` of ``person``
(kind=child: the related person is the person's child). :func:`list_relationships` shows
links from both ends, always as "what the other person is to this one", so the far end's
kind is inverted: child ↔ parent; partner, sibling and other stay as they are. There is no
"ward" kind, so the far end of a guardian link reads as "other", and the care it records
moves to ``cares_for`` (this person cares for the other) instead of ``is_caregiver`` (the
other person cares for this one).

Volunteers see the relationships of the clients of their own cases, with the related
people's names (a mentor meeting a father needs to know his children's names), but
nothing else about those people: no further fields, and no relationships of anyone else.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from app.features.cases.services.case_access import choice
from app.features.cases.services.case_list import CaseRow, case_row, case_rows_select
from app.features.people.services.people import PersonRow
from app.kernel.changes import Topic, writes
from app.kernel.errors import NotFoundError, ValidationError
from app.kernel.i18n import _
from app.models import Case, Person, Relationship
from app.models.enums import RelationshipKind
from app.security.permissions import Permission, internal, pure, requires
from app.services import validation as v
from app.services.audit_log import AuditAction, log
from app.services.context import ServiceContext
from app.services.scope import (
    reader_params,
    visible_cases_clause,
    visible_people_clause,
    visible_people_prepared,
)
from app.store.prepared import Prepared, param
from app.store.search import fold
from app.store.uow import read_cursor, session_cursor

RK = RelationshipKind

#: What ``person`` is to ``related_person`` when ``related_person`` is ``kind`` of ``person``.
INVERSE: dict[RelationshipKind, RelationshipKind] = {
    RK.CHILD: RK.PARENT,
    RK.PARENT: RK.CHILD,
    RK.PARTNER: RK.PARTNER,
    RK.SIBLING: RK.SIBLING,
    RK.GUARDIAN: RK.OTHER,
    RK.OTHER: RK.OTHER,
}

_KIND_ORDER = {kind: i for i, kind in enumerate(RK)}
DUPLICATES_MAX = 50


@dataclass(frozen=True)
class RelationshipView:
    id: uuid.UUID
    person_id: uuid.UUID
    other_id: uuid.UUID
    other_name: str
    #: What the *other* person is to ``person_id``.
    kind: RelationshipKind
    lives_together: bool
    #: The other person is a caregiver of ``person_id``.
    is_caregiver: bool
    #: ``person_id`` is a caregiver of the other person (a caregiver link seen from its far end).
    cares_for: bool = False


def _view(
    row: Relationship | _LinkRow, person_id: uuid.UUID, given: str, family: str
) -> RelationshipView:
    forward = row.person_id == person_id
    return RelationshipView(
        id=row.id,
        person_id=person_id,
        other_id=row.related_person_id if forward else row.person_id,
        other_name=f"{given} {family}",
        kind=row.kind if forward else INVERSE[row.kind],
        lives_together=row.lives_together,
        is_caregiver=row.is_caregiver if forward else False,
        cares_for=False if forward else row.is_caregiver,
    )


class _LinkRow(NamedTuple):
    """The columns of a relationship that a view shows, read without the ORM."""

    id: uuid.UUID
    person_id: uuid.UUID
    related_person_id: uuid.UUID
    kind: RelationshipKind
    lives_together: bool
    is_caregiver: bool


@cache
def _links() -> Prepared:
    other = aliased(Person)
    person = param("person")
    columns = [getattr(Relationship, name) for name in _LinkRow._fields]
    return Prepared(
        select(*columns, other.given_name, other.family_name)
        .join(
            other,
            or_(
                and_(Relationship.person_id == person, other.id == Relationship.related_person_id),
                and_(Relationship.related_person_id == person, other.id == Relationship.person_id),
            ),
        )
        .where(or_(Relationship.person_id == person, Relationship.related_person_id == person))
    )


@internal
def relationships_of(cursor: Any, person_id: uuid.UUID) -> list[RelationshipView]:
    """Everyone linked to the person, on a read cursor, once the caller knows the reader may
    see the person."""
    views = [
        _view(_LinkRow(*r[:-2]), person_id, r[-2], r[-1])
        for r in _links().rows(cursor, {"person": person_id})
    ]
    return sorted(views, key=lambda r: (_KIND_ORDER[r.kind], fold(r.other_name), r.id))


@requires(Permission.CASE_WRITE)
@writes(Topic.PEOPLE)
def add_relationship(
    ctx: ServiceContext,
    person_id: uuid.UUID,
    other_id: uuid.UUID,
    kind: RelationshipKind,
    *,
    lives_together: bool = False,
    is_caregiver: bool = False,
) -> RelationshipView:
    """Record that ``other`` is ``kind`` of ``person`` (and, with ``is_caregiver``, cares for
    them). The same link already recorded from either end is refused."""
    kind = choice(RelationshipKind, kind, "kind")
    if person_id == other_id:
        raise ValidationError({"other_id": _("A person cannot be related to themselves.")})
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        people = {
            p.id: p
            for p in session.scalars(select(Person).where(Person.id.in_([person_id, other_id])))
        }
        if person_id not in people:
            raise NotFoundError(_("That person no longer exists."))
        if other_id not in people:
            raise ValidationError({"other_id": _("Choose the other person from the list.")})
        with session_cursor(session) as cursor:
            existing = relationships_of(cursor, person_id)
        if any(e.kind == kind for e in existing if e.other_id == other_id):
            raise ValidationError({"kind": _("This relationship is already recorded.")})
        row = Relationship(
            person_id=person_id,
            related_person_id=other_id,
            kind=kind,
            lives_together=bool(lives_together),
            is_caregiver=bool(is_caregiver),
            created_by=actor.id,
        )
        session.add(row)
        session.flush()
        fields = ["person_id", "related_person_id", "kind"] + [
            name for name in ("lives_together", "is_caregiver") if getattr(row, name)
        ]
        log(
            uow,
            ctx,
            AuditAction.CREATE,
            entity_type="relationship",
            entity_id=row.id,
            fields=fields,
            person_id=person_id,
        )
        other = people[other_id]
        view = _view(row, person_id, other.given_name, other.family_name)
        uow.commit()
        return view


@requires(Permission.CASE_WRITE)
def remove_relationship(ctx: ServiceContext, relationship_id: uuid.UUID) -> None:
    with ctx.uow(write=True) as uow:
        row = uow.session.get(Relationship, relationship_id)
        if row is None:
            raise NotFoundError(_("That relationship no longer exists."))
        log(
            uow,
            ctx,
            AuditAction.DELETE,
            entity_type="relationship",
            entity_id=row.id,
            fields=["person_id", "related_person_id", "kind"],
            person_id=row.person_id,
        )
        uow.session.delete(row)
        uow.commit()


@requires(Permission.CASE_READ)
def list_relationships(ctx: ServiceContext, person_id: uuid.UUID) -> list[RelationshipView]:
    """Everyone linked to the person, in kind order (children, parents, partners…)."""
    actor = ctx.require_actor()
    with read_cursor(ctx.engine) as cursor:
        if not _visible_person(actor.is_volunteer).rows(
            cursor, {"person": person_id, **reader_params(actor)}
        ):
            raise NotFoundError(_("That person no longer exists."))
        return relationships_of(cursor, person_id)


@cache
def _visible_person(volunteer: bool) -> Prepared:
    return Prepared(
        select(Person.id).where(Person.id == param("person"), visible_people_prepared(volunteer))
    )


@requires(Permission.CASE_READ)
def person_cases(ctx: ServiceContext, person_id: uuid.UUID) -> list[CaseRow]:
    """The cases in which the person is the client, most recently active first."""
    actor = ctx.require_actor()
    stmt, _worker = case_rows_select()
    stmt = stmt.where(Case.client_id == person_id, visible_cases_clause(actor)).order_by(
        Case.last_activity_at.desc(), Case.id
    )
    with ctx.uow() as uow:
        return [case_row(r) for r in uow.session.execute(stmt)]


def _fold(text: str) -> str:
    # The same result as fold() for ASCII, ten times faster: most names are plain ASCII.
    return text.lower() if text.isascii() else fold(text)


@pure
def similar_given_names(a: str, b: str) -> bool:
    """Folded given names that could be the same person: equal, one the start of the other
    ("Al", "Alexander"), or one typing slip apart (edit distance at most 1)."""
    if a.startswith(b) or b.startswith(a):
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    for i, (x, y) in enumerate(zip(short, long, strict=False)):
        if x != y:
            return short[i:] == long[i + 1 :]
    return True


@requires(Permission.CASE_READ)
def find_possible_duplicates(
    ctx: ServiceContext,
    given_name: str,
    family_name: str,
    birth_year: int | None,
    *,
    exclude_id: uuid.UUID | None = None,
) -> list[PersonRow]:
    """People who may be the one being entered: the same family name (ignoring case and
    accents), a similar given name (see :func:`similar_given_names`), and a birth year
    within one year (or unknown on either side). At most 50, by name.

    Found without calling ``hw_fold`` on every row: the distinct family names come from the
    name index (a few thousand where there are 100,000 people), are folded here, and the
    matching spellings are then looked up through the same index.
    """
    errors = v.Errors()
    errors.add("given_name", v.text_limit(given_name, limit=v.NAME_MAX))
    errors.add("family_name", v.text_limit(family_name, limit=v.NAME_MAX))
    if errors:
        raise ValidationError(errors)
    family, given = _fold(family_name.strip()), _fold(given_name.strip())
    if not family:
        return []
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        session = uow.session
        names = session.scalars(select(Person.family_name).distinct())
        spellings = sorted({name for name in names if _fold(name.strip()) == family})
        if not spellings:
            return []
        stmt = select(
            Person.id,
            Person.given_name,
            Person.family_name,
            Person.birth_date,
            Person.birth_year_estimate,
            Person.nationality,
        ).where(Person.family_name.in_(spellings), visible_people_clause(actor))
        if exclude_id is not None:
            stmt = stmt.where(Person.id != exclude_id)
        found = []
        for row in session.execute(stmt):
            person = PersonRow(*row)
            year = person.birth_date.year if person.birth_date else person.birth_year_estimate
            if birth_year is not None and year is not None and abs(year - birth_year) > 1:
                continue
            if similar_given_names(given, _fold(person.given_name.strip())):
                found.append(person)
    found.sort(key=lambda p: (fold(p.family_name), fold(p.given_name), p.id))
    return found[:DUPLICATES_MAX]
