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
SQLAlchemy emits. The two that write (opening a case is audited; recording a meeting) do the
work Homeward must do, by hand: the write lock first, the audit event chained with the
workspace's real key (:class:`AuditChain`: the canonical bytes and HMACs written out here),
one commit. The case list and search are hand-written SQL in Homeward itself
(``app/store/case_list.py``), so their baseline is that SQL, run directly. The quarterly
summary's aggregate queries are replayed verbatim: rewriting them by hand would test the
rewriter, not the engine.
"""

from __future__ import annotations

import hmac
import json
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

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


def _read_user(conn: Any, username: str) -> None:
    """Read the signing-in user on ``conn``, then close it."""
    try:
        conn.execute(
            "SELECT id, username, display_name, role, language FROM users WHERE username = ?",
            (username,),
        ).fetchone()
    finally:
        conn.close()


def open_and_read_user_postgres(conninfo: dict[str, str], username: str) -> None:
    """Connect to the server and read the signing-in user: the floor of "unlock"."""
    _read_user(connect_postgres(conninfo), username)


def open_and_read_user(database: Path, key: bytes | None, username: str) -> None:
    """Open a connection, key it, and read the signing-in user: the floor of "unlock"."""
    conn = connect_cipher(database, key) if key is not None else connect_plain(database)
    _read_user(conn, username)


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


def begin_write(conn: Any) -> None:
    """Open a transaction holding the write lock, as Homeward's writes do: ``BEGIN IMMEDIATE``
    on SQLite; on PostgreSQL ``BEGIN`` and the transaction-scoped advisory lock that
    serialises Homeward's writers (app/store/adapters.py)."""
    if isinstance(conn, PgSQL):
        conn.execute("BEGIN")
        conn.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK_KEY,))
    else:
        conn.execute("BEGIN IMMEDIATE")


def stored_now() -> str:
    """Now, naive UTC, in the stored form the audit MAC covers (always with microseconds)."""
    return datetime.now(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


class AuditChain:
    """Appending to Homeward's audit chain by hand (DESIGN.md §5; the format is
    app/security/audit_chain.py's, written out here, not imported): each event's MAC is
    HMAC-SHA256 under the workspace's audit key over the previous event's MAC and the event's
    canonical bytes; the chain's head in ``settings`` is tagged with the same key. The key is
    the real one of the bench workspace: derived (HKDF-SHA256) from the audit secret stored in
    the database, once, as Homeward derives it once a session."""

    def __init__(self, conn: Any) -> None:
        stored = conn.execute("SELECT value FROM settings WHERE key = 'audit_secret'").fetchone()
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"homeward-audit-mac-v1")
        self.key = hkdf.derive(bytes.fromhex(json.loads(stored[0])))

    def append(
        self,
        conn: Any,
        *,
        now: str,
        user: str,
        action: str,
        entity_type: str,
        entity: str,
        fields: str,
        case: str,
        person: str,
    ) -> str:
        """Append one event inside the caller's write transaction and move the head: the
        last event's sequence and MAC (one indexed read), the new MAC, the ``INSERT``, the
        head's ``UPDATE``. Returns the new event's id."""
        last, previous = conn.execute(
            "SELECT sequence, mac FROM audit_events ORDER BY sequence DESC LIMIT 1"
        ).fetchone()
        sequence = last + 1

        def part(value: str) -> bytes:
            return b"%d:%b" % (len(value.encode()), value.encode())

        message = b"homeward-audit-v1|%d|%b%b%b%b%b%b" % (
            sequence,
            part(now),
            part(user),
            part(action),
            part(entity_type),
            part(entity),
            part(fields),
        )
        mac = hmac.digest(self.key, bytes.fromhex(previous) + message, "sha256")
        event_id = uuid.uuid4().hex
        conn.execute(
            """INSERT INTO audit_events (id, sequence, occurred_at, user_id, action,
            entity_type, entity_id, fields, mac, case_id, person_id, created_at, updated_at,
            created_by) VALUES (:id, :sequence, :now, :user, :action, :entity_type, :entity,
            :fields, :mac, :case, :person, :now, :now, :user)""",
            {
                "id": event_id,
                "sequence": sequence,
                "now": now,
                "user": user,
                "action": action,
                "entity_type": entity_type,
                "entity": entity,
                "fields": fields,
                "mac": mac.hex(),
                "case": case,
                "person": person,
            },
        )
        tag = hmac.digest(self.key, b"head" + sequence.to_bytes(8, "big") + mac, "sha256")
        head = json.dumps(
            {"mac": mac.hex(), "sequence": sequence, "tag": tag.hex()}, sort_keys=True
        )
        conn.execute(
            "UPDATE settings SET value = :head, updated_at = :now WHERE key = 'audit_head'",
            {"head": head, "now": now},
        )
        return event_id


def open_case(conn: Any, chain: AuditChain, case_id: str, user_id: str, written: list[str]) -> int:
    """Open a case as Homeward must (DESIGN.md: reading a case is audited, and it goes on the
    reader's recent list), in one committed transaction that holds the write lock from the
    start, in Homeward's order: the case; the audited view (:meth:`AuditChain.append`); the
    recent-view row (moved to now, or added and the reader's list cut to 30); then the other 8
    tabs' reads. ``written`` collects the audit rows' ids so that the caller can remove them
    again (:func:`forget`)."""
    postgres = isinstance(conn, PgSQL)
    begin_write(conn)
    (_case, case_sql), *tabs = OPEN_CASE_SQL
    cursor = conn.execute(case_sql, {"case": case_id})
    result = cursor.fetchall()
    # cases.client_id: the 7th column on SQLite; PostgreSQL's migrations placed the columns
    # in another order
    at = [d[0] for d in cursor.description].index("client_id") if postgres else 6
    client = result[0][at]
    rows = len(result)
    now = stored_now()
    written.append(
        chain.append(
            conn,
            now=now,
            user=user_id,
            action="view_case",
            entity_type="case",
            entity=case_id,
            fields="",
            case=case_id,
            person=client,
        )
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
        conn.execute(
            """DELETE FROM recent_views WHERE user_id = :user AND id NOT IN (SELECT id
            FROM recent_views WHERE user_id = :user ORDER BY viewed_at DESC, id LIMIT 30)""",
            {"user": user_id},
        )
    for _name, sql in tabs:
        rows += len(conn.execute(sql, {"case": case_id, "client": client}).fetchall())
    conn.execute("COMMIT")
    return rows


def audit_head(conn: Any) -> str:
    """The audit chain's head as stored (:meth:`AuditChain.append` moves it)."""
    return str(conn.execute("SELECT value FROM settings WHERE key = 'audit_head'").fetchone()[0])


def forget(conn: Any, table: str, ids: list[str]) -> None:
    """Delete the rows a baseline wrote (its audit events, its meetings) by id."""
    for at in range(0, len(ids), 500):
        chunk = ids[at : at + 500]
        conn.execute(f"DELETE FROM {table} WHERE id IN ({','.join('?' * len(chunk))})", chunk)


def put_back_head(conn: Any, head: str) -> None:
    """The chain's head as it was before a baseline appended to it: with the baseline's events
    deleted (the newest ones), the trail verifies again."""
    conn.execute("UPDATE settings SET value = ? WHERE key = 'audit_head'", (head,))


# --- writing a meeting ----------------------------------------------------------------------


RECORD_MEETING_SQL = """INSERT INTO meetings (id, case_id, occurred_at, duration_minutes, kind,
        location, recorded_by, summary, wellbeing, interpreter_used, follow_up_task_id,
        created_at, updated_at, created_by) VALUES (:id, :case_id, :occurred_at, 45, 'office',
        NULL, :user, :summary, 6, {no}, NULL, :now, :now, :user)"""
#: The statement per engine: a boolean is 0 in SQLite, ``false`` in PostgreSQL.
RECORD_MEETING = {
    False: RECORD_MEETING_SQL.format(no="0"),
    True: RECORD_MEETING_SQL.format(no="false"),
}
#: The audited fields of that meeting, sorted (names only, never values).
MEETING_FIELDS = "duration_minutes,kind,occurred_at,recorded_by,summary,wellbeing"


def record_meeting(conn: Any, chain: AuditChain, row: dict[str, Any]) -> str:
    """Record a meeting as Homeward must, in one committed transaction that holds the write
    lock from the start: check that the case exists (a worker may write on any case) and
    read its client; insert the meeting; append the audit event (:meth:`AuditChain.append`:
    action ``create``, entity ``meeting``, the filled fields' names, the case and client);
    move the case's last activity to now. Returns the audit event's id."""
    begin_write(conn)
    (client,) = conn.execute("SELECT client_id FROM cases WHERE id = :case_id", row).fetchone()
    conn.execute(RECORD_MEETING[isinstance(conn, PgSQL)], row)
    event = chain.append(
        conn,
        now=row["now"],
        user=row["user"],
        action="create",
        entity_type="meeting",
        entity=row["id"],
        fields=MEETING_FIELDS,
        case=row["case_id"],
        person=client,
    )
    conn.execute(
        "UPDATE cases SET last_activity_at = :now, updated_at = :now WHERE id = :case_id", row
    )
    conn.execute("COMMIT")
    return event


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
