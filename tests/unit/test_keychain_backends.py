"""Which keyring backends Homeward trusts, and the store/load/delete round trip."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator

import keyring
import keyring.backend
import keyring.core
import pytest
from keyring.backends import chainer, fail, null

from app.security import keychain
from app.security.keychain import KeychainUnavailableError
from tests.fakes import MemoryKeyring

WORKSPACE = "7a0c3e0e-0000-4000-8000-000000000001"
SLOT = "1b2c3d4e-0000-4000-8000-000000000002"


class FakeAltFileKeyring(MemoryKeyring):
    """Stands in for a ``keyrings.alt`` file backend; it even claims a good priority."""

    priority = 3  # type: ignore[assignment]


FakeAltFileKeyring.__module__ = "keyrings.alt.file"


class LocalPlaintextKeyring(MemoryKeyring):
    """A plaintext backend from elsewhere, also with a tempting priority."""

    priority = 2  # type: ignore[assignment]


class NotRecommendedKeyring(MemoryKeyring):
    priority = 0.5  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def _restore_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # keyring keeps the chosen backend in a module global; put the real one back afterwards.
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    yield


@pytest.fixture
def memory() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


def test_round_trip_with_a_recommended_backend(memory: MemoryKeyring) -> None:
    secret = secrets.token_bytes(32)

    assert keychain.backend_status().available
    keychain.store_secret(WORKSPACE, SLOT, secret)
    assert keychain.load_secret(WORKSPACE, SLOT) == secret

    keychain.delete_secret(WORKSPACE, SLOT)
    assert keychain.load_secret(WORKSPACE, SLOT) is None
    keychain.delete_secret(WORKSPACE, SLOT)  # a missing entry is not an error


def test_entry_is_named_by_ids_only_and_holds_base64(memory: MemoryKeyring) -> None:
    secret = secrets.token_bytes(32)
    keychain.store_secret(WORKSPACE, SLOT, secret)

    ((service, account), value) = next(iter(memory.entries.items()))
    assert service == "Homeward"
    assert account == f"{WORKSPACE}/{SLOT}"
    assert base64.b64decode(value) == secret


def test_missing_or_damaged_entry_loads_as_none(memory: MemoryKeyring) -> None:
    assert keychain.load_secret(WORKSPACE, SLOT) is None
    memory.entries[("Homeward", f"{WORKSPACE}/{SLOT}")] = "not base64!"
    assert keychain.load_secret(WORKSPACE, SLOT) is None
    memory.entries[("Homeward", f"{WORKSPACE}/{SLOT}")] = base64.b64encode(b"short").decode()
    assert keychain.load_secret(WORKSPACE, SLOT) is None


def test_a_changed_backend_falls_back_without_error(memory: MemoryKeyring) -> None:
    keychain.store_secret(WORKSPACE, SLOT, secrets.token_bytes(32))
    keyring.set_keyring(MemoryKeyring())  # e.g. the desktop switched keychains
    assert keychain.load_secret(WORKSPACE, SLOT) is None


@pytest.mark.parametrize(
    "backend",
    [
        null.Keyring(),
        fail.Keyring(),
        FakeAltFileKeyring(),
        LocalPlaintextKeyring(),
        NotRecommendedKeyring(),
    ],
    ids=["null", "fail", "keyrings.alt", "plaintext", "priority<1"],
)
def test_refused_backends_are_unavailable_and_never_written(
    backend: keyring.backend.KeyringBackend,
) -> None:
    keyring.set_keyring(backend)

    status = keychain.backend_status()
    assert not status.available
    assert status.reason

    with pytest.raises(KeychainUnavailableError) as raised:
        keychain.store_secret(WORKSPACE, SLOT, secrets.token_bytes(32))
    assert str(raised.value) == status.reason
    if isinstance(backend, MemoryKeyring):
        assert backend.entries == {}
    with pytest.raises(KeychainUnavailableError):
        keychain.load_secret(WORKSPACE, SLOT)


def test_chainer_skips_a_plaintext_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    plain, good = FakeAltFileKeyring(), MemoryKeyring()
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [plain, good])
    keyring.set_keyring(chainer.ChainerBackend())
    secret = secrets.token_bytes(32)

    assert keychain.backend_status().available
    keychain.store_secret(WORKSPACE, SLOT, secret)

    assert plain.entries == {}
    assert len(good.entries) == 1
    # Even an entry planted in the file backend is never read.
    plain.entries[("Homeward", f"{WORKSPACE}/other")] = base64.b64encode(secret).decode()
    assert keychain.load_secret(WORKSPACE, "other") is None


def test_chainer_with_only_refused_backends_is_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plain = FakeAltFileKeyring()
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [plain, null.Keyring()])
    keyring.set_keyring(chainer.ChainerBackend())

    status = keychain.backend_status()
    assert not status.available
    assert status.reason
    with pytest.raises(KeychainUnavailableError):
        keychain.store_secret(WORKSPACE, SLOT, secrets.token_bytes(32))
    assert plain.entries == {}


def test_a_keychain_that_drops_secrets_is_caught() -> None:
    class Forgetful(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            pass

    keyring.set_keyring(Forgetful())
    with pytest.raises(keychain.KeychainError):
        keychain.store_secret(WORKSPACE, SLOT, secrets.token_bytes(32))
