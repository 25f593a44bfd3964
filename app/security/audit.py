"""The tamper-evident audit trail (DESIGN.md §5): a chain of HMACs over ``audit_events``.

Every event's ``mac`` is ``HMAC-SHA256(audit_key, previous_mac || canonical_bytes(event))``
(32 zero bytes before event 1). The key is derived from the data key, so only someone who can
open the workspace can extend the chain, and any later edit, deletion, reordering or
insertion breaks it. ``case_id`` and ``person_id`` are deliberately outside the MAC: erasure
cuts those links and the chain still verifies.

Deleting events from the end leaves a valid, shorter chain, so a *head* (the last sequence
number and MAC, itself tagged with the key) is kept in the ``settings`` table and written in
the same transaction as each event. What no chain kept inside the database can detect is a
rollback of events and head together (an older copy of the file, or the tail cut back to a
head value someone saved earlier): hence the witness file outside the database
(:mod:`app.security.witness`), written after each commit from the end each append returns,
and the public fingerprint printed on reports for what even the witness cannot show.

Transactions belong to the caller: :func:`record` and :func:`append_bulk` never commit, so an
event commits or rolls back together with the change it describes. Writers are expected to be
serialised (one database worker); a concurrent second writer fails on the unique
``sequence`` (or SQLite's write lock) rather than forking the chain.

The MAC covers the values *as SQLite stores them* (UUIDs as 32 lowercase hex digits, times
as ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC, all UTF-8), so verification reads raw bytes and
checks 100,000 events in under a second, without building ORM objects or parsing values.

This module writes events. The canonical form it shares is :mod:`.audit_chain`; checking the
chain is :mod:`.audit_verify`, reading events back :mod:`.audit_events`, and appending events
already in their stored form (the demo's generator) :mod:`.audit_stored`.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from itertools import islice
from typing import Any, Required, TypedDict

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.models.base import utcnow
from app.security.audit_chain import (
    BULK_CHUNK,
    DB,
    EVENTS,
    GENESIS,
    INSERT,
    LAST,
    MAX_LABEL,
    UPSERT_HEAD,
    canonical_message,
    encoded,
    fields_text,
    head_row,
    keyed_mac,
    last_event,
    next_mac,
    parse_last,
    stored_time,
    stored_uuid,
    write_head,
)
from app.security.witness import Witness
from app.store.adapters import adapter

AUDIT_KEY_INFO = b"homeward-audit-mac-v1"


class AuditAction(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCK_OUT = "lock_out"
    LOCK = "lock"
    UNLOCK = "unlock"
    VIEW_CASE = "view_case"
    VIEW_PERSON = "view_person"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    PRINT_SUMMARY = "print_summary"
    SUBJECT_ACCESS = "subject_access"
    BACKUP = "backup"
    RESTORE = "restore"
    USER_ADD = "user_add"
    USER_DEACTIVATE = "user_deactivate"
    USER_ROLE_CHANGE = "user_role_change"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - an action name
    PASSWORD_CHANGE = "password_change"  # noqa: S105 - an action name
    KEY_ROTATION = "key_rotation"
    KEYCHAIN_ENABLE = "keychain_enable"
    KEYCHAIN_DISABLE = "keychain_disable"
    ERASE = "erase"
    ANONYMISE = "anonymise"
    RETENTION = "retention"
    SETTINGS_CHANGE = "settings_change"
    VERIFY = "verify"


class NewAuditEvent(TypedDict, total=False):
    """One event for :func:`append_bulk`; the keyword arguments of :func:`record`."""

    action: Required[AuditAction]
    user_id: uuid.UUID | None
    entity_type: str | None
    entity_id: uuid.UUID | None
    fields: Iterable[str]
    case_id: uuid.UUID | None
    person_id: uuid.UUID | None
    occurred_at: datetime | None


def audit_key(data_key: bytes) -> bytes:
    """The MAC key of the audit chain, derived from the workspace data key (HKDF-SHA256)."""
    if len(data_key) != 32:
        raise ValueError("the data key must be 32 bytes")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=AUDIT_KEY_INFO).derive(
        data_key
    )


#: A team server appends each event itself (:mod:`app.store.team_schema`): it alone holds the
#: key, and it names the event's user from the signed-in login.
SERVER_APPEND = "SELECT sequence, mac FROM hw_team.audit_append(?, ?, ?, ?, ?, ?, ?, ?)"
SERVER_END = "SELECT sequence, mac FROM hw_team.audit_end()"
SERVER_MAC_AT = "SELECT hw_team.audit_mac_at(?)"


def _server_params(event: NewAuditEvent) -> tuple[Any, ...]:
    when, user, action, entity_type, entity, fields = covered_values(event)
    occurred = when if event.get("occurred_at") is not None else None
    case, person = stored_uuid(event.get("case_id")), stored_uuid(event.get("person_id"))
    return (action, entity_type, entity, fields, case, person, user, occurred)


def _server_append(conn: Any, events: Iterable[NewAuditEvent]) -> tuple[int, Witness | None]:
    """Append ``events`` through the team server's function (``conn``: a Connection or a bare
    cursor taking ``?`` parameters); how many, and the new end."""
    written, end = 0, None
    for event in events:
        params = _server_params(event)
        if isinstance(conn, Connection):
            row = conn.exec_driver_sql(adapter(conn).sql(SERVER_APPEND), params).one()
        else:
            row = conn.execute(SERVER_APPEND, params).fetchone()
        written, end = written + 1, Witness(int(row[0]), bytes.fromhex(row[1]))
    return written, end


def record(
    session: DB,
    key: bytes | None,
    *,
    action: AuditAction,
    user_id: uuid.UUID | None = None,
    entity_type: str | None = None,
    entity_id: uuid.UUID | None = None,
    fields: Iterable[str] = (),
    case_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
    occurred_at: datetime | None = None,
) -> Witness:
    """Append one event inside the caller's transaction: one indexed SELECT, one INSERT, one
    head upsert. Never commits; returns the new end of the trail (for the witness, once the
    caller has committed). ``key`` is :func:`audit_key` of the data key (``None`` on a team
    server, whose function holds it); ``fields`` are the names of the fields that changed,
    never their values.
    """
    event = NewAuditEvent(
        action=action,
        user_id=user_id,
        entity_type=entity_type,
        entity_id=entity_id,
        fields=fields,
        case_id=case_id,
        person_id=person_id,
        occurred_at=occurred_at,
    )
    return _append(session, key, (event,))[1]


def _new_row(
    keyed: hmac.HMAC, previous: bytes, sequence: int, event: NewAuditEvent, now: str
) -> tuple[tuple[Any, ...], bytes]:
    """The stored row of the event that follows the one with MAC ``previous``, and its MAC."""
    covered = covered_values(event)
    when, user, action, entity_type, entity, fields = covered
    message = canonical_message(
        sequence,
        when.encode(),
        encoded(user),
        action.encode(),
        encoded(entity_type),
        encoded(entity),
        fields.encode(),
    )
    mac = next_mac(keyed, previous, message)
    case, person = stored_uuid(event.get("case_id")), stored_uuid(event.get("person_id"))
    bookkeeping = (case, person, now, now, user)
    return (uuid.uuid4().hex, sequence, *covered, mac.hex(), *bookkeeping), mac


def append_on_cursor(cursor: Any, key: bytes | None, event: NewAuditEvent) -> Witness:
    """:func:`record` on a bare DB-API cursor inside the caller's write transaction (the
    audited view of a case, read and written without the ORM). Never commits."""
    if key is None:
        end = _server_append(cursor, (event,))[1]
        assert end is not None
        return end
    last, previous = parse_last(cursor.execute(LAST).fetchone())
    row, mac = _new_row(keyed_mac(key), previous, last + 1, event, stored_time(utcnow()))
    cursor.execute(INSERT, row)
    cursor.execute(UPSERT_HEAD, head_row(key, last + 1, mac))
    return Witness(last + 1, mac)


def append_bulk(connection: DB, key: bytes | None, events: Iterable[NewAuditEvent]) -> int:
    """Append events in order, in chunks, writing the head once. Never commits.

    For demo data and imports (100,000 events take a few seconds); returns how many were written.
    """
    return _append(connection, key, events)[0]


def _append(
    connection: DB, key: bytes | None, events: Iterable[NewAuditEvent]
) -> tuple[int, Witness]:
    """:func:`append_bulk`, returning how many were written and the new end of the trail."""
    conn = connection.connection() if isinstance(connection, Session) else connection
    if key is None:
        written, end = _server_append(conn, events)
        return written, end if end is not None else trail_end(conn)
    engine_adapter = adapter(conn)
    engine_adapter.lock_for_writing(conn)  # no second writer between the last event and ours
    keyed = keyed_mac(key)
    last, previous = last_event(conn)
    sequence = last
    now = stored_time(utcnow())
    source = iter(events)
    while chunk := list(islice(source, BULK_CHUNK)):
        rows: list[tuple[Any, ...]] = []
        for event in chunk:
            sequence += 1
            row, previous = _new_row(keyed, previous, sequence, event, now)
            rows.append(row)
        conn.exec_driver_sql(engine_adapter.sql(INSERT), rows)
    if sequence > last:
        write_head(conn, key, sequence, previous)
    return sequence - last, Witness(sequence, previous)


def covered_values(
    event: NewAuditEvent,
) -> tuple[str, str | None, str, str | None, str | None, str]:
    """The MAC-covered values of a new event, checked, in their stored form, in ``COVERED``
    (and ``canonical_message``) order.
    """
    entity_type = event.get("entity_type")
    if entity_type is not None and not 0 < len(entity_type) <= MAX_LABEL:
        raise ValueError(f"an audit entity type is 1 to {MAX_LABEL} characters")
    return (
        stored_time(event.get("occurred_at") or utcnow()),
        stored_uuid(event.get("user_id")),
        AuditAction(event["action"]).value,
        entity_type,
        stored_uuid(event.get("entity_id")),
        fields_text(event.get("fields", ())),
    )


def trail_end(db: DB) -> Witness:
    """The newest event's sequence and MAC (``0`` and :data:`GENESIS` for an empty trail), as
    stored: for the witness and the report's fingerprint, not a check of the chain."""
    conn = db.connection() if isinstance(db, Session) else db
    if adapter(conn).audit_on_server:  # a social worker reads only a case's events
        row = conn.exec_driver_sql(SERVER_END).first()
        return Witness(0, GENESIS) if row is None else Witness(int(row[0]), bytes.fromhex(row[1]))
    return Witness(*last_event(db))


_MAC_AT = f"SELECT mac FROM {EVENTS.name} WHERE sequence = ?"


def mac_at(db: DB, sequence: int) -> bytes | None:
    """The stored MAC of event ``sequence`` (:data:`GENESIS` for 0), ``None`` if there is no
    such event or its MAC is not hex; one indexed lookup."""
    if sequence == 0:
        return GENESIS
    conn = db.connection() if isinstance(db, Session) else db
    on_server = adapter(conn).audit_on_server
    statement = SERVER_MAC_AT if on_server else _MAC_AT
    row = conn.exec_driver_sql(adapter(conn).sql(statement), (sequence,)).first()
    if row is None or row[0] is None:
        return None
    try:
        return None if row is None else bytes.fromhex(str(row[0]))
    except ValueError:
        return None
