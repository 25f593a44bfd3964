"""Where a workspace keeps its accounts: the key slots, and (on a team server) the logins.

A laptop workspace keeps its key slots in ``keyslots.json`` in its folder and has no logins
of its own: the key slots are the accounts. A team server (issue 20) keeps the key slots in
its ``hw_team.key_slots`` table (each user reads only their own; coordinators manage all) and
every user is also a PostgreSQL login, which the user services keep in step: adding, resetting,
deactivating, changing the role of and removing a user change the login in the same
transaction as the user's row (:mod:`app.store.team_schema`).

The services ask the context's :class:`Accounts` and never which kind they have.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from app.models.enums import Role
from app.security import keyslots as ks
from app.store.engine import KeyHolder


class Accounts:
    """A laptop workspace's accounts: the key slot file; logins are not a thing here."""

    def __init__(self, keyslots: Path) -> None:
        self.keyslots = keyslots

    def load_slots(self, conn: Connection | None = None) -> ks.KeySlotFile:
        return ks.KeySlotFile.load(self.keyslots)

    def save_slots(self, slots: ks.KeySlotFile, conn: Connection | None = None) -> None:
        slots.save(self.keyslots)

    def login_created(
        self, conn: Connection, username: str, password: str, role: Role, *, login: bool = True
    ) -> None:
        """A new user's login (a team server's); nothing on a laptop."""

    def login_password(self, conn: Connection, username: str, password: str) -> None:
        """A user's login gets a new password (a coordinator's reset)."""

    def own_password(self, conn: Connection, password: str) -> None:
        """The signed-in user's own login gets a new password."""

    def login_role(self, conn: Connection, username: str, role: Role) -> None:
        """A user's login moves to another role's group."""

    def login_active(self, conn: Connection, username: str, active: bool) -> None:
        """A user's login may (not) sign in any more."""

    def login_dropped(self, conn: Connection, username: str) -> None:
        """A user removed for good: their login goes."""

    def reopen(
        self, location: Path | str, keys: KeyHolder, opener: Callable[..., Engine]
    ) -> Engine:
        """The engine again after a key rotation (a laptop's file has a new key)."""
        return opener(location, keys)


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


class TeamAccounts(Accounts):
    """A team server's accounts: key slots in its table, a login per user."""

    def __init__(self, engine: Engine, keyslots: Path) -> None:
        super().__init__(keyslots)
        self._engine = engine

    def load_slots(self, conn: Connection | None = None) -> ks.KeySlotFile:
        """The slots this login may read (its own; a coordinator's: all) as a key slot file."""
        if conn is None:
            with self._engine.connect() as own:
                return self.load_slots(own)
        return read_slots(conn)

    def save_slots(self, slots: ks.KeySlotFile, conn: Connection | None = None) -> None:
        if conn is None:
            with self._engine.begin() as own:
                self.save_slots(slots, own)
            return
        write_slots(conn, slots)

    def _call(self, conn: Connection, function: str, *params: object) -> None:
        marks = ", ".join(["%s"] * len(params))
        conn.exec_driver_sql(f"SELECT hw_team.{function}({marks})", tuple(params))

    def login_created(
        self, conn: Connection, username: str, password: str, role: Role, *, login: bool = True
    ) -> None:
        verifier = scram_verifier(conn, username, password)
        self._call(conn, "login_create", username, verifier, role.value, login)

    def login_password(self, conn: Connection, username: str, password: str) -> None:
        self._call(conn, "login_password", username, scram_verifier(conn, username, password))

    def own_password(self, conn: Connection, password: str) -> None:
        username = conn.exec_driver_sql("SELECT session_user").scalar_one()
        verifier = scram_verifier(conn, username, password)
        conn.exec_driver_sql(f"ALTER ROLE CURRENT_USER PASSWORD '{verifier}'")

    def login_role(self, conn: Connection, username: str, role: Role) -> None:
        self._call(conn, "login_role", username, role.value)

    def login_active(self, conn: Connection, username: str, active: bool) -> None:
        self._call(conn, "login_active", username, active)

    def login_dropped(self, conn: Connection, username: str) -> None:
        self._call(conn, "login_drop", username)

    def reopen(
        self, location: Path | str, keys: KeyHolder, opener: Callable[..., Engine]
    ) -> Engine:
        # The server's rows are not encrypted with the data key: the same engine serves on.
        return self._engine


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
