"""What the case-work services share: loading a case as the reader may see it, the
"restricted data" test, keeping ``Case.last_activity_at`` current, and writing a record of
the case together with its audit event.

Every operation on something inside a case (meeting, task, need, referral, attachment)
first loads the case through :func:`visible_case`, so a volunteer can never reach a case
that is not assigned to them: the answer is the same "no longer exists" as for a case that
was never there, which reveals nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.kernel import changes
from app.kernel.errors import NotFoundError, ValidationError
from app.kernel.i18n import _
from app.models import Case, utcnow
from app.security.permissions import Permission, allowed, internal, pure
from app.services.audit_log import AuditAction, log
from app.services.context import Actor, ServiceContext
from app.services.scope import visible_cases_clause
from app.store.prepared import stored
from app.store.uow import UnitOfWork

E = TypeVar("E", bound=StrEnum)


class _InCase(Protocol):
    @property
    def case_id(self) -> uuid.UUID: ...


R = TypeVar("R", bound=_InCase)


@internal
def visible_case(session: Session, reader: Actor, case_id: uuid.UUID) -> Case:
    """The case, if it exists and ``reader`` may see it; otherwise :class:`NotFoundError`."""
    case = session.scalar(select(Case).where(Case.id == case_id, visible_cases_clause(reader)))
    if case is None:
        raise NotFoundError(_("That case no longer exists."))
    return case


@internal
def record_in_case(
    session: Session, reader: Actor, model: type[R], record_id: uuid.UUID, gone: str
) -> tuple[R, Case]:
    """A record inside a case (a need, a visit…) and its case, if ``reader`` may see that case;
    otherwise :class:`NotFoundError` with the message ``gone``."""
    row = session.get(model, record_id)
    if row is None:
        raise NotFoundError(gone)
    return row, visible_case(session, reader, row.case_id)


@internal
def sees_restricted(reader: Actor) -> bool:
    """Whether restricted data (DESIGN.md §4) may reach this reader."""
    return allowed(reader.role, Permission.RESTRICTED_READ)


@internal
def touch(case: Case) -> None:
    """Record activity on a case, so the case list's "last activity" sort stays right."""
    case.last_activity_at = utcnow()
    changes.note_case(case.id)


_TOUCH = f"UPDATE {Case.__tablename__} SET last_activity_at = ?, updated_at = ? WHERE id = ?"


@internal
def touch_on_cursor(cursor: Any, case_id: uuid.UUID) -> None:
    """:func:`touch` in the write transaction of a bare cursor
    (:func:`~app.store.uow.write_cursor`)."""
    now = utcnow()
    cursor.execute(_TOUCH, (stored(now), stored(now), case_id.hex))
    changes.note_case(case_id)


@internal
def choice(enum_cls: type[E], value: object, field: str) -> E:
    """``value`` as a member of ``enum_cls``, or a :class:`ValidationError` for ``field``."""
    if isinstance(value, enum_cls):
        return value
    if isinstance(value, str) and value in enum_cls._value2member_map_:
        return enum_cls(value)
    raise ValidationError({field: _("Choose a value from the list.")})


@internal
def audit_record(
    uow: UnitOfWork,
    ctx: ServiceContext,
    action: AuditAction,
    entity_type: str,
    entity_id: uuid.UUID,
    case: Case,
    fields: Iterable[str],
) -> None:
    """Audit a change to a record inside ``case`` (field names, never values), linked to the
    case and its client so the case history finds it and erasure can unlink it."""
    log(
        uow,
        ctx,
        action,
        entity_type=entity_type,
        entity_id=entity_id,
        fields=fields,
        case_id=case.id,
        person_id=case.client_id,
    )


@internal
def add_record(
    uow: UnitOfWork, ctx: ServiceContext, case: Case, row: Any, entity_type: str, fields: list[str]
) -> None:
    """Insert a new record of the case, audit its fields, and mark the case active."""
    uow.session.add(row)
    uow.session.flush()
    audit_record(uow, ctx, AuditAction.CREATE, entity_type, row.id, case, fields)
    touch(case)


@pure
def filled(row: object, names: Iterable[str]) -> list[str]:
    """Those of ``names`` that are set on ``row`` (not ``None``, not empty text)."""
    return [n for n in names if getattr(row, n) not in (None, "")]
