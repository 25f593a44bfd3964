"""A full or read-only disk: a plain message, exit 7, every byte kept, nothing left behind.

Each case is made real where the machine allows (a small tmpfs filled to the last block,
remounted read-only, or a file made immutable with ``chattr +i``, which stops root too) and
runs the real ``homeward`` command in a child process. Each has an injected twin that always
runs: the same code path, with the operating system's or SQLite's error raised by a
monkeypatched call, through ``app.cli.main`` in this process.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from app import cli
from app.models.enums import Role
from app.security import audit
from app.services.workspace import CreatedWorkspace, NewUser, create_workspace
from app.store import engine, instance_lock
from tests.conftest import PASSWORD, run_homeward
from tests.disks import (
    digest,
    fill,
    make_immutable,
    os_error,
    remount_read_only,
    small_disk,
)

DISK_FULL = "homeward: The disk is full — nothing was lost; free some space and try again.\n"


def read_only_message(folder: Path) -> str:
    return (
        f"homeward: Homeward cannot write to {folder}: check the permissions of the folder and "
        "its files, and that the disk is not read-only. Nothing was changed.\n"
    )


def new_workspace(folder: Path) -> CreatedWorkspace:
    return create_workspace(
        folder,
        organisation="Test Organisation",
        admin=NewUser("coord", "Cora Coordinator", Role.COORDINATOR, PASSWORD),
        kdf_seconds=0,
    )


def backup_args(folder: Path, out: Path) -> list[str]:
    return [
        *("backup", "--workspace", str(folder), "--user", "coord", "--password-stdin"),
        *("--out", str(out)),
    ]


def homeward(*args: str) -> tuple[int, str]:
    """The real command in a child process: (exit code, standard error)."""
    result = run_homeward(*args, stdin=PASSWORD + "\n")
    return result.returncode, result.stderr


def homeward_here(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    """The same command in this process, so that a monkeypatched call takes effect."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    capsys.readouterr()
    code = cli.main(["--lang", "en", *args])
    return code, capsys.readouterr().err


def failing(error: BaseException) -> Callable[..., Any]:
    def fail(*args: object, **kwargs: object) -> Any:
        raise error

    return fail


def sqlite_error(message: str) -> sqlcipher.OperationalError:
    """The driver's error as SQLite raises it, without its code (a hand-made one has none)."""
    return sqlcipher.OperationalError(message)


# --- a full disk at sign-in -----------------------------------------------------------------


@pytest.mark.parametrize("stale_lock", [False, True], ids=["no-lock", "lock-left-by-a-crash"])
def test_a_full_disk_at_sign_in(tmp_path: Path, stale_lock: bool) -> None:
    """With no lock file, the lock's own text cannot be written; with one left by a killed
    Homeward (its space is reused), SQLite cannot make the journal's index: both are a full
    disk, not damage, and nothing stays behind (the old lock is taken over and removed)."""
    with small_disk(tmp_path / "disk") as disk:
        workspace = new_workspace(disk / "ws")
        if stale_lock:
            (workspace.folder / "homeward.lock").write_text('{"host": "x", "pid": 1}\n' * 4)
        fill(disk)
        before = digest(workspace.folder, skip=("homeward.lock",))

        code, stderr = homeward(*backup_args(workspace.folder, tmp_path / "out"))

        assert (code, stderr) == (7, DISK_FULL)
        assert digest(workspace.folder) == before
        assert not (workspace.folder / "homeward.lock").exists()


@pytest.mark.parametrize("where", ["lock", "sign-in event"])
def test_a_full_disk_at_sign_in_injected(
    workspace: CreatedWorkspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
) -> None:
    before = digest(workspace.folder)
    if where == "lock":
        monkeypatch.setattr(instance_lock.os, "write", failing(os_error(errno.ENOSPC)))
    else:
        monkeypatch.setattr(audit, "_append", failing(sqlite_error("database or disk is full")))

    code, stderr = homeward_here(monkeypatch, capsys, *backup_args(workspace.folder, tmp_path))

    assert (code, stderr) == (7, DISK_FULL)
    assert digest(workspace.folder) == before


# --- a read-only folder, database or journal --------------------------------------------------


def test_a_read_only_folder(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        workspace = new_workspace(disk / "ws")
        before = digest(workspace.folder)
        remount_read_only(disk)

        code, stderr = homeward(*backup_args(workspace.folder, tmp_path / "out"))

        assert (code, stderr) == (7, read_only_message(workspace.folder))
        assert digest(workspace.folder) == before


def test_a_read_only_folder_injected(
    workspace: CreatedWorkspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = digest(workspace.folder)
    lock = workspace.folder / "homeward.lock"
    monkeypatch.setattr(instance_lock.os, "open", failing(os_error(errno.EROFS, lock)))

    code, stderr = homeward_here(monkeypatch, capsys, *backup_args(workspace.folder, tmp_path))

    assert (code, stderr) == (7, read_only_message(workspace.folder))
    assert digest(workspace.folder) == before


@pytest.mark.parametrize("name", ["homeward.db", "homeward.db-wal"])
def test_a_read_only_database_or_journal(tmp_path: Path, name: str) -> None:
    """Immutable: SQLite would open it read-only, fail at the sign-in and, unable to
    checkpoint, leave a ``-shm`` and ``-wal`` behind. (The journal is one a crash left.)"""
    with small_disk(tmp_path / "disk") as disk:
        workspace = new_workspace(disk / "ws")
        (workspace.folder / name).touch()
        make_immutable(workspace.folder / name)
        before = digest(workspace.folder)

        code, stderr = homeward(*backup_args(workspace.folder, tmp_path / "out"))

        assert (code, stderr) == (7, read_only_message(workspace.folder))
        assert digest(workspace.folder) == before


@pytest.mark.parametrize("name", ["homeward.db", "homeward.db-wal"])
@pytest.mark.sqlcipher_only  # the encrypted file itself
def test_a_read_only_database_or_journal_injected(
    workspace: CreatedWorkspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    (workspace.folder / name).touch()
    before = digest(workspace.folder)
    real_access = os.access

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        if Path(path).name == name and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(engine.os, "access", access)

    code, stderr = homeward_here(monkeypatch, capsys, *backup_args(workspace.folder, tmp_path))

    assert (code, stderr) == (7, read_only_message(workspace.folder))
    assert digest(workspace.folder) == before


def test_sqlite_refusing_the_sign_in_write_as_read_only_injected(
    workspace: CreatedWorkspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """What SQLite says when a file turns read-only after it was opened."""
    before = digest(workspace.folder)
    error = sqlite_error("attempt to write a readonly database")
    monkeypatch.setattr(audit, "_append", failing(error))

    code, stderr = homeward_here(monkeypatch, capsys, *backup_args(workspace.folder, tmp_path))

    assert (code, stderr) == (7, read_only_message(workspace.folder))
    assert digest(workspace.folder) == before
