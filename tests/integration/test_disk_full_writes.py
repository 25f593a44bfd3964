"""The disk fills up while Homeward is open: recording a meeting, making a backup.

The failing call raises :class:`DiskFullError` with a plain message; what was stored before
is kept byte for byte, no partial backup is left, and once space is freed the same call
succeeds. Real where a tmpfs can be mounted; each has an injected twin that always runs.
"""

from __future__ import annotations

import errno
import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from app.features.admin.services import backup
from app.features.cases.services import meetings
from app.kernel.errors import DiskFullError
from app.models.enums import MeetingKind
from app.security import audit
from app.services import audit_witness
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace, unlock
from app.store import copies
from app.store.adapters import adapter
from tests.conftest import PASSWORD, run_homeward
from tests.disks import VOLATILE, digest, fill, small_disk
from tests.integration.helpers.casework import case_for, client
from tests.integration.test_disk_failures import (
    DISK_FULL,
    backup_args,
    homeward_here,
    new_workspace,
)

NOTE = "Talked about the flat at Grünerløkka; the landlord wants a reference."


def content(ctx: ServiceContext) -> str:
    """A digest of every row of every table: what the database holds, whatever its pages."""
    sha = hashlib.sha256()
    with ctx.engine.connect() as conn:
        for name in sorted(adapter(conn).table_names(conn)):
            rows = conn.exec_driver_sql(f'SELECT * FROM "{name}"').all()
            sha.update(name.encode() + repr(sorted(map(repr, rows))).encode())
    return sha.hexdigest()


def a_meeting(case_id: uuid.UUID, summary: str = NOTE) -> meetings.MeetingInput:
    return meetings.MeetingInput(
        case_id=case_id,
        occurred_at=datetime(2025, 3, 4, 10, 30),
        duration_minutes=45,
        kind=MeetingKind.OFFICE,
        summary=summary,
        follow_up_title="Call the landlord",
    )


@pytest.fixture
def on_small_disk(tmp_path: Path) -> Iterator[tuple[Path, CreatedWorkspace]]:
    with small_disk(tmp_path / "disk") as disk:
        yield disk, new_workspace(disk / "ws")


def sqlite_full() -> sqlcipher.OperationalError:
    return sqlcipher.OperationalError("database or disk is full")


def export_part_then_fail(
    engine: Any, location: Any, keys: Any, destination: Path
) -> dict[str, int]:
    """The copy running out of space part-way: SQLITE_ERROR, "disk is full" (what
    ``sqlcipher_export()`` says, and SQLite writing the copy of a server's rows)."""
    destination.write_bytes(b"\0" * 8192)  # what a real export had written by then
    raise sqlite_full()


# --- record_meeting ----------------------------------------------------------------------


def _meeting_on_a_full_disk(folder: Path, make_full: Callable[[], Callable[[], None]]) -> None:
    """Record one meeting, fill the disk, try a second; free the disk, record it again."""
    with unlock(folder, "coord", PASSWORD) as ctx:
        case = case_for(ctx, client(ctx).id)
        meetings.record_meeting(ctx, a_meeting(case.id, "The first meeting."))
        free = make_full()
        audit_witness.flush(ctx.paths)  # the first meeting's witness, written beside us
        kept = content(ctx)
        files = digest(folder, skip=(*VOLATILE, "homeward.db-wal"))

        with pytest.raises(DiskFullError) as caught:
            meetings.record_meeting(ctx, a_meeting(case.id))

        assert str(caught.value) == DISK_FULL.removeprefix("homeward: ").rstrip("\n")
        assert content(ctx) == kept
        assert digest(folder, skip=(*VOLATILE, "homeward.db-wal")) == files
        free()
        meetings.record_meeting(ctx, a_meeting(case.id))  # "free some space and save again"
        summaries = [m.summary for m in meetings.list_case_meetings(ctx, case.id)]
    assert sorted(summaries) == sorted(["The first meeting.", NOTE])


def test_a_full_disk_while_recording_a_meeting(
    on_small_disk: tuple[Path, CreatedWorkspace],
) -> None:
    disk, workspace = on_small_disk

    def make_full() -> Callable[[], None]:
        filler = fill(disk)
        return filler.unlink

    _meeting_on_a_full_disk(workspace.folder, make_full)


@pytest.mark.sqlcipher_only  # the database file on this computer's disk, as its twin above
def test_a_full_disk_while_recording_a_meeting_injected(
    workspace: CreatedWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def make_full() -> Callable[[], None]:
        def full(*args: object, **kwargs: object) -> Any:
            raise sqlite_full()

        # every audit append (the meeting's: on its write cursor) fails as on a full disk
        monkeypatch.setattr(audit, "_append", full)
        monkeypatch.setattr(audit, "append_on_cursor", full)
        return monkeypatch.undo

    _meeting_on_a_full_disk(workspace.folder, make_full)


@pytest.mark.postgresql_only
def test_a_full_disk_on_the_database_server_while_recording_a_meeting(
    workspace: CreatedWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL's own refusal (SQLSTATE 53100), said plainly; nothing half-written."""
    import psycopg

    with unlock(workspace.folder, "coord", PASSWORD) as ctx:
        case = case_for(ctx, client(ctx).id)
        kept = content(ctx)

        def full(*args: object, **kwargs: object) -> Any:
            raise psycopg.errors.DiskFull("could not extend file")

        monkeypatch.setattr(audit, "_append", full)
        monkeypatch.setattr(audit, "append_on_cursor", full)
        with pytest.raises(DiskFullError) as caught:
            meetings.record_meeting(ctx, a_meeting(case.id))
        assert "server's disk is full" in str(caught.value)
        assert content(ctx) == kept
        monkeypatch.undo()
        meetings.record_meeting(ctx, a_meeting(case.id))
        assert [m.summary for m in meetings.list_case_meetings(ctx, case.id)] == [NOTE]


# --- backups -------------------------------------------------------------------------------


def _backup_on_a_full_disk(folder: Path, make_full: Callable[[], None]) -> None:
    """A backup into the workspace's own backups folder, on its full disk."""
    with unlock(folder, "coord", PASSWORD) as ctx:
        make_full()
        audit_witness.flush(ctx.paths)  # the sign-in's witness, written beside us
        kept = content(ctx)
        files = digest(folder, skip=VOLATILE)

        with pytest.raises(DiskFullError):
            backup.create_backup(ctx)

        assert content(ctx) == kept
        assert digest(folder, skip=VOLATILE) == files
        assert list((folder / "backups").iterdir()) == []


def test_a_full_disk_during_a_backup(on_small_disk: tuple[Path, CreatedWorkspace]) -> None:
    disk, workspace = on_small_disk

    def make_full() -> None:
        fill(disk)

    _backup_on_a_full_disk(workspace.folder, make_full)


def test_a_full_disk_during_a_backup_injected(
    workspace: CreatedWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def make_full() -> None:
        monkeypatch.setattr(copies, "export_copy", export_part_then_fail)

    _backup_on_a_full_disk(workspace.folder, make_full)


def test_homeward_backup_onto_a_full_drive(workspace: CreatedWorkspace, tmp_path: Path) -> None:
    """``homeward backup --out`` onto a drive that fills up: exit 7, the drive as it was."""
    with small_disk(tmp_path / "usb", size="256k") as usb:
        result = run_homeward(
            *backup_args(workspace.folder, usb / "homeward-backups"), stdin=PASSWORD + "\n"
        )
        assert (result.returncode, result.stderr) == (7, DISK_FULL)
        assert list(usb.iterdir()) == []
    verified = run_homeward(
        "verify",
        "--workspace",
        str(workspace.folder),
        "--user",
        "coord",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert verified.returncode == 0, verified.stderr


def test_homeward_backup_onto_a_full_drive_injected(
    workspace: CreatedWorkspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(copies, "export_copy", export_part_then_fail)
    out = tmp_path / "usb" / "homeward-backups"
    out.parent.mkdir()

    code, stderr = homeward_here(monkeypatch, capsys, *backup_args(workspace.folder, out))

    assert (code, stderr) == (7, DISK_FULL)
    assert list(out.parent.iterdir()) == []


def test_a_second_backup_drive_that_fails_does_not_fail_the_backup(
    workspace: CreatedWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy on the second drive is checked by :func:`check_backup`, a service call that
    now says "input/output error" plainly: still only a warning beside a good backup."""
    second = tmp_path / "usb"
    second.mkdir()
    real_hash = backup.bf.sha256_file

    def unreadable_on_the_drive(path: Path) -> str:
        if second in Path(path).parents:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(path))
        return real_hash(path)

    monkeypatch.setattr(backup.bf, "sha256_file", unreadable_on_the_drive)
    with unlock(workspace.folder, "coord", PASSWORD) as ctx:
        backup.set_backup_settings(ctx, backup.BackupSettings(second_folder=second))
        result = backup.create_backup(ctx)
    assert result.second_copy is None and result.second_problem is not None
    assert backup.bf.check_backup(result.backup.path).intact
    assert list(second.iterdir()) == []
