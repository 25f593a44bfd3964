"""What the case-work services share: loading a case as the reader may see it, the
"restricted data" test, and keeping ``Case.last_activity_at`` current.

Every operation on something inside a case (meeting, task, need, referral, attachment)
first loads the case through :func:`visible_case`, so a volunteer can never reach a case
that is not assigned to them: the answer is the same "no longer exists" as for a case that
was never there, which reveals nothing.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFoundError, ValidationError
from app.i18n import _
from app.models import Case, utcnow
from app.security.permissions import Permission, allowed, internal
from app.services.context import Actor
from app.services.scope import visible_cases_clause

E = TypeVar("E", bound=StrEnum)


@internal
def visible_case(session: Session, reader: Actor, case_id: uuid.UUID) -> Case:
    """The case, if it exists and ``reader`` may see it; otherwise :class:`NotFoundError`."""
    case = session.scalar(select(Case).where(Case.id == case_id, visible_cases_clause(reader)))
    if case is None:
        raise NotFoundError(_("That case no longer exists."))
    return case


@internal
def sees_restricted(reader: Actor) -> bool:
    """Whether restricted data (DESIGN.md §4) may reach this reader."""
    return allowed(reader.role, Permission.RESTRICTED_READ)


@internal
def touch(case: Case) -> None:
    """Record activity on a case, so the case list's "last activity" sort stays right."""
    case.last_activity_at = utcnow()


@internal
def choice(enum_cls: type[E], value: object, field: str) -> E:
    """``value`` as a member of ``enum_cls``, or a :class:`ValidationError` for ``field``."""
    if isinstance(value, enum_cls):
        return value
    if isinstance(value, str) and value in enum_cls._value2member_map_:
        return enum_cls(value)
    raise ValidationError({field: _("Choose a value from the list.")})
