"""The audit chain's canonical form (see :mod:`app.security.audit`): how an event's values
are stored and encoded for its MAC, how MACs follow each other, and the tagged head that
records where the trail ends. Shared by writing (:mod:`.audit`, :mod:`.audit_stored`) and
checking (:mod:`.audit_verify`); no one else needs it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeAlias, cast

from sqlalchemy import Connection, Table, text
from sqlalchemy.orm import Session

from app.models.admin import AuditEvent, Setting
from app.models.base import utcnow
from app.store.adapters import adapter

HEAD_SETTING = "audit_head"
GENESIS = bytes(32)
MESSAGE_VERSION = b"homeward-audit-v1"
_HEAD_LABEL = b"head"
BULK_CHUNK = 5_000
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,63}")
MAX_LABEL = 40  # the width of audit_events.action and .entity_type

EVENTS = cast(Table, AuditEvent.__table__)
SETTINGS = cast(Table, Setting.__table__)

DB: TypeAlias = Connection | Session


def naive_utc(value: datetime) -> datetime:
    return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def stored_time(value: datetime) -> str:
    """A time as SQLAlchemy stores it in SQLite: naive UTC, always with microseconds."""
    return naive_utc(value).isoformat(sep=" ", timespec="microseconds")


def stored_uuid(value: uuid.UUID | None) -> str | None:
    return None if value is None else value.hex


def canonical_message(
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
        MESSAGE_VERSION,
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


def keyed_mac(key: bytes) -> hmac.HMAC:
    """An HMAC with the key already absorbed: copying it is cheaper than keying each event."""
    return hmac.new(key, digestmod=hashlib.sha256)


def next_mac(keyed: hmac.HMAC, previous: bytes, message: bytes) -> bytes:
    mac = keyed.copy()
    mac.update(previous + message)
    return mac.digest()


def encoded(value: str | None) -> bytes | None:
    return None if value is None else value.encode()


def head_tag(key: bytes, sequence: int, mac: bytes) -> str:
    return hmac.digest(key, _HEAD_LABEL + sequence.to_bytes(8, "big") + mac, "sha256").hex()


def fields_text(fields: Iterable[str]) -> str:
    if isinstance(fields, str):
        raise TypeError("audit fields are a collection of field names")
    names = sorted(set(fields))
    for name in names:
        if not _FIELD_NAME.fullmatch(name):
            # A programming error, and possibly a value about to leak into the log.
            raise ValueError("audit fields must be field names, not values")
    return ",".join(names)


COVERED = ("occurred_at", "user_id", "action", "entity_type", "entity_id", "fields")
_BOOKKEEPING = ("case_id", "person_id", "created_at", "updated_at", "created_by")
_COLUMNS = ("id", "sequence", *COVERED, "mac", *_BOOKKEEPING)
# Raw DB-API ``executemany``: SQLAlchemy's per-row bind processing would double the cost of
# bulk writes, and the values are already in their stored form (see the module docstring).
INSERT = (
    f"INSERT INTO {EVENTS.name} ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
)


LAST = f"SELECT sequence, mac FROM {EVENTS.name} ORDER BY sequence DESC LIMIT 1"
UPSERT_HEAD = (
    f"INSERT INTO {SETTINGS.name} (id, key, value, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
)


def last_event(db: DB) -> tuple[int, bytes]:
    """``(sequence, mac)`` of the newest event, or ``(0, GENESIS)``; one indexed lookup."""
    return parse_last(db.execute(text(LAST)).first())


def parse_last(row: Sequence[Any] | None) -> tuple[int, bytes]:
    if row is None:
        return 0, GENESIS
    try:
        return int(row[0]), bytes.fromhex(row[1])
    except ValueError:
        # A mangled MAC already breaks the chain at that event and verification reports it;
        # it must not also stop every audited operation from being written.
        return int(row[0]), hashlib.sha256(str(row[1]).encode()).digest()


def head_row(key: bytes, sequence: int, mac: bytes) -> tuple[str, str, str, str, str]:
    """The settings row that records the head, in its stored form (see :data:`UPSERT_HEAD`)."""
    value = json.dumps(
        {"sequence": sequence, "mac": mac.hex(), "tag": head_tag(key, sequence, mac)},
        sort_keys=True,
    )
    now = stored_time(utcnow())
    return uuid.uuid4().hex, HEAD_SETTING, value, now, now


def write_head(db: DB, key: bytes, sequence: int, mac: bytes) -> None:
    conn = db.connection() if isinstance(db, Session) else db
    conn.exec_driver_sql(adapter(conn).sql(UPSERT_HEAD), head_row(key, sequence, mac))
