"""Reading the audit trail back for people: events by case, record, user, action and time,
newest first, without their MACs.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import RowMapping, select

from app.security.audit import AuditAction
from app.security.audit_chain import DB, EVENTS, naive_utc


class AuditRow(NamedTuple):
    """One event as the audit log screen shows it (no MAC). A named tuple: a case's history
    makes hundreds of them each time the case is opened (a third of a frozen dataclass's
    cost)."""

    sequence: int
    occurred_at: datetime
    user_id: uuid.UUID | None
    action: str
    entity_type: str | None
    entity_id: uuid.UUID | None
    fields: tuple[str, ...]
    case_id: uuid.UUID | None
    person_id: uuid.UUID | None


def events_for(
    connection: DB,
    *,
    case_id: uuid.UUID | None = None,
    entity: tuple[str, uuid.UUID | None] | None = None,
    user_id: uuid.UUID | None = None,
    action: AuditAction | str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[AuditRow]:
    """Events matching every given filter, newest first. ``entity`` is ``(type, id or None)``;
    ``since`` is inclusive and ``until`` exclusive (UTC). Permissions are the caller's job.
    """
    statement = select(
        EVENTS.c.sequence,
        EVENTS.c.occurred_at,
        EVENTS.c.user_id,
        EVENTS.c.action,
        EVENTS.c.entity_type,
        EVENTS.c.entity_id,
        EVENTS.c.fields,
        EVENTS.c.case_id,
        EVENTS.c.person_id,
    )
    if case_id is not None:
        statement = statement.where(EVENTS.c.case_id == case_id)
    if entity is not None:
        statement = statement.where(EVENTS.c.entity_type == entity[0])
        if entity[1] is not None:
            statement = statement.where(EVENTS.c.entity_id == entity[1])
    if user_id is not None:
        statement = statement.where(EVENTS.c.user_id == user_id)
    if action is not None:
        statement = statement.where(EVENTS.c.action == str(action))
    if since is not None:
        statement = statement.where(EVENTS.c.occurred_at >= naive_utc(since))
    if until is not None:
        statement = statement.where(EVENTS.c.occurred_at < naive_utc(until))
    statement = statement.order_by(EVENTS.c.sequence.desc()).limit(limit).offset(offset)
    return [_audit_row(row) for row in connection.execute(statement).mappings()]


def _audit_row(row: RowMapping) -> AuditRow:
    return AuditRow(
        sequence=row["sequence"],
        occurred_at=row["occurred_at"],
        user_id=row["user_id"],
        action=row["action"],
        entity_type=row["entity_type"],
        entity_id=row["entity_id"],
        fields=tuple(row["fields"].split(",")) if row["fields"] else (),
        case_id=row["case_id"],
        person_id=row["person_id"],
    )
