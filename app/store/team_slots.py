"""A team server's key slots and logins, as stored (see :mod:`app.services.accounts`)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection

from app.security import keyslots as ks

_SLOTS = "SELECT slot_id, user_id, body FROM hw_team.key_slots ORDER BY slot_id"
_WORKSPACE = "SELECT body FROM hw_team.workspace WHERE id = 1"


def scram_verifier(conn: Connection, username: str, password: str) -> str:
    """``password`` as a SCRAM-SHA-256 verifier, computed here (libpq), so the password itself
    never reaches the server, its logs or its statistics."""
    raw: Any = conn.connection.driver_connection
    verifier = raw.pgconn.encrypt_password(
        password.encode("utf-8"), username.encode("utf-8"), b"scram-sha-256"
    )
    return bytes(verifier).decode("ascii")


_SLOTS = "SELECT slot_id, user_id, body FROM hw_team.key_slots ORDER BY slot_id"
_WORKSPACE = "SELECT body FROM hw_team.workspace WHERE id = 1"


def read_slots(conn: Connection) -> ks.KeySlotFile:
    """The key slots ``conn``'s login may read, as a key slot file."""
    head = conn.exec_driver_sql(_WORKSPACE).scalar_one_or_none()
    body: dict[str, Any] = json.loads(head) if head else {}
    body["slots"] = [json.loads(r[2]) for r in conn.exec_driver_sql(_SLOTS)]
    return ks.KeySlotFile.from_bytes(json.dumps(body).encode("utf-8"))


def write_slots(conn: Connection, slots: ks.KeySlotFile) -> None:
    """Make the server's slots (those ``conn``'s login may see) those of ``slots``: changed
    ones rewritten, new ones added, missing ones removed; the file's head kept beside them
    (a coordinator's to change)."""
    seen = {r[0]: r[2] for r in conn.exec_driver_sql(_SLOTS)}
    wanted = {s.id: s for s in slots.slots}
    for slot_id in seen.keys() - wanted.keys():
        conn.exec_driver_sql("DELETE FROM hw_team.key_slots WHERE slot_id = %s", (slot_id,))
    for slot_id, slot in wanted.items():
        body = json.dumps(slot.as_json(), sort_keys=True)
        if seen.get(slot_id) == body:
            continue
        conn.exec_driver_sql(
            "INSERT INTO hw_team.key_slots (slot_id, user_id, body) VALUES (%s, %s, %s) "
            "ON CONFLICT (slot_id) DO UPDATE SET body = excluded.body, user_id = excluded.user_id",
            (slot_id, slot.user_id, body),
        )
    head = json.loads(slots.to_bytes())
    head.pop("slots")
    text = json.dumps(head, sort_keys=True)
    stored = conn.exec_driver_sql(_WORKSPACE).scalar_one_or_none()
    if stored is None or json.loads(stored) != head:
        conn.exec_driver_sql(
            "INSERT INTO hw_team.workspace (id, body) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            (text,),
        )
