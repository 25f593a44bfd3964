"""Accounts: adding, passwords, roles, deactivation and removal for good."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from app.features.admin.services import users
from app.features.cases.services import case_list
from app.kernel.errors import UnlockError, ValidationError
from app.models.enums import Role
from app.security.permissions import PermissionDenied
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace, NewUser
from tests.conftest import PASSWORD


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add(ctx: ServiceContext, name: str, role: Role = Role.SOCIAL_WORKER) -> users.UserRow:
    return users.add_user(ctx, NewUser(name, name.title(), role, "temporary-1"))


def test_new_user_must_change_the_temporary_password(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    row = add(ctx, "siv")
    assert row.role == Role.SOCIAL_WORKER and row.active
    with ws.unlock(workspace.folder, "siv", "temporary-1") as siv:
        assert siv.actor is not None and siv.actor.must_change_password
        with pytest.raises(PermissionDenied, match="new password"):
            case_list.count_cases(siv)
        users.change_own_password(siv, "temporary-1", "my own secret")
        assert case_list.count_cases(siv) == 0
    with ws.unlock(workspace.folder, "siv", "my own secret") as again:
        assert again.actor is not None and not again.actor.must_change_password
    with pytest.raises(UnlockError):
        ws.unlock(workspace.folder, "siv", "temporary-1")


@pytest.mark.sqlcipher_only  # the encrypted file itself
def test_password_change_does_not_rewrite_the_database(workspace: CreatedWorkspace) -> None:
    db = workspace.folder / "homeward.db"
    with ws.unlock(workspace.folder, "coord", PASSWORD) as ctx:
        before = sha(db)
        users.change_own_password(ctx, PASSWORD, "a brand new one")
        assert sha(db) == before
        with pytest.raises(UnlockError, match="current password"):
            users.change_own_password(ctx, "wrong", "another new one")
    with pytest.raises(UnlockError):
        ws.unlock(workspace.folder, "coord", PASSWORD)
    ws.unlock(workspace.folder, "coord", "a brand new one").lock()


def test_only_coordinators_manage_users(ctx: ServiceContext, workspace: CreatedWorkspace) -> None:
    add(ctx, "wally")
    with ws.unlock(workspace.folder, "wally", "temporary-1") as wally:
        users.change_own_password(wally, "temporary-1", "wally's password")
        with pytest.raises(PermissionDenied):
            add(wally, "mallory")
        with pytest.raises(PermissionDenied):
            users.list_users(wally)
    assert [u.username for u in users.list_users(ctx)] == ["coord", "wally"]


def test_reset_deactivate_and_roles(ctx: ServiceContext, workspace: CreatedWorkspace) -> None:
    vera = add(ctx, "vera", Role.VOLUNTEER)
    users.reset_password(ctx, vera.id, "reset-pass-2")
    with pytest.raises(UnlockError):
        ws.unlock(workspace.folder, "vera", "temporary-1")
    with ws.unlock(workspace.folder, "vera", "reset-pass-2") as vctx:
        assert vctx.actor is not None and vctx.actor.must_change_password
    users.change_role(ctx, vera.id, Role.SOCIAL_WORKER)
    users.set_active(ctx, vera.id, False)
    with pytest.raises(UnlockError, match="not active"):
        ws.unlock(workspace.folder, "vera", "reset-pass-2")
    users.set_active(ctx, vera.id, True)
    ws.unlock(workspace.folder, "vera", "reset-pass-2").lock()
    assert ctx.actor is not None
    with pytest.raises(ValidationError, match="last active coordinator"):
        users.change_role(ctx, ctx.actor.id, Role.SOCIAL_WORKER)
    with pytest.raises(ValidationError, match="own account"):
        users.set_active(ctx, ctx.actor.id, False)
    with pytest.raises(ValidationError, match="taken"):
        add(ctx, "VERA")


def test_remove_for_good_rotates_the_key(
    ctx: ServiceContext, workspace: CreatedWorkspace, store_engine: str, tmp_path: Path
) -> None:
    gone = add(ctx, "gone")
    stays = add(ctx, "stays")
    old_slots = (workspace.folder / "keyslots.json").read_bytes()
    # the leaver keeps a copy of the old key slots and knows their password
    from app.security import keyslots as ks

    _slot, old_key = ks.unlock_with_password(
        ks.KeySlotFile.load(workspace.folder / "keyslots.json"), "gone", "temporary-1"
    )
    steps: list[str] = []
    users.remove_user_for_good(ctx, gone.id, progress=steps.append)
    assert steps == ["pending-seals", "rekey", "promote", "reopen", "done"]
    assert ws.verify(ctx).ok  # the context carries on with the new key
    with pytest.raises(UnlockError):
        ws.unlock(workspace.folder, "gone", "temporary-1")
    # their old key opens no backup made from now on, nor (on a laptop) the database file; a
    # server's rows are not encrypted with the data key, its own access control keeps them
    from app.features.admin.services import backup
    from app.kernel.errors import DatabaseDamagedError
    from app.store import snapshot
    from app.store.engine import KeyHolder, open_connection

    made = backup.create_backup(ctx, out=tmp_path / "after").backup
    with pytest.raises(DatabaseDamagedError):
        snapshot.check_copy(made.path / "homeward.db", KeyHolder(old_key))
    assert snapshot.check_copy(made.path / "homeward.db", KeyHolder(ctx.data_key()))[0].ok
    if store_engine == "sqlcipher":
        with pytest.raises(DatabaseDamagedError):
            open_connection(workspace.folder / "homeward.db", KeyHolder(old_key))
    assert (workspace.folder / "keyslots.json").read_bytes() != old_slots
    ws.unlock(workspace.folder, "stays", "temporary-1").lock()
    with ws.unlock_with_recovery_code(workspace.folder, workspace.recovery_code) as rec:
        assert ws.verify(rec).ok
    assert not next(u for u in users.list_users(ctx) if u.id == gone.id).active
    assert stays.active
