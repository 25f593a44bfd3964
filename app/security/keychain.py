"""The OS keychain (python ``keyring``) as an opt-in way to unlock (DESIGN.md §5).

A keychain entry holds 32 random bytes that unwrap one ``kind="keychain"`` key slot of one
user. It is never the only copy of anything: the user's password slot always stays, so a
lost entry or a different backend only means signing in with the password.

Only real OS keychains are used. A backend is refused when keyring itself does not
recommend it (``priority < 1``), when it is the null or fail backend, or when it keeps
secrets in a file (anything from ``keyrings.alt`` or ``keyrings.cryptfile``, any
"plaintext" backend). When keyring chains several backends, Homeward talks to the best
acceptable one directly, so a plaintext backend further down the chain is never read or
written. Every function here checks this again before touching the keychain and writes
nothing when the check fails.

Entries are named ``Homeward`` / ``<workspace id>/<slot id>``: random identifiers, never a
user name or anything about a client. Secrets are never logged.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import PasswordDeleteError

from app.kernel.errors import HomewardError
from app.kernel.i18n import _

log = logging.getLogger(__name__)

SERVICE = "Homeward"
SECRET_BYTES = 32
#: keyring's own threshold for a "recommended" backend (``keyring.core.recommended``).
MIN_PRIORITY = 1.0
#: Backends that keep secrets in files next to the user's data, whatever their priority.
_FILE_BACKEND_MODULES = ("keyrings.alt", "keyrings.cryptfile")


class KeychainError(HomewardError):
    """The keychain could not be used; the message says what to do instead."""


class KeychainUnavailableError(KeychainError):
    """No acceptable keychain backend: nothing was read or written."""


@dataclass(frozen=True)
class KeychainStatus:
    available: bool
    backend_name: str
    reason: str | None = None  # translated; set exactly when not available


def _name(backend: KeyringBackend) -> str:
    try:
        return str(backend.name)
    except Exception:  # a third-party backend's name property should never stop the check
        cls = type(backend)
        return f"{cls.__module__}.{cls.__qualname__}"


def _refusal(backend: KeyringBackend) -> str | None:
    """Why ``backend`` must not hold a secret (translated), or ``None`` when it may."""
    if isinstance(backend, (null.Keyring, fail.Keyring)):
        return _(
            "This computer has no keychain that Homeward can use. "
            "Sign in with your password instead."
        )
    for cls in type(backend).__mro__:
        module = cls.__module__ or ""
        if module.startswith(_FILE_BACKEND_MODULES) or "plaintext" in cls.__name__.casefold():
            return _(
                "This computer's keyring keeps secrets in a file, which is not safe "
                "enough. Unlocking with the keychain is not available."
            )
    if hasattr(type(backend), "file_path"):
        return _(
            "This computer's keyring keeps secrets in a file, which is not safe "
            "enough. Unlocking with the keychain is not available."
        )
    try:
        priority = float(backend.priority)
    except Exception:  # keyring signals "not usable here" by raising from priority
        priority = -1.0
    if priority < MIN_PRIORITY:
        return _(
            "This computer's keyring ({name}) is not a secure keychain. "
            "Unlocking with the keychain is not available."
        ).format(name=_name(backend))
    return None


def _resolve() -> tuple[KeyringBackend | None, KeychainStatus]:
    """The concrete backend to use (if any) and the status to show for it."""
    try:
        chosen = keyring.get_keyring()
    except Exception:  # a broken keyring configuration must not stop sign-in
        log.warning("The keyring backend could not be loaded", exc_info=True)
        return None, KeychainStatus(
            False,
            "",
            _("This computer's keychain could not be reached. Sign in with your password."),
        )
    if isinstance(chosen, chainer.ChainerBackend):
        try:
            chained = list(chosen.backends)
        except Exception:
            chained = []
        usable = [b for b in chained if _refusal(b) is None]
        if not usable:
            return None, KeychainStatus(
                False,
                _name(chosen),
                _(
                    "This computer has no keychain that Homeward can use. "
                    "Sign in with your password instead."
                ),
            )
        chosen = usable[0]  # chained backends come sorted by priority, best first
    reason = _refusal(chosen)
    if reason is not None:
        return None, KeychainStatus(False, _name(chosen), reason)
    return chosen, KeychainStatus(True, _name(chosen))


def backend_status() -> KeychainStatus:
    """Whether this computer's keychain may be used, and if not, why (for the UI)."""
    return _resolve()[1]


def _usable_backend() -> KeyringBackend:
    backend, status = _resolve()
    if backend is None:
        raise KeychainUnavailableError(status.reason or "")
    return backend


def _account(workspace_id: str, slot_id: str) -> str:
    return f"{workspace_id}/{slot_id}"


def _decode(text: str | None) -> bytes | None:
    if text is None:
        return None
    try:
        secret = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    return secret if len(secret) == SECRET_BYTES else None


def store_secret(workspace_id: str, slot_id: str, secret: bytes) -> None:
    """Save ``secret`` for one slot, and read it back to be sure the keychain kept it.

    Raises :class:`KeychainUnavailableError` (nothing written) when the backend is refused,
    :class:`KeychainError` when the keychain fails; a failed store leaves no entry behind.
    """
    if len(secret) != SECRET_BYTES:
        raise ValueError("a keychain secret must be 32 bytes")
    backend = _usable_backend()
    account = _account(workspace_id, slot_id)
    encoded = base64.b64encode(secret).decode("ascii")
    try:
        backend.set_password(SERVICE, account, encoded)
        stored = _decode(backend.get_password(SERVICE, account))
    except Exception as exc:
        log.warning("Saving to the keychain failed (%s)", type(exc).__name__)
        _forget(backend, account)
        raise KeychainError(
            _("Homeward could not save to this computer's keychain. Nothing was changed.")
        ) from None
    if stored != secret:
        _forget(backend, account)
        raise KeychainError(
            _("This computer's keychain did not keep the secret. Nothing was changed.")
        )


def load_secret(workspace_id: str, slot_id: str) -> bytes | None:
    """The slot's secret, or ``None`` when the entry is missing, damaged or unreadable.

    Raises :class:`KeychainUnavailableError` only when the backend is refused.
    """
    backend = _usable_backend()
    try:
        return _decode(backend.get_password(SERVICE, _account(workspace_id, slot_id)))
    except Exception as exc:  # a locked or vanished keychain: fall back to the password
        log.warning("Reading from the keychain failed (%s)", type(exc).__name__)
        return None


def delete_secret(workspace_id: str, slot_id: str) -> None:
    """Remove the slot's entry. A missing entry is not an error."""
    backend = _usable_backend()
    account = _account(workspace_id, slot_id)
    try:
        backend.delete_password(SERVICE, account)
    except PasswordDeleteError:
        return
    except Exception as exc:
        log.warning("Removing from the keychain failed (%s)", type(exc).__name__)
        raise KeychainError(
            _("Homeward could not remove its entry from this computer's keychain.")
        ) from None


def _forget(backend: KeyringBackend, account: str) -> None:
    try:
        backend.delete_password(SERVICE, account)
    except Exception:  # best effort: the entry may never have been written
        log.debug("No keychain entry to remove after a failed store")
