"""The audit trail as the services write and read it.

Writes go through :func:`log`, inside the caller's unit of work, so an event commits together
with the change it describes. The MAC key comes from a secret that is derived from the data
key when the workspace is created and kept inside the encrypted database: it survives a
data-key rotation, so the chain written before a rotation still verifies after it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from app.models import Case, Setting
from app.security import audit
from app.security.audit import AuditAction, AuditRow, ChainReport
from app.security.permissions import Permission, internal, pure, requires
from app.services.context import ServiceContext
from app.services.scope import visible_cases_clause
from app.store.uow import UnitOfWork

AUDIT_SECRET = "audit_secret"  # noqa: S105 - the name of a setting, not a secret

__all__ = ["AuditAction", "AuditRow", "ChainReport"]


@pure
def new_audit_secret(data_key: bytes) -> str:
    """Made once, at creation, from the data key (HKDF); stored hex in the settings table."""
    return audit.audit_key(data_key).hex()


def _key(ctx: ServiceContext) -> bytes:
    cached = ctx.cache.get("audit_key")
    if isinstance(cached, bytes):
        return cached
    with ctx.uow() as uow:
        secret = uow.session.scalar(select(Setting.value).where(Setting.key == AUDIT_SECRET))
    if secret is None:
        raise RuntimeError("workspace has no audit secret")
    key = audit.audit_key(bytes.fromhex(secret.strip('"')))
    ctx.cache["audit_key"] = key
    return key


@internal
def log(
    uow: UnitOfWork,
    ctx: ServiceContext,
    action: AuditAction,
    *,
    entity_type: str | None = None,
    entity_id: uuid.UUID | None = None,
    fields: Iterable[str] = (),
    case_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    occurred_at: datetime | None = None,
) -> None:
    """Append one event in ``uow``'s transaction (the caller commits)."""
    actor = ctx.actor
    audit.record(
        uow.session,
        _key(ctx),
        action=action,
        user_id=user_id if user_id is not None else (actor.id if actor else None),
        entity_type=entity_type,
        entity_id=entity_id,
        fields=sorted(fields),
        case_id=case_id,
        person_id=person_id,
        occurred_at=occurred_at,
    )


@internal
def log_many(uow: UnitOfWork, ctx: ServiceContext, events: Iterable[audit.NewAuditEvent]) -> int:
    """Append many events in ``uow``'s transaction at once (imports); the caller commits."""
    return audit.append_bulk(uow.session, _key(ctx), events)


@internal
def log_now(ctx: ServiceContext, action: AuditAction, **details: object) -> None:
    """One event in a transaction of its own (sign-in, lock, key rotation…)."""
    with ctx.uow() as uow:
        log(uow, ctx, action, **details)  # type: ignore[arg-type]
        uow.commit()


@requires(Permission.AUDIT_READ)
def list_events(
    ctx: ServiceContext,
    *,
    user_id: uuid.UUID | None = None,
    action: AuditAction | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[AuditRow]:
    """The trail, newest first, filtered (coordinators)."""
    with ctx.uow() as uow:
        return audit.events_for(
            uow.session,
            user_id=user_id,
            action=action,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        )


@requires(Permission.CASE_HISTORY)
def case_history(ctx: ServiceContext, case_id: uuid.UUID, *, limit: int = 500) -> list[AuditRow]:
    """What happened to one case and everything in it, newest first."""

    actor = ctx.require_actor()
    with ctx.uow() as uow:
        visible = uow.session.scalar(
            select(Case.id).where(Case.id == case_id, visible_cases_clause(actor))
        )
        if visible is None:
            return []
        return audit.events_for(uow.session, case_id=case_id, limit=limit)


@requires(Permission.MAINTENANCE)
def verify_trail(ctx: ServiceContext) -> ChainReport:
    with ctx.engine.connect() as conn:
        return audit.verify_chain(conn, _key(ctx))
