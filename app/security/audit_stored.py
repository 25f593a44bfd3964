"""Appending audit events already in their stored form: for generators (the demo data's
million events in a few seconds), with the same MACs and tagged head as :func:`.audit.record`.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Any, TypeAlias

from sqlalchemy.orm import Session

from app.security.audit import AuditAction, NewAuditEvent, covered_values
from app.security.audit_chain import (
    BULK_CHUNK,
    DB,
    INSERT,
    MESSAGE_VERSION,
    fields_text,
    keyed_mac,
    last_event,
    next_mac,
    write_head,
)

#: One event for :func:`append_stored`, every value already in its stored form:
#: ``(id, occurred_at, user_id, action, entity_type, entity_id, fields, case_id, person_id)``.
StoredEvent: TypeAlias = tuple[
    str, str, str | None, str, str | None, str | None, str, str | None, str | None
]


def append_stored(connection: DB, key: bytes, events: Iterable[StoredEvent]) -> int:
    """Append events already in their stored form, in order, writing the head once. Never
    commits; returns how many were written.

    For generators (the demo data: a million events in a few seconds). UUIDs are 32 lowercase
    hex digits, times ``YYYY-MM-DD HH:MM:SS.ffffff`` (naive UTC), ``fields`` the sorted field
    names joined by commas; each distinct action, entity type and field list is checked once,
    ids and times by their length and separators (cheap enough for millions of events). ``created_at`` and ``updated_at`` are the event's time and
    ``created_by`` its user, as when :func:`record` writes an event as it happens.
    """
    conn = connection.connection() if isinstance(connection, Session) else connection
    if conn.dialect.name != "sqlite":
        raise RuntimeError("append_stored writes through the SQLite driver")
    keyed = keyed_mac(key)
    last, previous = last_event(conn)
    sequence = last
    # The parts of canonical_message that repeat from event to event, encoded (and checked) once:
    # user, action and entity type; the fields. Equal to canonical_message byte for byte (tested).
    heads: dict[tuple[str | None, str, str | None], bytes] = {}
    tails: dict[str, bytes] = {}
    source = iter(events)
    while chunk := list(islice(source, BULK_CHUNK)):
        rows: list[tuple[Any, ...]] = []
        for event_id, when, user, action, entity_type, entity, fields, case, person in chunk:
            head = heads.get((user, action, entity_type))
            if head is None:
                head = heads[(user, action, entity_type)] = _stored_head(user, action, entity_type)
            tail = tails.get(fields)
            if tail is None:
                tail = tails[fields] = _stored_tail(fields)
            if not (
                len(when) == 26
                and when[10] == " "
                and when[19] == "."
                and len(event_id) == 32
                and (entity is None or len(entity) == 32)
                and (case is None or len(case) == 32)
                and (person is None or len(person) == 32)
            ):
                raise ValueError("audit events for append_stored are in their stored form")
            sequence += 1
            stamp, thing = when.encode(), None if entity is None else entity.encode()
            message = b"%b|%d|%d:%b%b%b%b" % (
                MESSAGE_VERSION,
                sequence,
                len(stamp),
                stamp,
                head,
                b"-" if thing is None else b"%d:%b" % (len(thing), thing),
                tail,
            )
            previous = next_mac(keyed, previous, message)
            covered = (when, user, action, entity_type, entity, fields)
            rows.append(
                (event_id, sequence, *covered, previous.hex(), case, person, when, when, user)
            )
        conn.exec_driver_sql(INSERT, rows)
    if sequence > last:
        write_head(conn, key, sequence, previous)
    return sequence - last


def _stored_head(user: str | None, action: str, entity_type: str | None) -> bytes:
    """User, action and entity type as :func:`canonical_message` writes them (checked)."""
    if user is not None and len(user) != 32:
        raise ValueError("audit events for append_stored are in their stored form")
    covered_values(NewAuditEvent(action=AuditAction(action), entity_type=entity_type))
    parts = [None if user is None else user.encode(), action.encode()]
    parts.append(None if entity_type is None else entity_type.encode())
    return b"".join(b"-" if p is None else b"%d:%b" % (len(p), p) for p in parts)


def _stored_tail(fields: str) -> bytes:
    """The field names as :func:`canonical_message` writes them (checked: sorted, no repeats)."""
    names = fields.split(",") if fields else []
    if fields != fields_text(names):
        raise ValueError("audit fields are stored sorted, without repeats")
    return b"%d:%b" % (len(fields.encode()), fields.encode())
