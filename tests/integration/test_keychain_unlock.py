"""Unlocking with the OS keychain on a real workspace, with an in-memory keyring backend."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator

import keyring
import keyring.backend
import keyring.core
import pytest
from keyring.backends import null

from app.features.admin.services import keychain as kc
from app.kernel.errors import DiskFullError, UnlockError
from app.models.enums import Role
from app.security import keyslots as ks
from app.security.keychain import KeychainUnavailableError
from app.security.permissions import PermissionDenied
from app.services.workspace import CreatedWorkspace, NewUser, unlock
from tests.conftest import PASSWORD
from tests.fakes import MemoryKeyring


@pytest.fixture
def memory(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)  # restored afterwards
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend


@pytest.fixture
def ws(make_workspace: Callable[..., CreatedWorkspace]) -> CreatedWorkspace:
    return make_workspace(users=(NewUser("sam", "Sam Worker", Role.SOCIAL_WORKER, PASSWORD),))


def _slots(ws: CreatedWorkspace) -> ks.KeySlotFile:
    return ks.KeySlotFile.load(ws.folder / "keyslots.json")


def _keychain_slots(ws: CreatedWorkspace) -> list[ks.KeySlot]:
    return [s for s in _slots(ws).slots if s.kind == "keychain"]


def _enable_for(ws: CreatedWorkspace, username: str) -> None:
    with unlock(ws.folder, username, PASSWORD) as ctx:
        kc.enable_keychain(ctx)


def test_enable_then_unlock_with_the_keychain(ws: CreatedWorkspace, memory: MemoryKeyring) -> None:
    assert not kc.keychain_offered(ws.folder, "sam")
    _enable_for(ws, "sam")

    assert kc.keychain_offered(ws.folder, "sam")
    assert kc.keychain_offered(ws.folder, "SAM ")
    assert not kc.keychain_offered(ws.folder, "coord")
    with kc.unlock_with_keychain(ws.folder, "sam") as ctx:
        assert ctx.actor is not None and ctx.actor.username == "sam"
        assert kc.keychain_enabled(ctx)
    with pytest.raises(UnlockError):
        kc.unlock_with_keychain(ws.folder, "coord")  # sam's entry opens only sam's account


def test_enabling_again_replaces_the_slot_and_entry(
    ws: CreatedWorkspace, memory: MemoryKeyring
) -> None:
    _enable_for(ws, "sam")
    first = _keychain_slots(ws)
    _enable_for(ws, "sam")
    second = _keychain_slots(ws)

    assert len(first) == len(second) == 1 and first[0].id != second[0].id
    assert list(memory.entries) == [("Homeward", f"{ws.workspace_id}/{second[0].id}")]
    kc.unlock_with_keychain(ws.folder, "sam").lock()


def test_the_secret_never_reaches_keyslots_json(
    ws: CreatedWorkspace, memory: MemoryKeyring
) -> None:
    _enable_for(ws, "sam")
    (encoded,) = memory.entries.values()
    secret = base64.b64decode(encoded)
    raw = (ws.folder / "keyslots.json").read_bytes()

    assert secret not in raw
    assert encoded.encode() not in raw
    assert secret.hex().encode() not in raw


def test_lost_entry_falls_back_to_the_password(ws: CreatedWorkspace, memory: MemoryKeyring) -> None:
    _enable_for(ws, "sam")
    memory.entries.clear()
    before = (ws.folder / "keyslots.json").read_bytes()

    with pytest.raises(UnlockError, match="password"):
        kc.unlock_with_keychain(ws.folder, "sam")
    assert (ws.folder / "keyslots.json").read_bytes() == before
    unlock(ws.folder, "sam", PASSWORD).lock()


def test_wrong_entry_falls_back_to_the_password(
    ws: CreatedWorkspace, memory: MemoryKeyring
) -> None:
    _enable_for(ws, "sam")
    (account,) = memory.entries
    memory.entries[account] = base64.b64encode(bytes(32)).decode()

    with pytest.raises(UnlockError, match="password"):
        kc.unlock_with_keychain(ws.folder, "sam")
    unlock(ws.folder, "sam", PASSWORD).lock()


def test_null_backend_refuses_and_writes_nothing(
    ws: CreatedWorkspace, memory: MemoryKeyring
) -> None:
    _enable_for(ws, "sam")
    keyring.set_keyring(null.Keyring())
    before = (ws.folder / "keyslots.json").read_bytes()

    with unlock(ws.folder, "coord", PASSWORD) as ctx:
        status = kc.keychain_status(ctx)
        assert not status.available and status.reason
        with pytest.raises(KeychainUnavailableError):
            kc.enable_keychain(ctx)
    assert (ws.folder / "keyslots.json").read_bytes() == before
    assert not kc.keychain_offered(ws.folder, "sam")
    with pytest.raises(UnlockError, match="password"):
        kc.unlock_with_keychain(ws.folder, "sam")
    unlock(ws.folder, "sam", PASSWORD).lock()


def test_failed_save_leaves_no_entry_and_no_slot(
    ws: CreatedWorkspace, memory: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (ws.folder / "keyslots.json").read_bytes()

    def disk_full(self: ks.KeySlotFile, path: object) -> None:
        raise OSError(28, "No space left on device")

    with unlock(ws.folder, "sam", PASSWORD) as ctx:
        monkeypatch.setattr(ks.KeySlotFile, "save", disk_full)
        with pytest.raises(DiskFullError, match="The disk is full"):
            kc.enable_keychain(ctx)
    assert memory.entries == {}
    assert (ws.folder / "keyslots.json").read_bytes() == before


def test_disable_removes_slot_and_entry(ws: CreatedWorkspace, memory: MemoryKeyring) -> None:
    _enable_for(ws, "sam")
    with unlock(ws.folder, "sam", PASSWORD) as ctx:
        kc.disable_keychain(ctx)
        assert not kc.keychain_enabled(ctx)
    assert _keychain_slots(ws) == []
    assert memory.entries == {}
    assert not kc.keychain_offered(ws.folder, "sam")


def test_shared_os_account_removes_every_keychain_slot(
    ws: CreatedWorkspace, memory: MemoryKeyring
) -> None:
    _enable_for(ws, "sam")
    _enable_for(ws, "coord")
    assert len(_keychain_slots(ws)) == 2

    with unlock(ws.folder, "coord", PASSWORD) as ctx:
        kc.set_shared_os_account(ctx, True)
        status = kc.keychain_status(ctx)
        assert not status.available and status.reason
        with pytest.raises(KeychainUnavailableError):
            kc.enable_keychain(ctx)

    assert _keychain_slots(ws) == []
    assert memory.entries == {}
    assert not kc.keychain_offered(ws.folder, "sam")
    with pytest.raises(UnlockError):
        kc.unlock_with_keychain(ws.folder, "sam")
    unlock(ws.folder, "sam", PASSWORD).lock()

    with unlock(ws.folder, "coord", PASSWORD) as ctx:
        kc.set_shared_os_account(ctx, False)
        assert kc.keychain_status(ctx).available


def test_shared_setting_is_checked_even_if_a_slot_survives(
    ws: CreatedWorkspace, memory: MemoryKeyring
) -> None:
    # A slot and entry that survive (an old keyslots.json put back) must not bypass the setting.
    _enable_for(ws, "sam")
    kept_file = (ws.folder / "keyslots.json").read_bytes()
    kept_entries = dict(memory.entries)
    with unlock(ws.folder, "coord", PASSWORD) as ctx:
        kc.set_shared_os_account(ctx, True)
    (ws.folder / "keyslots.json").write_bytes(kept_file)
    memory.entries.update(kept_entries)

    with pytest.raises(UnlockError, match="share"):
        kc.unlock_with_keychain(ws.folder, "sam")


def test_only_coordinators_change_the_shared_setting(
    ws: CreatedWorkspace, memory: MemoryKeyring
) -> None:
    with unlock(ws.folder, "sam", PASSWORD) as ctx, pytest.raises(PermissionDenied):
        kc.set_shared_os_account(ctx, True)
