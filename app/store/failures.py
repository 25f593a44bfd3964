"""The disk's and SQLite's refusals (and a database server's full disk), in words for people:
the one place they are translated.

A full disk, a read-only folder or file and a damaged page reach Homeward as codes: SQLite's
result codes (``SQLITE_FULL``, ``SQLITE_READONLY``, ``SQLITE_CANTOPEN``, ``SQLITE_IOERR``,
``SQLITE_CORRUPT``, ``SQLITE_NOTADB``), raw or wrapped by SQLAlchemy, and the operating
system's ``errno`` (``ENOSPC``, ``EDQUOT``, ``EROFS``, ``EACCES``, ``EPERM``, ``EIO``).
:func:`plain_error` turns each into a :class:`~app.kernel.errors.HomewardError` whose message says
what happened and what to do, and never holds SQL, values or a file name inside the
workspace (at most the folder). The service decorators
(:mod:`app.security.permissions`) apply it to every service call, so no call site has to.

SQLite says "disk I/O error" or "unable to open database file" when a full disk stops it
from making the journal's index (``-shm``): with less than :data:`FULL_BELOW` bytes free on
the folder's disk, those count as a full disk.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy.exc import StatementError

from app.kernel.errors import (
    DatabaseDamagedError,
    DiskFullError,
    HomewardError,
    ReadOnlyError,
    StorageError,
)
from app.kernel.i18n import _

log = logging.getLogger(__name__)

SQLITE_ERROR = 1
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26
#: Less free space than this, and an I/O error from SQLite is the disk being full.
FULL_BELOW = 1 << 20

# The driver's messages, for errors that carry no code (made by hand, or by an older driver).
_BY_MESSAGE = {
    "database or disk is full": SQLITE_FULL,
    "attempt to write a readonly database": SQLITE_READONLY,
    "unable to open database file": SQLITE_CANTOPEN,
    "disk i/o error": SQLITE_IOERR,
    "database disk image is malformed": SQLITE_CORRUPT,
    "file is not a database": SQLITE_NOTADB,
}
_DISK_FULL = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
_NOT_WRITABLE = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
_DRIVER_ERRORS = (sqlcipher.Error, sqlite3.Error)


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of a driver error (raw or wrapped), or ``None``."""
    if isinstance(exc, StatementError):
        exc = exc.orig  # type: ignore[assignment]
    if not isinstance(exc, _DRIVER_ERRORS):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF != SQLITE_ERROR:
        return code & 0xFF
    # No code, or the generic one: ``sqlcipher_export()`` (backups) reports a full disk as
    # SQLITE_ERROR with the inner error's message.
    text = str(exc).strip().lower()
    return next((c for prefix, c in _BY_MESSAGE.items() if text.startswith(prefix)), code)


#: PostgreSQL's SQLSTATE for a full disk on the database server.
SERVER_DISK_FULL = "53100"


def server_state(exc: BaseException) -> str | None:
    """The SQLSTATE of a PostgreSQL driver error (raw or wrapped), or ``None``."""
    if isinstance(exc, StatementError):
        exc = exc.orig  # type: ignore[assignment]
    state = getattr(exc, "sqlstate", None)
    return state if isinstance(state, str) else None


def server_disk_full() -> DiskFullError:
    return DiskFullError(
        _(
            "The database server's disk is full — nothing was lost; ask the server's "
            "administrator to free some space, then try again."
        )
    )


def disk_full() -> DiskFullError:
    return DiskFullError(_("The disk is full — nothing was lost; free some space and try again."))


def read_only(folder: Path | None) -> ReadOnlyError:
    if folder is None:
        return ReadOnlyError(
            _(
                "Homeward cannot write to the workspace: check the permissions of its folder "
                "and files, and that the disk is not read-only. Nothing was changed."
            )
        )
    return ReadOnlyError(
        _(
            "Homeward cannot write to {folder}: check the permissions of the folder and its "
            "files, and that the disk is not read-only. Nothing was changed."
        ).format(folder=folder)
    )


def io_error() -> StorageError:
    return StorageError(
        _(
            "The disk could not be read or written (an input/output error). Nothing was "
            "changed; check the disk and its connection, then try again."
        )
    )


def damaged() -> DatabaseDamagedError:
    return DatabaseDamagedError(
        _(
            "Part of the database cannot be read: the file is damaged. Nothing was changed; "
            "restore from a backup."
        )
    )


def _nearly_full(folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        info = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False
    return info.f_bavail * info.f_frsize < FULL_BELOW


def _from_sqlite(code: int, folder: Path | None) -> HomewardError | None:
    if code == SQLITE_FULL:
        return disk_full()
    if code == SQLITE_READONLY:
        return read_only(folder)
    if code == SQLITE_CANTOPEN:  # the file is there (checked first): its -shm or -wal is not
        return disk_full() if _nearly_full(folder) else read_only(folder)
    if code == SQLITE_IOERR:
        return disk_full() if _nearly_full(folder) else io_error()
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return damaged()
    return None


def _from_os(exc: OSError, folder: Path | None) -> HomewardError | None:
    if exc.errno in _DISK_FULL:
        return disk_full()
    if exc.errno in _NOT_WRITABLE:
        # The folder, never the file: a file's name may be one the user gave it.
        where = Path(os.fsdecode(exc.filename)).parent if exc.filename else folder
        return read_only(where)
    if exc.errno == errno.EIO:
        return io_error()
    return None


def plain_error(exc: BaseException, folder: Path | None = None) -> HomewardError | None:
    """The error to show for ``exc`` (``folder``: the workspace the failing work was using),
    or ``None`` when ``exc`` is none of the failures above (or is already meant for people)."""
    if isinstance(exc, HomewardError):
        return None
    code = sqlite_code(exc)
    mapped: HomewardError | None = None
    why = ""
    if code is not None:
        mapped = _from_sqlite(code, folder)
        why = f"SQLite code {code}"
    elif isinstance(exc, OSError):
        mapped = _from_os(exc, folder)
        why = f"errno {exc.errno}"
    elif (state := server_state(exc)) is not None:
        mapped = server_disk_full() if state == SERVER_DISK_FULL else None
        why = f"SQLSTATE {state}"
    if mapped is not None:
        # The code only: the driver's text may name a table, the OS's a file.
        log.warning("%s (%s) shown as %s", type(exc).__name__, why, type(mapped).__name__)
    return mapped
