"""What is on disk: encrypted, untouched by wrong secrets, never created or deleted by mistake."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from app.kernel.errors import (
    DatabaseDamagedError,
    UnlockError,
    ValidationError,
    WorkspaceError,
    WorkspaceExistsError,
)
from app.models.enums import Role
from app.services import workspace as ws
from app.services.workspace import CreatedWorkspace, NewUser
from tests.conftest import PASSWORD


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.sqlcipher_only  # the encrypted file itself
def test_database_is_encrypted_from_the_first_byte(workspace: CreatedWorkspace) -> None:
    header = (workspace.folder / "homeward.db").read_bytes()[:16]
    assert header != b"SQLite format 3\x00"
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(workspace.folder / "homeward.db").execute(
            "SELECT * FROM sqlite_master"
        ).fetchall()


@pytest.mark.sqlcipher_only  # the encrypted file itself
def test_files_are_private_to_the_owner(workspace: CreatedWorkspace) -> None:
    for name in ("homeward.db", "keyslots.json"):
        assert (workspace.folder / name).stat().st_mode & 0o077 == 0, name


def test_wrong_password_changes_nothing(workspace: CreatedWorkspace) -> None:
    before = snapshot(workspace.folder)
    for user, password in [("coord", "wrong password"), ("nobody", PASSWORD), ("coord", "")]:
        with pytest.raises(UnlockError, match="not right"):
            ws.unlock(workspace.folder, user, password)
    assert snapshot(workspace.folder) == before
    assert not list(workspace.folder.glob("*-wal")) and not list(workspace.folder.glob("*-shm"))


def test_wrong_recovery_code_changes_nothing(workspace: CreatedWorkspace) -> None:
    from app.security.keyslots import generate_recovery_code

    before = snapshot(workspace.folder)
    with pytest.raises(UnlockError, match="does not open"):
        ws.unlock_with_recovery_code(workspace.folder, generate_recovery_code())
    with pytest.raises(UnlockError, match=r"typing mistake|not a valid"):
        ws.unlock_with_recovery_code(workspace.folder, workspace.recovery_code[:-1] + "#")
    assert snapshot(workspace.folder) == before
    assert not list(workspace.folder.glob("*-wal"))


def test_recovery_code_opens_the_workspace(workspace: CreatedWorkspace) -> None:
    with ws.unlock_with_recovery_code(workspace.folder, workspace.recovery_code.lower()) as ctx:
        assert ws.verify(ctx).ok


def test_password_opens_and_closing_leaves_no_sidecar_files(workspace: CreatedWorkspace) -> None:
    ctx = ws.unlock(workspace.folder, "COORD", PASSWORD)
    assert ctx.actor is not None and ctx.actor.role == Role.COORDINATOR
    assert ws.organisation_name(ctx) == "Test Organisation"
    ctx.lock()
    assert ctx.locked
    assert not list(workspace.folder.glob("homeward.db-*"))
    with pytest.raises(WorkspaceError, match="locked"):
        ws.organisation_name(ctx)


def test_init_refuses_an_existing_workspace(
    workspace: CreatedWorkspace, make_workspace: Callable[..., CreatedWorkspace]
) -> None:
    before = snapshot(workspace.folder)
    with pytest.raises(WorkspaceExistsError):
        make_workspace("ws")
    assert snapshot(workspace.folder) == before


def test_failed_creation_leaves_nothing_behind(tmp_path: Path) -> None:
    def explode(engine: object, users: object) -> None:
        raise RuntimeError("disk full, say")

    with pytest.raises(RuntimeError):
        ws.create_workspace(
            tmp_path / "new",
            organisation="Org",
            admin=NewUser("a", "A", Role.COORDINATOR, PASSWORD),
            kdf_seconds=0,
            fill=explode,
        )
    assert not (tmp_path / "new").exists()


@pytest.mark.sqlcipher_only  # the encrypted file itself
def test_missing_database_is_an_error_and_nothing_is_created(workspace: CreatedWorkspace) -> None:
    (workspace.folder / "homeward.db").unlink()
    before = snapshot(workspace.folder)
    with pytest.raises(WorkspaceError, match="no database file"):
        ws.unlock(workspace.folder, "coord", PASSWORD)
    assert snapshot(workspace.folder) == before


def test_missing_folder_is_an_error_and_nothing_is_created(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no workspace"):
        ws.unlock(tmp_path / "nowhere", "coord", PASSWORD)
    assert not (tmp_path / "nowhere").exists()


def _damage_random_bytes(db: Path) -> None:
    data = bytearray(db.read_bytes())
    for i in range(0, 64):
        data[i] ^= 0xFF
    db.write_bytes(bytes(data))


def _truncate(db: Path) -> None:
    db.write_bytes(db.read_bytes()[:1000])


def _empty(db: Path) -> None:
    db.write_bytes(b"")


def _other_key(db: Path) -> None:
    # a database from another workspace: valid SQLCipher, wrong key for these slots
    import sqlcipher3.dbapi2 as sqlcipher

    db.unlink()
    conn = sqlcipher.connect(str(db))
    conn.execute("PRAGMA key = \"x'" + "11" * 32 + "'\"")
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_damage_random_bytes, "could not be decrypted"),
        (_truncate, "could not be decrypted"),
        (_empty, "empty"),
        (_other_key, "could not be decrypted"),
    ],
)
@pytest.mark.sqlcipher_only  # the encrypted file itself
def test_damaged_database_is_reported_and_never_replaced(
    workspace: CreatedWorkspace, damage: Callable[[Path], None], message: str
) -> None:
    db = workspace.folder / "homeward.db"
    damage(db)
    before = snapshot(workspace.folder)
    with pytest.raises(DatabaseDamagedError, match=message):
        ws.unlock(workspace.folder, "coord", PASSWORD)
    assert snapshot(workspace.folder) == before
    assert not list(workspace.folder.glob("homeward.db-*"))


@pytest.mark.sqlcipher_only  # the encrypted file itself
def test_plaintext_database_is_refused(workspace: CreatedWorkspace, tmp_path: Path) -> None:
    folder = tmp_path / "deliberately-plaintext"
    shutil.copytree(workspace.folder, folder)
    db = folder / "homeward.db"
    db.unlink()
    plain = sqlite3.connect(db)
    plain.execute("CREATE TABLE t(x)")
    plain.commit()
    plain.close()
    before = snapshot(folder)
    with pytest.raises(DatabaseDamagedError, match="not encrypted"):
        ws.unlock(folder, "coord", PASSWORD)
    assert snapshot(folder) == before


def test_damaged_key_slot_file_is_reported(workspace: CreatedWorkspace) -> None:
    path = workspace.folder / "keyslots.json"
    path.write_text("{ oops", "utf-8")
    before = snapshot(workspace.folder)
    with pytest.raises(WorkspaceError, match="damaged"):
        ws.unlock(workspace.folder, "coord", PASSWORD)
    assert snapshot(workspace.folder) == before


def test_verify_reports_ok_on_a_healthy_workspace(ctx: object) -> None:
    report = ws.verify(ctx)  # type: ignore[arg-type]
    assert report.ok and report.problems == () and report.tables >= 20


def _open_handles(path: Path) -> int:
    fd_dir = Path("/proc/self/fd")
    count = 0
    for fd in fd_dir.iterdir():
        try:
            if Path(os.readlink(fd)).name.startswith(path.name):
                count += 1
        except OSError:
            continue
    return count


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc to count open files")
@pytest.mark.sqlcipher_only  # the encrypted file itself
def test_lock_closes_every_connection_and_forgets_the_key(workspace: CreatedWorkspace) -> None:
    ctx = ws.unlock(workspace.folder, "coord", PASSWORD)
    assert ws.idle_lock_minutes(ctx) == 5
    ws.set_idle_lock_minutes(ctx, 10)
    assert ws.idle_lock_minutes(ctx) == 10
    assert _open_handles(workspace.folder / "homeward.db") > 0
    ws.lock_workspace(ctx)
    assert _open_handles(workspace.folder / "homeward.db") == 0
    assert ctx.locked
    with pytest.raises(WorkspaceError, match="locked"):
        ctx.data_key()
    with pytest.raises(WorkspaceError, match="locked"):
        ws.organisation_name(ctx)


@pytest.mark.parametrize(
    "address",
    [
        "postgresql+psycopg://homeward:s3cret@db.example.org/homeward",
        "postgresql+psycopg://homeward@/homeward?host=/run/postgresql&password=s3cret",
    ],
)
def test_a_server_address_holding_a_password_is_refused_before_anything_is_written(
    tmp_path: Path, address: str
) -> None:
    # keyslots.json keeps the address in the clear: a password in it would sit there for
    # anyone who can read the folder
    folder = tmp_path / "team"
    with pytest.raises(ValidationError) as refused:
        ws.create_workspace(
            folder,
            organisation="Org",
            admin=NewUser("coord", "Cora", Role.COORDINATOR, PASSWORD),
            kdf_seconds=0,
            server=address,
        )
    assert ".pgpass" in refused.value.errors["server"]
    assert "s3cret" not in str(refused.value)
    assert not folder.exists()
