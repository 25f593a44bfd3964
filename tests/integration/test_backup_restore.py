"""Backups: written by SQLCipher, verified before anything is pruned, restorable into a new
folder table by table; never a copy of the live file; nothing in clear."""

from __future__ import annotations

import builtins
import os
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.demo.workspace import create_demo_workspace
from app.features.admin.services import backup, backup_files, restore
from app.features.people.services import people
from app.kernel.errors import WorkspaceError, WorkspaceExistsError
from app.security.audit import AuditAction
from app.security.audit_events import events_for
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.store import snapshot
from app.store.engine import KeyHolder, open_connection
from tests.conftest import PASSWORD, run_homeward
from tests.integration.helpers.pages import encodings

CANARY = "CANARY-Backup-Ølstad-Пётр-Ștefan"


def tables_of(path: Path, key: bytes) -> tuple[dict[str, int], dict[str, str]]:
    keys = KeyHolder(key)
    conn = open_connection(path, keys, read_only=True)
    try:
        return snapshot.table_counts(conn), snapshot.table_digests(conn)
    finally:
        conn.close()
        keys.forget()


def test_a_backup_restores_into_a_new_folder_table_by_table(tmp_path: Path) -> None:
    created, _stats = create_demo_workspace(tmp_path / "ws", cases=120, seed=3, kdf_seconds=0)
    with ws.unlock(created.folder, "coordinator", "demo") as ctx:
        people.create_person(
            ctx, people.PersonInput(given_name=CANARY, family_name=CANARY, notes=CANARY)
        )
        key = ctx.data_key()
        result = backup.create_backup(ctx)
    made = result.backup
    assert made.path.parent == created.folder / "backups" and made.rows > 1000
    # The backup's files hold nothing in clear.
    for path in made.path.iterdir():
        data = path.read_bytes()
        assert not any(e in data for e in encodings(CANARY)), path.name
        assert not data.startswith(b"SQLite format 3")

    restored = restore.restore_backup(created.folder / "backups", tmp_path / "restored")
    assert restored.backup.name == made.name
    source_counts, source_digests = tables_of(created.folder / "homeward.db", key)
    copy_counts, copy_digests = tables_of(restored.folder / "homeward.db", key)
    # The source gained only its "backup" audit event (and the chain head) since.
    assert copy_counts == {**source_counts, "audit_events": source_counts["audit_events"] - 1}
    same = {t for t in source_digests if source_digests[t] == copy_digests[t]}
    assert set(source_digests) - same == {"audit_events", "settings"}
    assert copy_counts == dict(made.counts)

    # It opens with the passwords of then, and with the recovery code; the restore is audited.
    with ws.unlock(restored.folder, "worker", "demo") as again:
        assert again.actor is not None
    with ws.unlock_with_recovery_code(restored.folder, created.recovery_code) as rec:
        assert ws.verify(rec).ok
        with rec.uow() as uow:
            assert events_for(uow.session, action=AuditAction.RESTORE)
    assert not (restored.folder / "restored-from.json").exists()

    with pytest.raises(WorkspaceExistsError):
        restore.restore_backup(made.path, restored.folder)
    with pytest.raises(WorkspaceExistsError):
        restore.restore_backup(made.path, created.folder)


def test_no_code_path_reads_the_live_database_file(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = {str(ctx.paths.database), *(str(p) for p in ctx.paths.sidecars())}
    touched: list[str] = []
    # Opening a database reads its first 16 bytes once, to refuse an unencrypted file.
    allowed = {"is_plaintext_sqlite"}
    real_open, real_os_open, real_copy = builtins.open, os.open, shutil.copyfile

    def spy_open(file: object, *args: object, **kwargs: object) -> object:
        if sys._getframe(1).f_code.co_name not in allowed:
            touched.append(str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    def spy_os_open(path: object, *args: object, **kwargs: object) -> int:
        touched.append(str(path))
        return real_os_open(path, *args, **kwargs)  # type: ignore[arg-type]

    def spy_copy(src: object, dst: object, **kwargs: object) -> object:
        touched.append(str(src))
        return real_copy(src, dst, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    monkeypatch.setattr(shutil, "copyfile", spy_copy)
    second = tmp_path / "usb"
    second.mkdir()
    backup.set_backup_settings(ctx, backup.BackupSettings(second_folder=second))
    result = backup.create_backup(ctx)
    restore.restore_backup(result.backup.path, tmp_path / "restored")
    assert result.second_copy is not None and backup_files.check_backup(result.second_copy).intact
    assert touched and not (set(touched) & live)
    # ...and the code never names a file copy of the database anywhere but restore/second copy
    app = Path(__file__).resolve().parents[2] / "app"
    copiers = sorted(
        p.relative_to(app).as_posix()
        for p in app.rglob("*.py")
        if any(
            word in p.read_text("utf-8")
            for word in ("copyfile", "shutil.copy", "copy2", "copytree")
        )
    )
    assert copiers == ["features/admin/services/backup.py", "features/admin/services/restore.py"]


def test_pruning_keeps_generations_and_waits_for_verification(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    backups = ctx.paths.backups
    first = backup.create_backup(ctx).backup
    # Pretend older backups exist: one a day for 20 days back (same workspace).
    for days in range(1, 21):
        when = datetime.now(UTC) - timedelta(days=days)
        name = backup_files.backup_name(when, set())
        shutil.copytree(first.path, backups / name)
        manifest = (backups / name / "manifest.json").read_text("utf-8")
        stamp = first.created_at.isoformat(timespec="seconds")
        (backups / name / "manifest.json").write_text(
            manifest.replace(stamp, when.isoformat(timespec="seconds")), "utf-8"
        )
    assert len(backup_files.list_backups(backups)) == 21

    # A copy that fails its checks is removed and prunes nothing.
    def broken(*args: object, **kwargs: object) -> object:
        return snapshot.CopyCheck(("page 3: hmac check failed",), (), {}), {}

    monkeypatch.setattr(snapshot, "check_copy", broken)
    with pytest.raises(backup.BackupFailedError):
        backup.create_backup(ctx)
    assert len(backup_files.list_backups(backups)) == 21
    assert not [p for p in backups.iterdir() if p.name.startswith(".partial")]
    monkeypatch.undo()

    result = backup.create_backup(ctx)
    kept = backup_files.list_backups(backups)
    assert result.pruned and 7 <= len(kept) <= 7 + 4
    assert kept[0].name == result.backup.name
    # both of today's were asked for ("Back up now"): the later one does not replace the first
    assert first.name in {b.name for b in kept}
    days = [b.created_at.astimezone().date() for b in kept if b.name != first.name]
    assert len(set(days)) == len(days)  # otherwise one per day


def test_a_backup_asked_for_survives_the_days_later_backups(ctx: ServiceContext) -> None:
    asked = backup.create_backup(ctx).backup
    closing = backup.backup_on_close(ctx)
    daily = backup.daily_copy(ctx, now=datetime.now(UTC) + timedelta(hours=25))
    assert closing is not None and daily is not None
    names = {b.name for b in backup_files.list_backups(ctx.paths.backups)}
    # the automatic ones follow the schedule (the day's newest), the one asked for stays
    assert asked.name in names and daily.backup.name in names
    assert closing.backup.name not in names


def test_backup_if_due_is_daily(ctx: ServiceContext) -> None:
    assert backup.backup_if_due(ctx) is not None  # none yet
    assert backup.backup_if_due(ctx) is None
    later = datetime.now(UTC) + timedelta(hours=25)
    assert backup.backup_if_due(ctx, now=later) is not None
    assert backup.backup_on_close(ctx) is not None


def test_backup_and_restore_commands(workspace: object, tmp_path: Path) -> None:
    folder = workspace.folder  # type: ignore[attr-defined]
    made = run_homeward(
        "backup",
        "--workspace",
        str(folder),
        "--user",
        "coord",
        "--password-stdin",
        "--out",
        str(tmp_path / "usb"),
        stdin=PASSWORD + "\n",
    )
    assert made.returncode == 0, made.stderr
    path = Path(made.stdout.strip())
    assert path.parent == tmp_path / "usb" and (path / "manifest.json").is_file()
    restored = run_homeward(
        "restore", "--from", str(tmp_path / "usb"), "--workspace", str(tmp_path / "new")
    )
    assert restored.returncode == 0, restored.stderr
    again = run_homeward("restore", "--from", str(path), "--workspace", str(tmp_path / "new"))
    assert again.returncode == 2 and again.stderr.startswith("homeward: ")
    missing = run_homeward(
        "restore", "--from", str(tmp_path / "nothing"), "--workspace", str(tmp_path / "x")
    )
    assert missing.returncode == 1 and "No Homeward backup" in missing.stderr
    ok = run_homeward(
        "verify",
        "--workspace",
        str(tmp_path / "new"),
        "--user",
        "coord",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert ok.returncode == 0, ok.stderr


def test_a_damaged_backup_is_refused(ctx: ServiceContext, tmp_path: Path) -> None:
    made = backup.create_backup(ctx).backup
    with open(made.path / "homeward.db", "r+b") as handle:
        handle.seek(5000)
        handle.write(b"\x00" * 16)
    assert not backup_files.check_backup(made.path).intact
    with pytest.raises(WorkspaceError, match="damaged"):
        restore.restore_backup(made.path, tmp_path / "new")
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("command", ["backup", "restore", "import"])
def test_the_new_commands_have_help(command: str) -> None:
    result = run_homeward(command, "--help")
    assert result.returncode == 0 and "usage: homeward" in result.stdout
