"""What differs between the two engines Homeward runs on, in one place per engine.

A workspace's database is either a SQLCipher file (the laptop, as always) or a PostgreSQL
database (a team's server, issue 19). Everything above the store speaks SQLAlchemy; the few
things SQLAlchemy leaves to the engine sit in an :class:`Adapter`:

- how a transaction begins, a unit of work's or a hand-written one (a snapshot for reading;
  the write lock first for writing: ``BEGIN IMMEDIATE`` on SQLite, a transaction-scoped
  advisory lock on PostgreSQL), so that writers queue instead of failing;
- how migrations run (SQLite rebuilds tables with foreign keys off and checks them after;
  PostgreSQL alters tables in place inside the transaction);
- the integrity check;
- what key rotation and erasure do to the stored data (SQLCipher re-encrypts and rewrites
  its file; a server's rows are not encrypted with the data key, and are rewritten by
  ``VACUUM FULL``);
- hand-written SQL: written once in SQLite's ``?``/``:name`` style, handed to PostgreSQL's
  driver in its ``%s``/``%(name)s`` style, and its results read in SQLite's stored forms
  (UUIDs as 32 hex digits, times as ``YYYY-MM-DD HH:MM:SS.ffffff``, booleans as 0/1), so
  the readers written for SQLite (:mod:`app.store.prepared`, the case list) work unchanged;
- planner hints (``+col`` keeps SQLite off an index; ``CROSS JOIN`` fixes its join order)
  and the case search (FTS5 on SQLite, a trigram index on PostgreSQL).

``adapter(engine)`` picks the adapter by the engine's dialect: services never ask which
engine they run on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    TypeDecorator,
    Uuid,
    type_coerce,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from app.kernel.errors import WorkspaceError
from app.kernel.i18n import _
from app.store import search
from app.store.engine import WRITER, KeyHolder, open_connection

#: The key of PostgreSQL's transaction-scoped advisory lock that serialises writers the way
#: SQLite's single write lock does ("HMWD", the SQLCipher file's application id).
WRITE_LOCK_KEY = 0x484D5744
#: The execution option that marks an engine signed in to a team server as one of its users
#: (issue 20): the audit trail is appended and checked by the server's own functions.
TEAM = "homeward_team"


class Adapter:
    """The SQLite (SQLCipher) behaviour; :class:`PostgresAdapter` overrides what differs."""

    name: ClassVar[str] = "sqlite"
    #: Whether the audit trail is appended and checked by the database server itself (a team
    #: server, :mod:`app.store.team_schema`), which alone holds its MAC key.
    audit_on_server: ClassVar[bool] = False

    def begin_read(self, cursor: Any) -> None:
        """Start a read transaction on a raw cursor: one snapshot for every statement."""
        cursor.execute("BEGIN")

    def begin_write(self, cursor: Any) -> None:
        """Start a write transaction on a raw cursor, taking the write lock first, so that
        what it reads is still true when it writes."""
        cursor.execute("BEGIN IMMEDIATE")

    def lock_for_writing(self, conn: Connection) -> None:
        """Take the write lock inside ``conn``'s transaction before reading what a write
        depends on (the audit chain's last event), for a transaction not begun as a writer's
        (a writing unit of work holds it already). SQLite: nothing to do, one writer at a
        time already (a second one that read a stale end fails rather than forks the chain)."""

    def cursor(self, raw: Any) -> Any:
        """A raw DB-API cursor that runs hand-written SQL as written (see the module)."""
        return raw

    def sql(self, statement: str) -> str:
        """``statement`` (``?`` or ``:name`` parameters) as this engine's driver takes it."""
        return statement

    def unindexed(self, column: str) -> str:
        """``column`` written so that the planner does not use its index (``+c.kind``)."""
        return "+" + column

    #: A join the planner must not reorder (the left table is the outer loop).
    fixed_join: ClassVar[str] = "CROSS JOIN"

    def walked_in(self, column: str, marks: list[str]) -> str:
        """``column`` is one of the bound values ``marks``, in a query whose rows must come
        from the index led by ``column`` (with :meth:`leading_order`)."""
        return f"{column} IN ({', '.join(marks)})"

    def leading_order(self, column: str, descending: bool) -> str:
        """What an ``ORDER BY`` starts with so that the planner walks the index led by
        ``column`` (say ``(status, last_activity_at)`` for one status, newest first). SQLite
        finds that index by itself: nothing."""
        return ""

    def search_terms(self, text: str, alias: str) -> tuple[str, dict[str, Any]] | None:
        """SQL true for the search lines (``alias``) holding every word of ``text``: the
        FTS5 trigram index for words of three characters or more."""
        return search.match_terms(text, alias)

    @contextmanager
    def upgrading(self, conn: Connection) -> Iterator[None]:
        """Around a migration run in ``conn``'s transaction (begun inside this block).

        SQLite: foreign keys are switched off meanwhile (outside the transaction, where
        SQLite honours it): when a migration rebuilds a table, dropping the old copy must not
        cascade into the rows that point at it. They are checked before commit and switched
        back on after.
        """
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            yield
        finally:
            raw.execute("PRAGMA foreign_keys = ON")

    def broken_links(self, conn: Connection) -> bool:
        """Whether any row points at a row that does not exist (checked before a migration
        commits)."""
        return bool(self.broken_link_count(conn))

    def broken_link_count(self, conn: Connection) -> int:
        """How many rows point at a row that does not exist."""
        return len(conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall())

    def cipher_problems(self, conn: Connection) -> list[str]:
        """What the encryption layer finds wrong with the stored pages (empty: nothing)."""
        return [str(r[0]) for r in conn.exec_driver_sql("PRAGMA cipher_integrity_check")]

    def storage_problems(self, conn: Connection, *, quick: bool = False) -> list[str]:
        """What the engine's own check finds wrong with its storage (empty: nothing). It may
        raise on damage it cannot read past, which is a finding too."""
        pragma = "quick_check" if quick else "integrity_check"
        found = [str(r[0]) for r in conn.exec_driver_sql(f"PRAGMA {pragma}")]
        return [line for line in found if line != "ok"]

    def rekey(self, location: Path | str, keys: KeyHolder, new_key: bytes) -> None:
        """Make ``new_key`` the key of the database at ``location`` (open with ``keys``; the
        engine's connections closed first): ``PRAGMA rekey`` re-encrypts the file in one
        transaction, so it either happened or it did not."""
        conn = open_connection(Path(location), keys)
        try:
            conn.execute("PRAGMA rekey = \"x'" + new_key.hex() + "'\"")
        finally:
            conn.close()

    def purge_free_pages(self, engine: Engine, location: Path | str, keys: KeyHolder) -> None:
        """Rewrite the stored data so that removed rows leave no bytes behind (after an
        erasure). SQLite: merge the search index's segments (only then do deleted terms
        leave it too), ``VACUUM`` and empty the WAL; ``VACUUM`` needs the only connection,
        so the engine's pool is closed first (it reopens on the next use)."""
        engine.dispose()
        conn = open_connection(Path(location), keys)
        try:
            conn.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('optimize')")
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()

    def table_names(self, conn: Connection) -> list[str]:
        """Every table of the workspace's schema (the engine's own left out)."""
        return [
            str(r[0])
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]


class PostgresAdapter(Adapter):
    name: ClassVar[str] = "postgresql"

    def begin(self, conn: Connection) -> None:
        """Begin ``conn``'s transaction (the server engine's ``begin`` event): a writer's (the
        ``WRITER`` execution option) takes the write lock first, as SQLite's ``BEGIN
        IMMEDIATE`` does (:func:`app.store.engine.begin`); psycopg opens the transaction at
        its first statement, so a reader's needs nothing."""
        if conn.get_execution_options().get(WRITER):
            self.lock_for_writing(conn)

    def begin_read(self, cursor: Any) -> None:
        # psycopg opens the transaction at the first statement; this one makes it a single
        # snapshot that cannot write.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def begin_write(self, cursor: Any) -> None:
        cursor.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK_KEY,))  # translated

    def lock_for_writing(self, conn: Connection) -> None:
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))

    def cursor(self, raw: Any) -> Any:
        from app.store.pg_forms import read_stored_forms  # psycopg only when it is used

        read_stored_forms(raw)
        return TranslatingCursor(raw, self)

    def sql(self, statement: str) -> str:
        return to_pyformat(statement)

    def unindexed(self, column: str) -> str:
        return column

    fixed_join: ClassVar[str] = "JOIN"

    def walked_in(self, column: str, marks: list[str]) -> str:
        # Not IN: PostgreSQL makes a one-value IN an equality, and then drops the column from
        # the ORDER BY (one value sorts as nothing), which undoes leading_order.
        return f"{column} = ANY(ARRAY[{', '.join(marks)}])"

    def leading_order(self, column: str, descending: bool) -> str:
        # One status, newest first: closed cases are the oldest, but PostgreSQL assumes them
        # spread evenly and walks the activity index, passing every open case on the way
        # (16,500 rows read for 200, 40–400 ms at 100,000 cases). Sorting by the status
        # first (one value: the order is the same) leaves only the (status, activity)
        # index giving that order: 200 rows read, 2–6 ms (bench/, issue 19).
        return f"{column}{' DESC' if descending else ''}, "

    def search_terms(self, text: str, alias: str) -> tuple[str, dict[str, Any]] | None:
        # LIKE on the lines: the trigram GIN index serves it (no FTS5 here).
        return search.line_terms(text, alias)

    @contextmanager
    def upgrading(self, conn: Connection) -> Iterator[None]:
        # Tables are altered in place and foreign keys are checked as each statement runs.
        yield

    def broken_links(self, conn: Connection) -> bool:
        return False

    def broken_link_count(self, conn: Connection) -> int:
        return 0  # foreign keys are enforced as each statement runs, never switched off

    def cipher_problems(self, conn: Connection) -> list[str]:
        return []  # no encryption layer of Homeward's: the server's disks are the server's

    def storage_problems(self, conn: Connection, *, quick: bool = False) -> list[str]:
        return []  # the server checks its pages (checksums) as it reads them

    def rekey(self, location: Path | str, keys: KeyHolder, new_key: bytes) -> None:
        # Nothing on the server is encrypted with the data key (the server's access control
        # and disks protect its rows): the new key takes effect in the key slots, and so in
        # every backup made from now on. The audit chain's key is kept in the database and
        # stays (the chain written before still verifies).
        return

    def purge_free_pages(self, engine: Engine, location: Path | str, keys: KeyHolder) -> None:
        # VACUUM FULL writes each table anew without its dead rows and drops the old files
        # (plain VACUUM only marks their space free, the bytes stay). What the server keeps
        # besides (its write-ahead log, its own backups) is its administrator's to expire.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            names = ", ".join(f'"{name}"' for name in self.table_names(conn))
            conn.exec_driver_sql(f"VACUUM FULL {names}")

    def table_names(self, conn: Connection) -> list[str]:
        return [
            str(r[0])
            for r in conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        ]


class TeamAdapter(PostgresAdapter):
    """A team server signed in to as one of its users: PostgreSQL, with the audit trail in the
    server's hands (its functions hold the MAC key) and the schema its owner's to change."""

    audit_on_server: ClassVar[bool] = True


SQLITE = Adapter()
POSTGRES = PostgresAdapter()
TEAM_SERVER = TeamAdapter()
_BY_DIALECT: dict[str, Adapter] = {SQLITE.name: SQLITE, POSTGRES.name: POSTGRES}


def adapter(bind: Engine | Connection | Session) -> Adapter:
    """The adapter of the engine behind ``bind``."""
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    name = engine.dialect.name
    if name == POSTGRES.name and engine.get_execution_options().get(TEAM):
        return TEAM_SERVER
    try:
        return _BY_DIALECT[name]
    except KeyError:
        raise WorkspaceError(
            _("Homeward cannot use this kind of database ({name}).").format(name=name)
        ) from None


class StoredBytes(FunctionElement[bytes]):
    """A column's value as the bytes SQLite stores (see :func:`stored_bytes`); a function
    element so that the column is part of the statement's cache key."""

    inherit_cache = True
    type = LargeBinary()
    name = "stored_bytes"

    @property
    def column(self) -> ColumnElement[Any]:
        return next(iter(self.clauses))


def stored_bytes(column: ColumnElement[Any]) -> StoredBytes:
    """``column`` read as the UTF-8 bytes of its SQLite stored form, whatever the engine: UUIDs
    as 32 hex digits, times as ``YYYY-MM-DD HH:MM:SS.ffffff``, numbers and text as text. For
    the audit chain, whose MACs cover those bytes: no tampered value can make the driver fail
    (anything odd simply fails its MAC), and a chain written on one engine verifies the same
    way on the other."""
    return StoredBytes(column)


@compiles(StoredBytes, "sqlite")
def _stored_bytes_sqlite(element: StoredBytes, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.column, **kw)} AS BLOB)"


@compiles(StoredBytes, "postgresql")
def _stored_bytes_postgresql(element: StoredBytes, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    kind = element.column.type
    if isinstance(kind, Uuid):
        text = f"replace(CAST({column} AS text), '-', '')"
    elif isinstance(kind, DateTime):
        text = f"to_char({column}, 'YYYY-MM-DD HH24:MI:SS.US')"
    else:
        text = f"CAST({column} AS text)"
    return f"convert_to({text}, 'UTF8')"


class _WholeNumber(TypeDecorator[int]):
    """An integer result read as ``int``: PostgreSQL sums integers as ``numeric``, which the
    driver hands back as ``Decimal`` (SQLite's are ``int`` already; nothing changes there)."""

    impl = Integer
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> int | None:
        return None if value is None else int(value)


def whole(expression: ColumnElement[Any]) -> ColumnElement[int]:
    """``expression`` (a ``sum`` of integers) read as an ``int`` on every engine; the SQL is
    unchanged."""
    return type_coerce(expression, _WholeNumber())


#: A quoted string, a quoted name, a ``?`` or a ``:name`` (not ``::type``), or a ``%``.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|(?<![:\w]):([A-Za-z_]\w*)|%")


@lru_cache(maxsize=1024)
def to_pyformat(statement: str) -> str:
    """SQLite's ``?`` and ``:name`` parameters as psycopg's ``%s`` and ``%(name)s``; every
    literal ``%`` doubled (psycopg reads them inside quotes too); ``?`` and ``:name`` inside
    quoted strings and names left alone. Only for a statement run with parameters: psycopg
    leaves one without them as it is."""

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        if found == "?":
            return "%s"
        if found == "%":
            return "%%"
        if match.group(1) is not None:
            return f"%({match.group(1)})s"
        return found.replace("%", "%%")

    return _TOKENS.sub(replace, statement)


class TranslatingCursor:
    """A psycopg cursor that takes hand-written SQL in SQLite's parameter style."""

    def __init__(self, raw: Any, engine_adapter: Adapter) -> None:
        self._raw = raw
        self._adapter = engine_adapter

    def execute(self, statement: str, params: Any = None) -> TranslatingCursor:
        if params is None:
            self._raw.execute(statement)
        else:
            self._raw.execute(self._adapter.sql(statement), params)
        return self

    def executemany(self, statement: str, params: Any) -> TranslatingCursor:
        self._raw.executemany(self._adapter.sql(statement), params)
        return self

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._raw)
