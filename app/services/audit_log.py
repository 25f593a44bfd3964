"""The audit trail as the services write and read it.

Writes go through :func:`log`, inside the caller's unit of work, so an event commits together
with the change it describes. The MAC key comes from a secret that is derived from the data
key when the workspace is created and kept inside the encrypted database: it survives a
data-key rotation, so the chain written before a rotation still verifies after it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.exc import DatabaseError, OperationalError

from app.kernel import changes
from app.kernel.errors import DatabaseDamagedError, NotFoundError
from app.kernel.i18n import _
from app.models import AuditEvent
from app.security import audit
from app.security.audit import AuditAction
from app.security.audit_events import AuditRow, events_for
from app.security.audit_verify import ChainReport, verify_chain
from app.security.permissions import Permission, internal, pure, requires
from app.security.witness import fingerprint
from app.services import audit_witness, settings
from app.services.context import ServiceContext
from app.services.scope import readable_case
from app.store.adapters import adapter
from app.store.prepared import Prepared, param
from app.store.uow import UnitOfWork, after_cursor_commit, read_cursor

__all__ = ["AuditAction", "AuditRow", "ChainReport"]
_WITNESS = "audit_witness"


@pure
def new_audit_secret(data_key: bytes) -> str:
    """Made once, at creation, from the data key (HKDF); stored hex in the settings table."""
    return audit.audit_key(data_key).hex()


def _key(ctx: ServiceContext) -> bytes | None:
    """The chain's MAC key; ``None`` on a team server, whose own function holds it."""
    cached = ctx.cache.get("audit_key")
    if isinstance(cached, bytes):
        return cached
    if adapter(ctx.engine).audit_on_server:
        return None
    secret = settings.read(ctx, settings.AUDIT_SECRET)
    try:
        key = audit.audit_key(bytes.fromhex(secret))
    except (TypeError, ValueError):  # no setting, or not 32 bytes in hex
        raise DatabaseDamagedError(
            _(
                "The key of the audit trail is missing from the database, so nothing can be "
                "recorded: the workspace is damaged. Nothing was changed; restore from a backup."
            )
        ) from None
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
    """Append one event in ``uow``'s transaction (the caller commits); the witness follows
    the commit."""
    actor = ctx.actor
    changes.note_case(case_id)
    end = audit.record(
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
    uow.after_commit(_WITNESS, lambda: audit_witness.advance(ctx, end))


@internal
def log_on_cursor(
    cursor: Any,
    ctx: ServiceContext,
    action: AuditAction,
    *,
    entity_type: str | None = None,
    entity_id: uuid.UUID | None = None,
    fields: Iterable[str] = (),
    case_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
) -> None:
    """:func:`log` in the write transaction of a bare cursor (:func:`~app.store.uow.write_cursor`)."""
    actor = ctx.actor
    changes.note_case(case_id)
    event = audit.NewAuditEvent(
        action=action,
        user_id=actor.id if actor else None,
        entity_type=entity_type,
        entity_id=entity_id,
        fields=sorted(fields),
        case_id=case_id,
        person_id=person_id,
    )
    end = audit.append_on_cursor(cursor, _key(ctx), event)
    after_cursor_commit(cursor, _WITNESS, lambda: audit_witness.advance(ctx, end))


@internal
def log_many(uow: UnitOfWork, ctx: ServiceContext, events: Iterable[audit.NewAuditEvent]) -> int:
    """Append many events in ``uow``'s transaction at once (imports); the caller commits."""
    written = audit.append_bulk(uow.session, _key(ctx), events)
    if written:
        end = audit.trail_end(uow.session)
        uow.after_commit(_WITNESS, lambda: audit_witness.advance(ctx, end))
    return written


@internal
def log_now(ctx: ServiceContext, action: AuditAction, **details: object) -> None:
    """One event in a transaction of its own (sign-in, lock, key rotation…)."""
    with ctx.uow(write=True) as uow:
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
        return events_for(
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
    with read_cursor(ctx.engine) as cursor:
        try:
            readable_case(cursor, actor, case_id)
        except NotFoundError:
            return []
        return history_of(cursor, case_id, limit=limit)


_HISTORY_COLUMNS = [getattr(AuditEvent, name) for name in AuditRow._fields]


@cache
def _history() -> Prepared:
    return Prepared(
        select(*_HISTORY_COLUMNS)
        .where(AuditEvent.case_id == param("case"))
        .order_by(AuditEvent.sequence.desc())
        .limit(bindparam("limit", None, type_=Integer()))
    )


@internal
def history_of(cursor: Any, case_id: uuid.UUID, *, limit: int = 500) -> list[AuditRow]:
    """:func:`case_history` on a read cursor, once the caller knows the reader may see the
    case (:func:`~app.services.scope.readable_case`)."""
    rows = _history().rows(cursor, {"case": case_id, "limit": limit})
    return [
        AuditRow(
            r[0], r[1], r[2], r[3], r[4], r[5], tuple(r[6].split(",")) if r[6] else (), r[7], r[8]
        )
        for r in rows
    ]


@requires(Permission.MAINTENANCE)
def verify_trail(ctx: ServiceContext) -> ChainReport:
    """Recompute the chain, check its head, then compare its end with the witness file.
    Writes nothing: run it before the sign-in of a check writes its own event."""
    try:
        with ctx.engine.connect() as conn:
            key = _key(ctx)
            report = verify_chain(conn, key) if key is not None else _verify_on_server(conn)
            end = audit.trail_end(conn)
        if not report.ok:
            return report
        found = audit_witness.check(ctx, report.events)
    except OperationalError:  # busy, locked, disk I/O: not a finding about the trail
        raise
    except DatabaseError:  # "malformed": the pages of the head, the secret or the last event
        return ChainReport(False, 0, None, _("Some records cannot be read: the file is damaged."))
    if found.problem is not None:
        behind = found.witness is not None and found.witness.sequence > report.events
        first_bad = report.events + 1 if behind else None
        return ChainReport(False, report.events, first_bad, found.problem)
    return replace(report, fingerprint=fingerprint(end.sequence, end.mac))


_SERVER_VERIFY = "SELECT events, first_bad, head_ok, last_mac FROM hw_team.audit_verify()"


def _verify_on_server(conn: Any) -> ChainReport:
    """The team server's own check of the chain (it alone holds the key)."""
    events, first_bad, head_ok, _last = conn.exec_driver_sql(_SERVER_VERIFY).one()
    if first_bad is not None:
        return ChainReport(
            False,
            int(events),
            int(first_bad),
            _("Audit event {n} was changed, removed or inserted.").format(n=first_bad),
        )
    if not head_ok:
        return ChainReport(
            False,
            int(events),
            None,
            _("The record of where the audit trail ends does not match its events."),
        )
    return ChainReport(True, int(events), None, None)


@requires(Permission.MAINTENANCE)
def fingerprint_at(ctx: ServiceContext, sequence: int) -> str | None:
    """The fingerprint of the trail up to event ``sequence`` as it is now (``None`` if there
    is no such event): equal to the one printed when that event was the end, unless events
    up to it were changed since. Meaningful once :func:`verify_trail` found the chain intact."""
    with ctx.engine.connect() as conn:
        mac = audit.mac_at(conn, sequence)
    return None if mac is None else fingerprint(sequence, mac)


@internal
def trail_warning(ctx: ServiceContext) -> str | None:
    """The witness against the trail's end, in two indexed lookups (at sign-in, before the
    sign-in event is written): a cut, wiped or replaced trail, or a missing or altered
    witness; ``None`` when they agree. A damaged page is left to the database checks."""
    try:
        with ctx.engine.connect() as conn:
            end = audit.trail_end(conn)
        return audit_witness.check(ctx, end.sequence).problem
    except (DatabaseError, RuntimeError):  # damage; no audit secret: other checks say so
        return None


@internal
def trail_fingerprint(ctx: ServiceContext) -> tuple[int, str]:
    """The end of the trail and its public fingerprint, for a published report."""
    with ctx.engine.connect() as conn:
        end = audit.trail_end(conn)
    return end.sequence, fingerprint(end.sequence, end.mac)
