"""Backups of a workspace on a PostgreSQL server: the same encrypted file as a laptop's, made
from one snapshot while the team goes on writing; restorable as a laptop workspace, or onto a
server, whose rows it replaces in one transaction (all or nothing)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, select

from app.features.admin.services import backup, restore
from app.features.people.services import people
from app.kernel.errors import UnlockError
from app.models import Person
from app.security import keyslots as ks
from app.security.audit import AuditAction
from app.security.audit_events import events_for
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from app.store import copies
from tests.conftest import PASSWORD, run_homeward
from tests.integration.helpers.pages import encodings

CANARY = "CANARY-Server-Ølstad-Пётр-Ștefan"
LATER = "Made-After-The-Backup"


def names(ctx: ServiceContext) -> set[str]:
    with ctx.uow() as uow:
        return set(uow.session.scalars(select(Person.given_name)))


def person(ctx: ServiceContext, name: str) -> None:
    people.create_person(ctx, people.PersonInput(given_name=name, family_name=name, notes=name))


@pytest.mark.postgresql_only
def test_a_server_backup_restores_as_a_laptop_workspace_and_onto_a_server(
    workspace: CreatedWorkspace,
    ctx: ServiceContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = ctx.paths.server
    assert server is not None
    person(ctx, CANARY)
    made = backup.create_backup(ctx).backup
    person(ctx, LATER)
    assert dict(made.counts)["people"] == 1
    for path in made.path.iterdir():  # the same encrypted file as a laptop's: nothing in clear
        data = path.read_bytes()
        assert not any(e in data for e in encodings(CANARY)), path.name
        assert not data.startswith(b"SQLite format 3")

    # As a laptop workspace: no key asked for, the file as it is, no server named.
    laptop = restore.restore_backup(made.path, tmp_path / "laptop")
    assert (laptop.folder / "homeward.db").is_file()
    assert ks.KeySlotFile.load(laptop.folder / "keyslots.json").server is None
    with ws.unlock(laptop.folder, "coord", PASSWORD) as there:
        assert names(there) == {CANARY}
        report = ws.verify(there)
        assert report.ok, report.problems

    # Onto the server: a wrong password, or a load that fails half way, changes nothing.
    opener = restore.BackupOpener(PASSWORD, "coord")
    wrong = restore.BackupOpener("not the password", "coord")
    with pytest.raises(UnlockError):
        restore.restore_backup(made.path, tmp_path / "wrong", server=server, opener=wrong)

    def broken(conn: Connection) -> None:
        raise OSError("the network went away")

    monkeypatch.setattr(copies, "_continue_sequences", broken)
    with pytest.raises(OSError):
        restore.restore_backup(made.path, tmp_path / "half", server=server, opener=opener)
    monkeypatch.undo()
    assert not (tmp_path / "wrong").exists() and not (tmp_path / "half").exists()
    assert names(ctx) == {CANARY, LATER}
    ctx.lock()

    onto = restore.restore_backup(made.path, tmp_path / "onto", server=server, opener=opener)
    assert not (onto.folder / "homeward.db").exists()
    assert ks.KeySlotFile.load(onto.folder / "keyslots.json").server == server
    with ws.unlock(onto.folder, "coord", PASSWORD) as there:
        assert names(there) == {CANARY}  # what was made after the backup is gone
        report = ws.verify(there)
        assert report.ok, report.problems
        with there.uow() as uow:
            assert events_for(uow.session, action=AuditAction.RESTORE)
        person(there, LATER)  # and work goes on
        assert names(there) == {CANARY, LATER}
    assert not (onto.folder / "restored-from.json").exists()
    with ws.unlock_with_recovery_code(onto.folder, workspace.recovery_code) as rec:
        assert ws.verify(rec).ok


@pytest.mark.postgresql_only
def test_a_server_copy_is_the_database_of_one_moment_while_writes_go_on(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row written after the copy's snapshot was taken is not in it; the copy verifies
    against the counts of that snapshot."""
    person(ctx, CANARY)
    real = copies._copy_rows
    snapshot_taken, written = threading.Event(), threading.Event()

    def copy_after_a_write(source: Connection, target: Any) -> None:
        snapshot_taken.set()
        assert written.wait(30)
        real(source, target)

    monkeypatch.setattr(copies, "_copy_rows", copy_after_a_write)
    outcome: dict[str, Any] = {}
    beside = threading.Thread(target=lambda: outcome.update(result=backup.daily_copy(ctx)))
    beside.start()
    assert snapshot_taken.wait(30)
    person(ctx, LATER)  # not held up by the copy's transaction
    written.set()
    beside.join(120)
    result = outcome["result"]
    assert result is not None and dict(result.backup.counts)["people"] == 1
    assert names(ctx) == {CANARY, LATER}


@pytest.mark.postgresql_only
def test_the_restore_command_loads_a_backup_into_an_empty_server_database(
    ctx: ServiceContext, workspace: CreatedWorkspace, tmp_path: Path, pg_empty_url: str
) -> None:
    """``homeward restore --server``: the empty database gets the schema, then the rows."""
    person(ctx, CANARY)
    made = backup.create_backup(ctx).backup
    args = ("restore", "--from", str(made.path), "--workspace", str(tmp_path / "new"))
    refused = run_homeward(*args, "--server", pg_empty_url)
    assert refused.returncode != 0 and not (tmp_path / "new").exists()
    restored = run_homeward(
        *args, "--server", pg_empty_url, "--recovery-code-stdin", stdin=workspace.recovery_code
    )
    assert restored.returncode == 0, restored.stderr
    with ws.unlock(tmp_path / "new", "coord", PASSWORD) as there:
        assert there.paths.server == pg_empty_url and names(there) == {CANARY}
        assert ws.verify(there).ok
