"""Which rows a reader may see at all: the data-dependent half of DESIGN.md §4.

Staff see every case and person. A volunteer sees only the cases they are assigned to
(as volunteer or worker) and only the people who are the clients of those cases. These
clauses are added to every query that reads cases or people, so a volunteer's search,
list or direct lookup can never reach anything else.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, exists, or_, select, true

from app.kernel.errors import NotFoundError
from app.kernel.i18n import _
from app.models import Case, Person
from app.models.enums import CaseKind
from app.services.context import Actor
from app.store.prepared import Prepared, param


def visible_cases_clause(reader: Actor) -> ColumnElement[bool]:
    if not reader.is_volunteer:
        return true()
    return or_(Case.volunteer_id == reader.id, Case.worker_id == reader.id)


def visible_cases_prepared(volunteer: bool) -> ColumnElement[bool]:
    """:func:`visible_cases_clause` for a prepared statement (:mod:`app.store.prepared`): the
    reader is the named parameter ``reader`` (see :func:`reader_params`)."""
    if not volunteer:
        return true()
    reader = param("reader")
    return or_(Case.volunteer_id == reader, Case.worker_id == reader)


def reader_params(reader: Actor) -> dict[str, object]:
    """The parameters :func:`visible_cases_prepared` needs for ``reader``."""
    return {"reader": reader.id} if reader.is_volunteer else {}


def visible_people_clause(reader: Actor) -> ColumnElement[bool]:
    if not reader.is_volunteer:
        return true()
    return exists(select(Case.id).where(Case.client_id == Person.id, visible_cases_clause(reader)))


def visible_people_prepared(volunteer: bool) -> ColumnElement[bool]:
    """:func:`visible_people_clause` for a prepared statement (see
    :func:`visible_cases_prepared`)."""
    if not volunteer:
        return true()
    return exists(
        select(Case.id).where(Case.client_id == Person.id, visible_cases_prepared(volunteer))
    )


@cache
def _visible_prepared(volunteer: bool) -> Prepared:
    return Prepared(
        select(
            Case.id,
            Case.client_id,
            Case.kind,
            Case.reference,
            (Person.given_name + " " + Person.family_name).label("client_name"),
        )
        .join(Person, Person.id == Case.client_id)
        .where(Case.id == param("case"), visible_cases_prepared(volunteer))
    )


class VisibleCase(NamedTuple):
    """What the readers of a case's parts need to know about the case itself."""

    id: uuid.UUID
    client_id: uuid.UUID
    kind: CaseKind
    reference: str
    client_name: str


def readable_case(cursor: Any, reader: Actor, case_id: uuid.UUID) -> VisibleCase:
    """:func:`~app.features.cases.services.case_access.visible_case` for a read on a bare cursor
    (:func:`~app.store.uow.read_cursor`): the case, if it exists and ``reader`` may see it;
    otherwise :class:`NotFoundError`."""
    rows = _visible_prepared(reader.is_volunteer).rows(
        cursor, {"case": case_id, **reader_params(reader)}
    )
    if not rows:
        raise NotFoundError(_("That case no longer exists."))
    return VisibleCase(*rows[0])
