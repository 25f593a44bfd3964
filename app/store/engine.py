"""SQLAlchemy engines over a SQLCipher 4 database keyed with a raw 256-bit key.

Contract of every connection this module hands out:

1. ``PRAGMA key = "x'<hex>'"`` is the very first statement (no passphrase, no SQLCipher KDF);
2. the key is proved by reading ``sqlite_master``;
3. the cipher configuration is checked (SQLCipher 4, HMAC on, no plaintext header);
4. then ``foreign_keys``, ``journal_mode=WAL``, ``synchronous=FULL``, ``temp_store=MEMORY``,
   ``secure_delete`` and ``busy_timeout`` are set.

An existing database is opened with ``mode=rw`` (or ``ro``), so a wrong path is an error and
never a new, empty database. Only ``create=True`` uses ``mode=rwc``, and only for a file
that does not exist yet. The key lives in a :class:`KeyHolder`; it never appears in a
URL, a log line or an exception message, and :meth:`KeyHolder.forget` overwrites it.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql.selectable import FromClause

from app.kernel.errors import DatabaseDamagedError, WorkspaceError
from app.kernel.i18n import _
from app.store import failures, search

log = logging.getLogger(__name__)

SQLITE_PLAINTEXT_MAGIC = b"SQLite format 3\x00"
#: The execution option that makes a connection's transactions writers' ones (see
#: :func:`begin`): set on the engine a writing unit of work is bound to.
WRITER = "homeward_writer"
BUSY_TIMEOUT_MS = 10_000
#: Page cache per connection, in KiB (SQLite's default is 2 MiB). Filled only as pages are read.
#: It holds everything the quarterly summary reads at 100,000 cases (about 76 MB), so a
#: second computation (preview, then PDF, then CSV) decrypts nothing again.
CACHE_KIB = 96 * 1024
#: Written into the (encrypted) header at creation: "HMWD".
APPLICATION_ID = 0x484D5744
_quietened = False


def _quieten_sqlcipher_log() -> None:
    """SQLCipher logs decryption failures to stderr; we report them ourselves, once."""
    global _quietened
    if not _quietened:
        probe = sqlcipher.connect(":memory:")
        try:
            probe.execute("PRAGMA cipher_log_level = NONE")
        finally:
            probe.close()
        _quietened = True


class KeyHolder:
    """Owns the raw data key for as long as the workspace is unlocked."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the data key must be 32 bytes")
        self._key = bytearray(key)

    @property
    def present(self) -> bool:
        return any(self._key)

    def pragma(self) -> str:
        if not self.present:
            raise WorkspaceError(_("The workspace is locked. Sign in again to continue."))
        return "PRAGMA key = \"x'" + self._key.hex() + "'\""

    def material(self) -> bytes:
        if not self.present:
            raise WorkspaceError(_("The workspace is locked. Sign in again to continue."))
        return bytes(self._key)

    def forget(self) -> None:
        for i in range(len(self._key)):
            self._key[i] = 0

    def __repr__(self) -> str:  # never show the key, even in a debugger or traceback
        return "KeyHolder(<hidden>)"


def is_plaintext_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == SQLITE_PLAINTEXT_MAGIC
    except OSError:
        return False


def _check_cipher(conn: Any) -> None:
    version = conn.execute("PRAGMA cipher_version").fetchone()
    if not version or not str(version[0]).startswith("4."):
        raise WorkspaceError(
            _("This Homeward needs SQLCipher 4; the installed library is different.")
        )
    settings = {row[0].strip().rstrip(";") for row in conn.execute("PRAGMA cipher_settings")}
    required = {"PRAGMA cipher_use_hmac = 1", "PRAGMA cipher_plaintext_header_size = 0"}
    if not required <= settings:
        raise WorkspaceError(_("The database cipher settings are not the ones Homeward requires."))


def _apply_pragmas(conn: Any, *, read_only: bool) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA temp_store = MEMORY")
    # A larger page cache: SQLCipher decrypts and authenticates every page it has to read
    # again, so keeping hot pages saves most of the cost of encryption on big reads.
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA synchronous = FULL")
    if not read_only:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
        if not mode or str(mode[0]).lower() != "wal":
            raise WorkspaceError(_("The database could not be switched to safe journal mode."))


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _check_writable(path: Path) -> None:
    """Refuse, before SQLite opens anything, a database or journal that cannot be written:
    SQLite would open it read-only, fail at the first write and leave its ``-wal`` and
    ``-shm`` behind (it cannot checkpoint into a file it may not write)."""
    for file in (path, *_sidecars(path)):
        if file.exists() and not os.access(file, os.W_OK):
            raise failures.read_only(path.parent)


def _tidy_after_failed_open(path: Path, existed: set[Path]) -> None:
    """Remove the ``-shm`` and empty ``-wal`` that a failed first open made (a full disk
    stops SQLite after it has created them). Only files that were not there before: while
    any connection has the database open in WAL mode both exist, so these belong to nobody.
    A ``-wal`` with anything in it is never touched."""
    wal, shm = _sidecars(path)
    with contextlib.suppress(OSError):
        if wal not in existed and wal.exists() and wal.stat().st_size == 0:
            wal.unlink()
        if shm not in existed and not wal.exists():
            shm.unlink(missing_ok=True)


def open_connection(
    path: Path, keys: KeyHolder, *, create: bool = False, read_only: bool = False
) -> Any:
    """One raw ``sqlcipher3`` connection, keyed, proved and configured (see module docstring).

    A failure leaves no ``-wal`` or ``-shm`` behind that it made; the driver's errors are
    left to :func:`app.store.failures.plain_error`, except that a file the key does not open
    is reported as damaged.
    """
    _quieten_sqlcipher_log()
    path = Path(path).resolve()
    if create:
        if path.exists():
            raise WorkspaceError(_("A database file already exists here; it was left untouched."))
        mode = "rwc"
    else:
        if not path.is_file():
            raise WorkspaceError(
                _("The database file {path} does not exist. Nothing was created.").format(
                    path=path.name
                )
            )
        if path.stat().st_size == 0:
            raise DatabaseDamagedError(
                _("The database file is empty. It was left as it is; restore from a backup.")
            )
        if is_plaintext_sqlite(path):
            raise DatabaseDamagedError(
                _("The database file is not encrypted, so Homeward refuses to use it.")
            )
        if not read_only:
            _check_writable(path)
        mode = "ro" if read_only else "rw"
    existed = {p for p in _sidecars(path) if p.exists()}
    uri = f"{path.as_uri()}?mode={mode}"
    conn = sqlcipher.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
    if create:
        os.chmod(path, 0o600)  # SQLite gives the -wal and -shm files the same mode
    try:
        conn.execute(keys.pragma())
        try:
            count = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlcipher.DatabaseError as exc:
            if failures.sqlite_code(exc) not in (failures.SQLITE_NOTADB, failures.SQLITE_CORRUPT):
                raise  # a full disk or a read-only folder is not a wrong key
            raise DatabaseDamagedError(
                _(
                    "The database could not be decrypted with this workspace's key: the file "
                    "is damaged or belongs to other key slots. Nothing was changed; restore "
                    "from a backup."
                )
            ) from None
        _check_cipher(conn)
        if create:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        else:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if count == 0 or app_id != APPLICATION_ID:
                raise DatabaseDamagedError(
                    _("The database file holds no Homeward data. It was left as it is.")
                )
        _apply_pragmas(conn, read_only=read_only)
        search.register(conn)
    except BaseException:
        conn.close()
        if not create:
            _tidy_after_failed_open(path, existed)
        raise
    return conn


class _Compiler(SQLiteCompiler):
    """SQLite's compiler, rendering table hints: ``select(...).with_hint(Case, "INDEXED BY
    ix_cases_id_kind")`` becomes ``cases INDEXED BY ix_cases_id_kind`` (SQLAlchemy drops
    hints for SQLite). SQLite then uses that index or fails with "no such index": a query
    whose speed depends on one index says so, and a migration that drops it breaks a test
    instead of quietly making the query slow."""

    def get_from_hint_text(self, table: FromClause, text: str | None) -> str | None:
        return text


def begin(conn: Connection) -> None:
    """Begin ``conn``'s transaction (the engine's ``begin`` event). A writer's (the
    :data:`WRITER` execution option) takes the write lock first, waiting its turn behind
    another writer (the busy timeout), so that what it reads is still true when it writes.
    SQLite cannot turn a read transaction into a write once another writer has committed: a
    transaction begun with a plain ``BEGIN`` that writes later fails with "database is
    locked" instead of waiting."""
    if conn.get_execution_options().get(WRITER):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(
    path: Path, keys: KeyHolder, *, read_only: bool = False, create: bool = False
) -> Engine:
    """An engine whose every pooled connection goes through :func:`open_connection`.

    Transactions are SQLAlchemy's: the DBAPI runs in autocommit and the engine emits
    ``BEGIN`` itself (``BEGIN IMMEDIATE`` for a writer, see
    :meth:`~app.store.adapters.Adapter.begin`), so a unit of work really is one SQLite
    transaction.
    """
    path = Path(path)
    # Open one connection now so that errors (missing file, wrong key) surface here.
    # With ``create`` it makes the file; later connections open it read-write as usual.
    first = open_connection(path, keys, read_only=read_only, create=create)
    handed_first = False

    def creator() -> Any:
        nonlocal handed_first
        if not handed_first:
            handed_first = True
            return first
        return open_connection(path, keys, read_only=read_only)

    engine = create_engine(
        "sqlite://",
        module=sqlcipher,
        creator=creator,
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
        pool_use_lifo=True,  # the database thread keeps reusing one connection, and its cache
        pool_pre_ping=False,
        hide_parameters=True,  # statement errors must never carry client data into logs
    )

    engine.dialect.statement_compiler = _Compiler

    event.listen(engine, "begin", begin)

    return engine
