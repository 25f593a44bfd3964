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
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from binascii import hexlify
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from itertools import islice
from typing import Any, NamedTuple, Required, TypeAlias, TypedDict, cast

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, LargeBinary, RowMapping, Table, select, text
from sqlalchemy import cast as sql_cast
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session

from app.i18n import _, ngettext
from app.models.admin import AuditEvent, Setting
from app.models.base import utcnow
from app.security.witness import Witness

AUDIT_KEY_INFO = b"homeward-audit-mac-v1"
HEAD_SETTING = "audit_head"
GENESIS = bytes(32)
_MESSAGE_VERSION = b"homeward-audit-v1"
_HEAD_LABEL = b"head"
_BULK_CHUNK = 5_000
_VERIFY_BATCH = 2_000
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,63}")
_MAX_LABEL = 40  # the width of audit_events.action and .entity_type

_events = cast(Table, AuditEvent.__table__)
_settings = cast(Table, Setting.__table__)

DB: TypeAlias = Connection | Session


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


@dataclass(frozen=True)
class ChainReport:
    """The outcome of :func:`verify_chain`.

    ``events`` counts the events found intact from event 1 onwards (all of them when ``ok``).
    ``first_bad_sequence`` is the first event that was changed, is missing or was removed; it
    is ``None`` when the events themselves are intact but the chain's head record is not.
    ``fingerprint`` is the public fingerprint of the trail's end when it verified
    (:func:`app.security.witness.fingerprint`).
    """

    ok: bool
    events: int
    first_bad_sequence: int | None
    problem: str | None
    fingerprint: str | None = None


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


@dataclass(frozen=True)
class _Head:
    sequence: int
    mac: str


def audit_key(data_key: bytes) -> bytes:
    """The MAC key of the audit chain, derived from the workspace data key (HKDF-SHA256)."""
    if len(data_key) != 32:
        raise ValueError("the data key must be 32 bytes")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=AUDIT_KEY_INFO).derive(
        data_key
    )


# --- canonical form -------------------------------------------------------------------------


def _naive_utc(value: datetime) -> datetime:
    return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def _stored_time(value: datetime) -> str:
    """A time as SQLAlchemy stores it in SQLite: naive UTC, always with microseconds."""
    return _naive_utc(value).isoformat(sep=" ", timespec="microseconds")


def _stored_uuid(value: uuid.UUID | None) -> str | None:
    return None if value is None else value.hex


def _message(
    sequence: int,
    occurred_at: bytes,
    user_id: bytes | None,
    action: bytes,
    entity_type: bytes | None,
    entity_id: bytes | None,
    fields: bytes,
) -> bytes:
    """The canonical bytes of an event: UTF-8, length-prefixed (``-`` for NULL), so no two
    different events share an encoding. Written out inline: it runs once per verified event.
    """
    return b"%b|%d|%d:%b%b%d:%b%b%b%d:%b" % (
        _MESSAGE_VERSION,
        sequence,
        len(occurred_at),
        occurred_at,
        b"-" if user_id is None else b"%d:%b" % (len(user_id), user_id),
        len(action),
        action,
        b"-" if entity_type is None else b"%d:%b" % (len(entity_type), entity_type),
        b"-" if entity_id is None else b"%d:%b" % (len(entity_id), entity_id),
        len(fields),
        fields,
    )


def _keyed(key: bytes) -> hmac.HMAC:
    """An HMAC with the key already absorbed: copying it is cheaper than keying each event."""
    return hmac.new(key, digestmod=hashlib.sha256)


def _chain(keyed: hmac.HMAC, previous: bytes, message: bytes) -> bytes:
    mac = keyed.copy()
    mac.update(previous + message)
    return mac.digest()


def _encode(value: str | None) -> bytes | None:
    return None if value is None else value.encode()


def _head_tag(key: bytes, sequence: int, mac: bytes) -> str:
    return hmac.digest(key, _HEAD_LABEL + sequence.to_bytes(8, "big") + mac, "sha256").hex()


def _fields_text(fields: Iterable[str]) -> str:
    if isinstance(fields, str):
        raise TypeError("audit fields are a collection of field names")
    names = sorted(set(fields))
    for name in names:
        if not _FIELD_NAME.fullmatch(name):
            # A programming error, and possibly a value about to leak into the log.
            raise ValueError("audit fields must be field names, not values")
    return ",".join(names)


# --- writing --------------------------------------------------------------------------------


def record(
    session: DB,
    key: bytes,
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
    caller has committed). ``key`` is :func:`audit_key` of the data key; ``fields`` are the
    names of the fields that changed, never their values.
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


_COVERED = ("occurred_at", "user_id", "action", "entity_type", "entity_id", "fields")
_BOOKKEEPING = ("case_id", "person_id", "created_at", "updated_at", "created_by")
_COLUMNS = ("id", "sequence", *_COVERED, "mac", *_BOOKKEEPING)
# Raw DB-API ``executemany``: SQLAlchemy's per-row bind processing would double the cost of
# bulk writes, and the values are already in their stored form (see the module docstring).
_INSERT = (
    f"INSERT INTO {_events.name} ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
)


def _new_row(
    keyed: hmac.HMAC, previous: bytes, sequence: int, event: NewAuditEvent, now: str
) -> tuple[tuple[Any, ...], bytes]:
    """The stored row of the event that follows the one with MAC ``previous``, and its MAC."""
    covered = _covered(event)
    when, user, action, entity_type, entity, fields = covered
    message = _message(
        sequence,
        when.encode(),
        _encode(user),
        action.encode(),
        _encode(entity_type),
        _encode(entity),
        fields.encode(),
    )
    mac = _chain(keyed, previous, message)
    case, person = _stored_uuid(event.get("case_id")), _stored_uuid(event.get("person_id"))
    bookkeeping = (case, person, now, now, user)
    return (uuid.uuid4().hex, sequence, *covered, mac.hex(), *bookkeeping), mac


def append_on_cursor(cursor: Any, key: bytes, event: NewAuditEvent) -> Witness:
    """:func:`record` on a bare DB-API cursor inside the caller's write transaction (the
    audited view of a case, read and written without the ORM). Never commits."""
    last, previous = _parse_last(cursor.execute(_LAST).fetchone())
    row, mac = _new_row(_keyed(key), previous, last + 1, event, _stored_time(utcnow()))
    cursor.execute(_INSERT, row)
    cursor.execute(_UPSERT_HEAD, _head_row(key, last + 1, mac))
    return Witness(last + 1, mac)


def append_bulk(connection: DB, key: bytes, events: Iterable[NewAuditEvent]) -> int:
    """Append events in order, in chunks, writing the head once. Never commits.

    For demo data and imports (100,000 events take a few seconds); returns how many were written.
    """
    return _append(connection, key, events)[0]


def _append(connection: DB, key: bytes, events: Iterable[NewAuditEvent]) -> tuple[int, Witness]:
    """:func:`append_bulk`, returning how many were written and the new end of the trail."""
    conn = connection.connection() if isinstance(connection, Session) else connection
    if conn.dialect.name != "sqlite":
        raise RuntimeError("append_bulk writes through the SQLite driver")
    keyed = _keyed(key)
    last, previous = _last_event(conn)
    sequence = last
    now = _stored_time(utcnow())
    source = iter(events)
    while chunk := list(islice(source, _BULK_CHUNK)):
        rows: list[tuple[Any, ...]] = []
        for event in chunk:
            sequence += 1
            row, previous = _new_row(keyed, previous, sequence, event, now)
            rows.append(row)
        conn.exec_driver_sql(_INSERT, rows)
    if sequence > last:
        _write_head(conn, key, sequence, previous)
    return sequence - last, Witness(sequence, previous)


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
    keyed = _keyed(key)
    last, previous = _last_event(conn)
    sequence = last
    # The parts of _message that repeat from event to event, encoded (and checked) once:
    # user, action and entity type; the fields. Equal to _message byte for byte (tested).
    heads: dict[tuple[str | None, str, str | None], bytes] = {}
    tails: dict[str, bytes] = {}
    source = iter(events)
    while chunk := list(islice(source, _BULK_CHUNK)):
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
                _MESSAGE_VERSION,
                sequence,
                len(stamp),
                stamp,
                head,
                b"-" if thing is None else b"%d:%b" % (len(thing), thing),
                tail,
            )
            previous = _chain(keyed, previous, message)
            covered = (when, user, action, entity_type, entity, fields)
            rows.append(
                (event_id, sequence, *covered, previous.hex(), case, person, when, when, user)
            )
        conn.exec_driver_sql(_INSERT, rows)
    if sequence > last:
        _write_head(conn, key, sequence, previous)
    return sequence - last


def _stored_head(user: str | None, action: str, entity_type: str | None) -> bytes:
    """User, action and entity type as :func:`_message` writes them (checked)."""
    if user is not None and len(user) != 32:
        raise ValueError("audit events for append_stored are in their stored form")
    _covered(NewAuditEvent(action=AuditAction(action), entity_type=entity_type))
    parts = [None if user is None else user.encode(), action.encode()]
    parts.append(None if entity_type is None else entity_type.encode())
    return b"".join(b"-" if p is None else b"%d:%b" % (len(p), p) for p in parts)


def _stored_tail(fields: str) -> bytes:
    """The field names as :func:`_message` writes them (checked: sorted, no repeats)."""
    names = fields.split(",") if fields else []
    if fields != _fields_text(names):
        raise ValueError("audit fields are stored sorted, without repeats")
    return b"%d:%b" % (len(fields.encode()), fields.encode())


def _covered(event: NewAuditEvent) -> tuple[str, str | None, str, str | None, str | None, str]:
    """The MAC-covered values of a new event, checked, in their stored form, in ``_COVERED``
    (and ``_message``) order.
    """
    entity_type = event.get("entity_type")
    if entity_type is not None and not 0 < len(entity_type) <= _MAX_LABEL:
        raise ValueError(f"an audit entity type is 1 to {_MAX_LABEL} characters")
    return (
        _stored_time(event.get("occurred_at") or utcnow()),
        _stored_uuid(event.get("user_id")),
        AuditAction(event["action"]).value,
        entity_type,
        _stored_uuid(event.get("entity_id")),
        _fields_text(event.get("fields", ())),
    )


_LAST = f"SELECT sequence, mac FROM {_events.name} ORDER BY sequence DESC LIMIT 1"
_UPSERT_HEAD = (
    f"INSERT INTO {_settings.name} (id, key, value, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
)


def _last_event(db: DB) -> tuple[int, bytes]:
    """``(sequence, mac)`` of the newest event, or ``(0, GENESIS)``; one indexed lookup."""
    return _parse_last(db.execute(text(_LAST)).first())


def trail_end(db: DB) -> Witness:
    """The newest event's sequence and MAC (``0`` and :data:`GENESIS` for an empty trail), as
    stored: for the witness and the report's fingerprint, not a check of the chain."""
    return Witness(*_last_event(db))


_MAC_AT = f"SELECT mac FROM {_events.name} WHERE sequence = ?"


def mac_at(db: DB, sequence: int) -> bytes | None:
    """The stored MAC of event ``sequence`` (:data:`GENESIS` for 0), ``None`` if there is no
    such event or its MAC is not hex; one indexed lookup."""
    if sequence == 0:
        return GENESIS
    conn = db.connection() if isinstance(db, Session) else db
    row = conn.exec_driver_sql(_MAC_AT, (sequence,)).first()
    try:
        return None if row is None else bytes.fromhex(str(row[0]))
    except ValueError:
        return None


def _parse_last(row: Sequence[Any] | None) -> tuple[int, bytes]:
    if row is None:
        return 0, GENESIS
    try:
        return int(row[0]), bytes.fromhex(row[1])
    except ValueError:
        # A mangled MAC already breaks the chain at that event and verification reports it;
        # it must not also stop every audited operation from being written.
        return int(row[0]), hashlib.sha256(str(row[1]).encode()).digest()


def _head_row(key: bytes, sequence: int, mac: bytes) -> tuple[str, str, str, str, str]:
    """The settings row that records the head, in its stored form (see :data:`_UPSERT_HEAD`)."""
    value = json.dumps(
        {"sequence": sequence, "mac": mac.hex(), "tag": _head_tag(key, sequence, mac)},
        sort_keys=True,
    )
    now = _stored_time(utcnow())
    return uuid.uuid4().hex, HEAD_SETTING, value, now, now


def _write_head(db: DB, key: bytes, sequence: int, mac: bytes) -> None:
    conn = db.connection() if isinstance(db, Session) else db
    conn.exec_driver_sql(_UPSERT_HEAD, _head_row(key, sequence, mac))


# --- verifying ------------------------------------------------------------------------------

# sequence, the MAC-covered values in ``_message`` order, the MAC (hex): all as stored bytes
_Raw: TypeAlias = tuple[int, bytes, bytes | None, bytes, bytes | None, bytes | None, bytes, bytes]


class _Walk(NamedTuple):
    intact: int
    last_mac: bytes | None
    failure: ChainReport | None


def verify_chain(connection: DB, key: bytes) -> ChainReport:
    """Recompute the whole chain, compare its end with the head, report the first problem.

    ``key`` is :func:`audit_key` of the data key; with any other key event 1 fails.
    """
    head_value = connection.execute(
        select(sql_cast(_settings.c.value, LargeBinary)).where(_settings.c.key == HEAD_SETTING)
    ).scalar()
    walk = _walk(connection, key)
    if walk.failure is not None:
        return walk.failure
    events = walk.intact
    if head_value is None:
        if events == 0:
            return ChainReport(True, 0, None, None)
        return _head_problem(events, _("The record of the audit trail's end is missing."))
    head = _parse_head(head_value, key)
    if head is None:
        return _head_problem(events, _("The record of the audit trail's end was altered."))
    if head.sequence > events:
        return _truncated(events, head.sequence)
    if head.sequence < events or head.mac.encode() != walk.last_mac:
        problem = _(
            "The record of the audit trail's end was replaced by an older one (it names event "
            "{head}; the trail ends at {end})."
        )
        return _head_problem(events, problem.format(head=head.sequence, end=events))
    return ChainReport(True, events, None, None)


def _raw_rows(db: DB) -> Iterator[_Raw]:
    """Every event in sequence order, as stored bytes, fetched in batches.

    Read as BLOBs so that no tampered value (bad UTF-8, a number where text belongs) can make
    the driver fail: anything odd simply fails its MAC.
    """
    columns = [_events.c[name] for name in ("sequence", *_COVERED, "mac")]
    raw = [columns[0], *(sql_cast(column, LargeBinary) for column in columns[1:])]
    statement = select(*raw).order_by(_events.c.sequence)
    for batch in db.execute(statement.execution_options(yield_per=_VERIFY_BATCH)).partitions():
        yield from cast("Sequence[_Raw]", batch)


def _row_mac(keyed: hmac.HMAC, previous: bytes, sequence: int, row: _Raw) -> bytes:
    return _chain(keyed, previous, _message(sequence, *row[1:7]))


def _walk(db: DB, key: bytes) -> _Walk:
    keyed = _keyed(key)
    rows = _raw_rows(db)
    previous, expected, last_mac = GENESIS, 1, None
    try:
        for row in rows:
            if row[0] != expected:
                return _Walk(expected - 1, last_mac, _out_of_line(row[0], expected))
            mac = _row_mac(keyed, previous, expected, row)
            # A plain comparison is fine: verification is not an oracle an attacker can query.
            if hexlify(mac) != row[7]:
                return _Walk(expected - 1, last_mac, _bad(keyed, previous, row, next(rows, None)))
            previous, last_mac = mac, row[7]
            expected += 1
    except TypeError:  # a NULL forced into a column the MAC covers
        return _Walk(expected - 1, last_mac, _changed(expected, expected - 1))
    except OperationalError:  # busy, locked, disk I/O: not a finding about the trail
        raise
    except DatabaseError:  # "malformed": the pages holding this event on are damaged
        problem = _("Some records cannot be read: the file is damaged.")
        return _Walk(expected - 1, last_mac, ChainReport(False, expected - 1, expected, problem))
    return _Walk(expected - 1, last_mac, None)


def _bad(keyed: hmac.HMAC, previous: bytes, row: _Raw, following: _Raw | None) -> ChainReport:
    """Event ``row`` fails its MAC: was it changed, or swapped with its neighbour?

    Swapping is recognised for whole rows (or just their sequence numbers) and for contents
    swapped with the MACs left in place.
    """
    sequence = row[0]
    if following is not None and following[0] == sequence + 1:
        first = _row_mac(keyed, previous, sequence, following)
        if hexlify(first) == following[7]:  # whole rows (or sequence numbers) swapped
            second_mac = row[7]
        elif hexlify(first) == row[7]:  # contents swapped, MACs left in place
            second_mac = following[7]
        else:
            second_mac = b""
        if hexlify(_row_mac(keyed, first, sequence + 1, row)) == second_mac:
            problem = _("Events {a} and {b} are out of order.").format(a=sequence, b=sequence + 1)
            return ChainReport(False, sequence - 1, sequence, problem)
    return _changed(sequence, sequence - 1)


def _changed(sequence: int, intact: int) -> ChainReport:
    problem = _("Event {n} was changed after it was written.").format(n=sequence)
    return ChainReport(False, intact, sequence, problem)


def _out_of_line(found: object, expected: int) -> ChainReport:
    """The row in the place of event ``expected`` has another sequence number."""
    if not isinstance(found, int) or found < expected:  # text, or 0 or less at the start
        return _changed(expected, expected - 1)
    before, last = expected - 1, found - 1
    if expected == 1:
        if last == 1:
            problem = _("Event 1 is missing (the trail starts at {found}).")
        else:
            problem = _("Events 1 to {last} are missing (the trail starts at {found}).")
    elif last == expected:
        problem = _("Event {first} is missing (the trail jumps from {before} to {found}).")
    else:
        problem = _(
            "Events {first} to {last} are missing (the trail jumps from {before} to {found})."
        )
    text = problem.format(first=expected, last=last, before=before, found=found)
    return ChainReport(False, before, expected, text)


def _truncated(events: int, written: int) -> ChainReport:
    removed = written - events
    if events == 0:
        problem = ngettext("The only event was removed.", "All {n} events were removed.", removed)
    else:
        problem = ngettext(
            "The last event was removed (the trail ends at {end}; {written} were written).",
            "The last {n} events were removed (the trail ends at {end}; {written} were written).",
            removed,
        )
    return ChainReport(
        False, events, events + 1, problem.format(n=removed, end=events, written=written)
    )


def _head_problem(events: int, problem: str) -> ChainReport:
    """Every event is intact, but the tagged record of where the trail ends is not."""
    return ChainReport(False, events, None, problem)


def _parse_head(value: bytes, key: bytes) -> _Head | None:
    """The head if its tag is genuine, else ``None``."""
    try:
        data = json.loads(value)
        sequence, mac, tag = data["sequence"], data["mac"], data["tag"]
        if not (isinstance(sequence, int) and isinstance(mac, str) and isinstance(tag, str)):
            return None
        genuine = hmac.compare_digest(_head_tag(key, sequence, bytes.fromhex(mac)), tag)
    except (ValueError, TypeError, KeyError, OverflowError):  # TypeError: non-ASCII tag
        return None
    return _Head(sequence, mac) if genuine else None


# --- reading --------------------------------------------------------------------------------


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
        _events.c.sequence,
        _events.c.occurred_at,
        _events.c.user_id,
        _events.c.action,
        _events.c.entity_type,
        _events.c.entity_id,
        _events.c.fields,
        _events.c.case_id,
        _events.c.person_id,
    )
    if case_id is not None:
        statement = statement.where(_events.c.case_id == case_id)
    if entity is not None:
        statement = statement.where(_events.c.entity_type == entity[0])
        if entity[1] is not None:
            statement = statement.where(_events.c.entity_id == entity[1])
    if user_id is not None:
        statement = statement.where(_events.c.user_id == user_id)
    if action is not None:
        statement = statement.where(_events.c.action == str(action))
    if since is not None:
        statement = statement.where(_events.c.occurred_at >= _naive_utc(since))
    if until is not None:
        statement = statement.where(_events.c.occurred_at < _naive_utc(until))
    statement = statement.order_by(_events.c.sequence.desc()).limit(limit).offset(offset)
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
