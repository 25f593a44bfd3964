"""Which rows a reader may see at all: the data-dependent half of DESIGN.md §4.

Staff see every case and person. A volunteer sees only the cases they are assigned to
(as volunteer or worker) and only the people who are the clients of those cases. These
clauses are added to every query that reads cases or people, so a volunteer's search,
list or direct lookup can never reach anything else.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select, true

from app.models import Case, Person
from app.services.context import Actor


def visible_cases_clause(reader: Actor) -> ColumnElement[bool]:
    if not reader.is_volunteer:
        return true()
    return or_(Case.volunteer_id == reader.id, Case.worker_id == reader.id)


def visible_people_clause(reader: Actor) -> ColumnElement[bool]:
    if not reader.is_volunteer:
        return true()
    return exists(select(Case.id).where(Case.client_id == Person.id, visible_cases_clause(reader)))
