"""Hand-written SQL baselines: the same questions Homeward's services answer, asked directly.

On SQLCipher each baseline runs twice in the same process as Homeward's measurement:

- ``cipher``: through ``sqlcipher3`` on the SAME encrypted database file (keyed with the raw
  data key, the same connection pragmas as Homeward's engine) — the floor for Homeward's own
  overhead (ORM, services, permissions, audit);
- ``plain``: through the standard ``sqlite3`` module on an unencrypted copy made with
  ``sqlcipher_export`` — the difference to ``cipher`` is the cost of encryption.

On PostgreSQL once, through ``psycopg`` on the same database Homeward uses
(:class:`PgSQL`): the same statements with PostgreSQL's parameter style, and where the two
engines differ PostgreSQL's own SQL (the write lock is ``pg_advisory_xact_lock``, as
Homeward's; booleans are ``false``, not 0).

The SQL is what a careful developer would write by hand for the screen, not a copy of what
SQLAlchemy emits. The case list and search are hand-written SQL in Homeward itself
(``app/store/case_list.py``), so their baseline is that SQL, run directly. The quarterly
summary's aggregate queries are replayed verbatim: rewriting them by hand would test the
rewriter, not the engine.
"""

from __future__ import annotations

import hmac
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from app.store import case_list, search
from app.store.adapters import WRITE_LOCK_KEY, to_pyformat
from app.store.engine import CACHE_KIB


def connect_cipher(database: Path, key: bytes) -> Any:
    conn = sqlcipher.connect(str(database), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA key = \"x'" + key.hex() + "'\"")
    _pragmas(conn)
    search.register(conn)
    return conn


def connect_plain(database: Path) -> Any:
    conn = sqlite3.connect(str(database), isolation_level=None, check_same_thread=False)
    _pragmas(conn)
    search.register(conn)
    return conn


class PgSQL:
    """A psycopg connection (autocommit: each statement its own transaction unless a
    ``BEGIN`` opens one, as with the SQLite baselines) that takes the baselines' SQL, written
    once with SQLite's ``?`` and ``:name`` parameters, in psycopg's ``%s`` and ``%(name)s``."""

    def __init__(self, conninfo: dict[str, str]) -> None:
        import psycopg

        from app.store.pg_engine import CUSTOM_PLANS

        # The session settings of Homeward's connections (app/store/pg_engine.py), as the
        # SQLite baselines have its pragmas: each statement planned for its values.
        options = f"-c TimeZone=UTC -c {CUSTOM_PLANS}"
        self.raw = psycopg.connect(**conninfo, options=options, autocommit=True)

    def execute(self, sql: str, params: Any = None) -> Any:
        if params is None:
            return self.raw.execute(sql)
        return self.raw.execute(to_pyformat(sql), params)

    def close(self) -> None:
        self.raw.close()


def connect_postgres(conninfo: dict[str, str]) -> PgSQL:
    return PgSQL(conninfo)


def _pragmas(conn: Any) -> None:
    # As app/store/engine.py sets them on every Homeward connection.
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA journal_mode = WAL")


def open_and_read_user_postgres(conninfo: dict[str, str], username: str) -> None:
    """Connect to the server and read the signing-in user: the floor of "unlock"."""
    conn = connect_postgres(conninfo)
    try:
        conn.execute(
            "SELECT id, username, display_name, role, language FROM users WHERE username = ?",
            (username,),
        ).fetchone()
    finally:
        conn.close()


def open_and_read_user(database: Path, key: bytes | None, username: str) -> None:
    """Open a connection, key it, and read the signing-in user: the floor of "unlock"."""
    conn = connect_cipher(database, key) if key is not None else connect_plain(database)
    try:
        conn.execute(
            "SELECT id, username, display_name, role, language FROM users WHERE username = ?",
            (username,),
        ).fetchone()
    finally:
        conn.close()


# --- the case list and search: Homeward's own hand-written SQL -------------------------------
#
# The case list's SQL is hand-written (app/store/case_list.py); the floor for Homeward's
# overhead is that SQL run directly, with the same choice of strategy (the count decides),
# and nothing around it: no unit of work, no permission check, no row objects.


def first_page(conn: Any, spec: case_list.ListSpec, limit: int = 200) -> int:
    """Count the matches and read the first ``limit`` rows (the case list's one call)."""
    sql, params = case_list.count(spec)
    total = int(conn.execute(sql, params).fetchone()[0])
    if total:
        sql, params = case_list.page(spec, total, 0, limit)
        assert len(conn.execute(sql, params).fetchall()) <= limit
    return total


def all_ids(conn: Any, spec: case_list.ListSpec) -> int:
    """Every id of a list, in list order (what scrolling anywhere needs)."""
    sql, params = case_list.all_ids(spec)
    return len(conn.execute(sql, params).fetchall())


def rows_by_id(conn: Any, ids: list[str], volunteer: str | None) -> int:
    """The list rows of some cases, by id."""
    sql, params = case_list.rows_by_id(ids, volunteer)
    return len(conn.execute(sql, params).fetchall())


# --- one case's workspace -----------------------------------------------------------------

OPEN_CASE_SQL = [
    (
        "case",
        """SELECT c.*, p.given_name, p.family_name, w.display_name, v.display_name, i.name
        FROM cases c JOIN people p ON p.id = c.client_id
        LEFT JOIN users w ON w.id = c.worker_id LEFT JOIN users v ON v.id = c.volunteer_id
        LEFT JOIN institutions i ON i.id = c.institution_id WHERE c.id = :case""",
    ),
    (
        "needs",
        "SELECT * FROM needs WHERE case_id = :case ORDER BY identified_on, created_at, id",
    ),
    (
        "meetings",
        """SELECT m.*, u.display_name FROM meetings m LEFT JOIN users u ON u.id = m.recorded_by
        WHERE m.case_id = :case ORDER BY m.occurred_at DESC""",
    ),
    (
        "tasks",
        """SELECT t.*, u.display_name FROM tasks t LEFT JOIN users u ON u.id = t.assignee_id
        WHERE t.case_id = :case ORDER BY t.done, t.due_on, t.id LIMIT 500""",
    ),
    (
        "referrals",
        """SELECT r.*, n.domain, o.name, o.type FROM referrals r
        JOIN organisations o ON o.id = r.organisation_id LEFT JOIN needs n ON n.id = r.need_id
        WHERE r.case_id = :case ORDER BY r.created_at DESC, r.id""",
    ),
    (
        "documents",
        """SELECT a.id, a.filename, a.media_type, a.size, a.sha256, a.created_at, u.display_name
        FROM attachments a LEFT JOIN users u ON u.id = a.created_by
        WHERE a.case_id = :case ORDER BY a.created_at DESC, a.id""",
    ),
    (
        "people",
        """SELECT r.*, o.given_name, o.family_name FROM relationships r
        JOIN people o ON o.id = CASE WHEN r.person_id = :client THEN r.related_person_id
                                     ELSE r.person_id END
        WHERE r.person_id = :client OR r.related_person_id = :client""",
    ),
    (
        "history",
        """SELECT sequence, occurred_at, user_id, action, entity_type, entity_id, fields,
        case_id, person_id FROM audit_events WHERE case_id = :case
        ORDER BY sequence DESC LIMIT 500""",
    ),
    (
        "consent",
        """SELECT EXISTS (SELECT 1 FROM referrals WHERE case_id = :case), c.scope, c.given_on,
        c.created_at, c.expires_on, c.withdrawn_on
        FROM cases k LEFT JOIN consents c ON c.person_id = k.client_id WHERE k.id = :case""",
    ),
]


def open_case(conn: Any, case_id: str, user_id: str, written: list[str]) -> int:
    """Read every tab's data, then record the view as Homeward must (DESIGN.md: reading a
    case is audited, and it goes on the reader's recent list): one audit row chained to the
    previous one (read the last sequence and MAC, HMAC the new event over it), the chain's
    head in ``settings``, and the recent-view row, in one committed transaction. ``written``
    collects the audit rows' ids so that the caller can remove them again
    (:func:`forget_views`)."""
    postgres = isinstance(conn, PgSQL)
    rows = 0
    client = None
    for name, sql in OPEN_CASE_SQL:
        cursor = conn.execute(sql, {"case": case_id, "client": client})
        result = cursor.fetchall()
        if name == "case":
            # cases.client_id: the 7th column on SQLite; PostgreSQL's migrations placed the
            # columns in another order
            at = [d[0] for d in cursor.description].index("client_id") if postgres else 6
            client = result[0][at]
        rows += len(result)
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    event_id = uuid.uuid4().hex
    if postgres:  # Homeward's write lock on PostgreSQL (app/store/adapters.py)
        conn.execute("BEGIN")
        conn.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK_KEY,))
    else:
        conn.execute("BEGIN IMMEDIATE")
    sequence, previous = conn.execute(
        "SELECT sequence, mac FROM audit_events ORDER BY sequence DESC LIMIT 1"
    ).fetchone()
    sequence += 1
    message = f"{sequence}|{now}|{user_id}|view_case|case|{case_id}|".encode()
    mac = hmac.new(b"bench", bytes.fromhex(previous) + message, "sha256").hexdigest()
    conn.execute(
        """INSERT INTO audit_events (id, sequence, occurred_at, user_id, action, entity_type,
        entity_id, fields, mac, case_id, person_id, created_at, updated_at, created_by)
        VALUES (:id, :sequence, :now, :user, 'view_case', 'case', :case, '', :mac, :case,
        :client, :now, :now, :user)""",
        {
            "id": event_id,
            "sequence": sequence,
            "now": now,
            "user": user_id,
            "case": case_id,
            "mac": mac,
            "client": client,
        },
    )
    head = f'{{"mac": "{mac}", "sequence": {sequence}, "tag": "{mac}"}}'
    conn.execute(
        "UPDATE settings SET value = :head, updated_at = :now WHERE key = 'audit_head'",
        {"head": head, "now": now},
    )
    updated = conn.execute(
        "UPDATE recent_views SET viewed_at = :now, updated_at = :now "
        "WHERE user_id = :user AND case_id = :case",
        {"now": now, "user": user_id, "case": case_id},
    ).rowcount
    if not updated:
        conn.execute(
            """INSERT INTO recent_views (id, user_id, case_id, viewed_at, created_at, updated_at,
            created_by) VALUES (:id, :user, :case, :now, :now, :now, :user)""",
            {"id": uuid.uuid4().hex, "now": now, "user": user_id, "case": case_id},
        )
    conn.execute("COMMIT")
    written.append(event_id)
    return rows


def audit_head(conn: Any) -> str:
    """The audit chain's head as stored (:func:`open_case` overwrites it)."""
    return str(
        conn.execute("SELECT value FROM settings WHERE key = 'audit_head'").fetchone()[0]
    )


def forget_views(conn: Any, written: list[str], user_id: str, head: str) -> None:
    """Remove what :func:`open_case` wrote and put the chain's head back (the audit trail
    must stay verifiable)."""
    conn.execute(
        f"DELETE FROM audit_events WHERE id IN ({','.join('?' * len(written))})",
        written,
    )
    conn.execute("DELETE FROM recent_views WHERE user_id = ?", (user_id,))
    conn.execute("UPDATE settings SET value = ? WHERE key = 'audit_head'", (head,))


# --- writing a meeting ----------------------------------------------------------------------


RECORD_MEETING_SQL = """INSERT INTO meetings (id, case_id, occurred_at, duration_minutes, kind,
        location, recorded_by, summary, wellbeing, interpreter_used, follow_up_task_id,
        created_at, updated_at, created_by) VALUES (:id, :case_id, :occurred_at, 45, 'office',
        NULL, :user, :summary, 3, {no}, NULL, :now, :now, :user)"""
#: The statement per engine: a boolean is 0 in SQLite, ``false`` in PostgreSQL.
RECORD_MEETING = {
    False: RECORD_MEETING_SQL.format(no="0"),
    True: RECORD_MEETING_SQL.format(no="false"),
}


def record_meeting(conn: Any, row: dict[str, Any]) -> None:
    """Insert the meeting and touch the case's last activity, in one committed transaction."""
    conn.execute("BEGIN")
    conn.execute(RECORD_MEETING[isinstance(conn, PgSQL)], row)
    conn.execute(
        "UPDATE cases SET last_activity_at = :now, updated_at = :now WHERE id = :case_id", row
    )
    conn.execute("COMMIT")


def replay(conn: Any, statements: list[tuple[str, Any]]) -> int:
    """Run captured (SQL, parameters) pairs and fetch every row. On PostgreSQL they are in
    psycopg's parameter style already (captured from Homeward's engine)."""
    if isinstance(conn, PgSQL):
        conn = conn.raw
    rows = 0
    for sql, params in statements:
        cursor = conn.execute(sql, params) if params is not None else conn.execute(sql)
        rows += len(cursor.fetchall()) if cursor.description else 0
    return rows
