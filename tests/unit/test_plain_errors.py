"""The one translation of storage failures into plain errors (``app.store.failures``), and
the service decorators that apply it: codes to classes and exit codes, messages that never
hold SQL, a value or a file's name, and everything else left alone."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy.exc import IntegrityError, OperationalError

from app.kernel.errors import (
    DatabaseDamagedError,
    DiskFullError,
    HomewardError,
    ReadOnlyError,
    StorageError,
)
from app.security.permissions import Permission, entry_point, requires
from app.store import failures
from app.store.failures import plain_error

FOLDER = Path("/home/kari/Homeward")
PRIVATE = "Ștefan Popescu"


def driver_error(message: str, code: int | None = None) -> sqlcipher.OperationalError:
    exc = sqlcipher.OperationalError(message)
    if code is not None:
        exc.sqlite_errorcode = code  # type: ignore[attr-defined]
    return exc


def wrapped(orig: BaseException) -> OperationalError:
    """As SQLAlchemy raises it: the statement (with a value in it) beside the driver's error."""
    return OperationalError(f"INSERT INTO people (name) VALUES ('{PRIVATE}')", (), orig)


@pytest.fixture
def disk_space(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set how many bytes the folder's disk has free."""

    def set_free(free: int) -> None:
        info = SimpleNamespace(f_bavail=free // 4096, f_frsize=4096)
        monkeypatch.setattr(failures.os, "statvfs", lambda path: info, raising=False)

    set_free(10 * 1024**3)
    return set_free


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (driver_error("database or disk is full", 13), DiskFullError),
        (driver_error("database or disk is full"), DiskFullError),  # made by hand: no code
        (driver_error("database or disk is full", 1), DiskFullError),  # sqlcipher_export()
        (wrapped(driver_error("database or disk is full", 13)), DiskFullError),
        (sqlite3.OperationalError("database or disk is full"), DiskFullError),
        (driver_error("attempt to write a readonly database", 8), ReadOnlyError),
        (driver_error("attempt to write a readonly database", 8 | 3 << 8), ReadOnlyError),
        (driver_error("unable to open database file", 14), ReadOnlyError),
        (driver_error("disk I/O error", 10), StorageError),
        (sqlcipher.DatabaseError("database disk image is malformed"), DatabaseDamagedError),
        (wrapped(sqlcipher.DatabaseError("file is not a database")), DatabaseDamagedError),
        (OSError(errno.ENOSPC, "No space left on device"), DiskFullError),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), DiskFullError),
        (OSError(errno.EROFS, "Read-only file system"), ReadOnlyError),
        (PermissionError(errno.EACCES, "Permission denied"), ReadOnlyError),
        (OSError(errno.EIO, "Input/output error"), StorageError),
    ],
)
def test_storage_failures_become_plain_errors(
    error: BaseException, kind: type, disk_space: Any
) -> None:
    mapped = plain_error(error, FOLDER)
    assert type(mapped) is kind
    assert mapped is not None
    assert mapped.exit_code == (4 if kind is DatabaseDamagedError else 7)
    text = str(mapped)
    for leak in ("INSERT", "people", PRIVATE, "sqlite", "SQL", "errno"):
        assert leak not in text


def test_an_io_error_on_a_nearly_full_disk_is_a_full_disk(disk_space: Any) -> None:
    """SQLite says "disk I/O error" when a full disk stops it making the journal's index."""
    disk_space(100 * 1024)
    assert isinstance(plain_error(driver_error("disk I/O error", 10), FOLDER), DiskFullError)
    assert isinstance(plain_error(driver_error("unable to open", 14), FOLDER), DiskFullError)


def test_messages_name_the_folder_never_the_file() -> None:
    error = OSError(errno.EACCES, "Permission denied", f"/home/kari/Exports/{PRIVATE}.pdf")
    mapped = plain_error(error, FOLDER)
    assert isinstance(mapped, ReadOnlyError)
    assert "/home/kari/Exports" in str(mapped) and PRIVATE not in str(mapped)
    readonly = plain_error(driver_error("attempt to write a readonly database", 8), FOLDER)
    assert str(readonly).startswith(f"Homeward cannot write to {FOLDER}: check the permissions")


@pytest.mark.parametrize(
    "error",
    [
        ValueError("x"),
        KeyError("x"),
        OSError(errno.ENOENT, "No such file"),
        driver_error("database is locked", 5),
        driver_error("no such table: people", 1),
        IntegrityError("INSERT", (), sqlcipher.IntegrityError("UNIQUE constraint failed")),
        HomewardError("already plain"),
    ],
)
def test_other_errors_are_left_alone(error: BaseException) -> None:
    assert plain_error(error, FOLDER) is None


class Ctx:
    actor = None  # a recovery-code session: maintenance only
    folder = FOLDER


def test_every_service_call_and_entry_point_raises_the_plain_error() -> None:
    @requires(Permission.MAINTENANCE)
    def service(ctx: Ctx) -> None:
        raise wrapped(driver_error("database or disk is full", 13))

    @entry_point
    def opening(folder: Path) -> None:
        raise OSError(errno.EROFS, "Read-only file system", os.fspath(folder / "homeward.lock"))

    with pytest.raises(DiskFullError) as full:
        service(Ctx())
    assert full.value.__suppress_context__ and full.value.__cause__ is None  # no SQL rides along
    with pytest.raises(ReadOnlyError, match=f"cannot write to {FOLDER}:"):
        opening(FOLDER)


def test_other_failures_pass_through_the_decorators_unchanged() -> None:
    @requires(Permission.MAINTENANCE)
    def service(ctx: Ctx) -> None:
        raise KeyError("programming error")

    with pytest.raises(KeyError):
        service(Ctx())
