"""Key slots: one random data key, wrapped once per user and once for the recovery code.

``keyslots.json`` sits beside the database. Each slot's secret (a user's password or the
recovery code) goes through Argon2id to a key that unwraps, with AES-256-GCM, the slot's own
X25519 private key; the 256-bit data key is sealed to that slot's public key (see "slots"
below for why). The slot id is associated data everywhere, so a slot cannot be moved onto
another id. Nothing in the file names a user: a password slot is found by a salted hash of
the user name, so the file reveals only how many slots there are.

A wrong secret raises :class:`UnlockError` and never writes anything. Saving the file goes
through :func:`app.store.files.atomic_write`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import unicodedata
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeVar

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.kernel.errors import KeySlotsDamagedError, UnlockError, WorkspaceError
from app.kernel.i18n import _
from app.store.files import atomic_write

FORMAT = "homeward-keyslots"
FORMAT_VERSION = 1  # bump with a migration path if the slot layout changes
DATA_KEY_BYTES = 32
SlotKind = Literal["password", "recovery", "keychain"]

# Crockford base32: no I, L, O or U, so a code read aloud or typed is hard to get wrong.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RECOVERY_RANDOM_CHARS = 30  # 150 bits
_RECOVERY_CHECK_CHARS = 2


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. ``memory_kib`` is in KiB, as argon2 expects."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 1

    def as_json(self) -> dict[str, Any]:
        return {
            "algorithm": "argon2id",
            "time_cost": self.time_cost,
            "memory_kib": self.memory_kib,
            "parallelism": self.parallelism,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KdfParams:
        if _typed(data, dict).get("algorithm") != "argon2id":
            raise WorkspaceError(_("The key slot file uses an unknown key derivation."))
        params = cls(
            _typed(data["time_cost"], int),
            _typed(data["memory_kib"], int),
            _typed(data["parallelism"], int),
        )
        # Argon2's own bounds, and at most 4 GiB: a larger value is damage (or a trap that
        # would exhaust the memory at sign-in), not a setting any Homeward writes.
        if not (
            1 <= params.time_cost <= 1_000
            and 1 <= params.parallelism <= 64
            and 8 * params.parallelism <= params.memory_kib <= 4 * 1024 * 1024
        ):
            raise ValueError("key derivation parameters out of range")
        return params


#: DESIGN.md §5: at least 64 MiB and 3 passes. Never go below this, whatever calibration says.
KDF_FLOOR = KdfParams()


def derive_key(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        secret,
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def calibrate(target_seconds: float = 0.5, *, max_time_cost: int = 30) -> KdfParams:
    """Raise the pass count from the floor until one derivation takes about ``target_seconds``.

    ``target_seconds <= 0`` returns the floor (used by tests; still a full-strength Argon2id).
    """
    if target_seconds <= 0:
        return KDF_FLOOR
    salt = secrets.token_bytes(16)

    def timed(passes: int) -> float:
        started = time.perf_counter()
        derive_key(b"calibration", salt, replace(KDF_FLOOR, time_cost=passes))
        return time.perf_counter() - started

    # Two points separate the fixed cost (allocating the memory) from the cost per pass.
    low, high = KDF_FLOOR.time_cost, 2 * KDF_FLOOR.time_cost
    t_low, t_high = timed(low), timed(high)
    per_pass = max((t_high - t_low) / (high - low), 1e-6)
    fixed = max(t_low - per_pass * low, 0.0)
    passes = int((target_seconds - fixed) / per_pass)
    return replace(KDF_FLOOR, time_cost=max(KDF_FLOOR.time_cost, min(passes, max_time_cost)))


def normalise_password(password: str) -> bytes:
    """NFC-normalise so the same password typed on two keyboards gives the same bytes."""
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _normalise_username(username: str) -> bytes:
    return unicodedata.normalize("NFC", username.strip()).casefold().encode("utf-8")


T = TypeVar("T")


def _typed(value: object, kind: type[T]) -> T:
    """``value`` if it is a ``kind`` (``True`` is no number here), else ``TypeError``: a key
    slot file whose fields have the wrong types is damaged, not a crash."""
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError("a key slot field of the wrong type")
    return value


def _optional(value: object, kind: type[T]) -> T | None:
    return None if value is None else _typed(value, kind)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, size: int | None = None) -> bytes:
    """Base64 ``text``; with ``size``, exactly that many bytes (else ``ValueError``)."""
    data = base64.b64decode(_typed(text, str).encode("ascii"), validate=True)
    if size is not None and len(data) != size:
        raise ValueError("a key slot field of the wrong length")
    return data


def _lookup(username: str, salt: bytes) -> str:
    return hashlib.sha256(
        b"homeward-user-lookup\0" + salt + _normalise_username(username)
    ).hexdigest()


# --- recovery codes --------------------------------------------------------------------


def _check_chars(body: str) -> str:
    digest = hashlib.sha256(b"homeward-recovery\0" + body.encode("ascii")).digest()
    return "".join(_ALPHABET[b % 32] for b in digest[:_RECOVERY_CHECK_CHARS])


def generate_recovery_code() -> str:
    """A new recovery code: 150 random bits and 2 check characters in 8 groups of 4."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(_RECOVERY_RANDOM_CHARS))
    return format_recovery_code(body + _check_chars(body))


def format_recovery_code(canonical: str) -> str:
    return "-".join(canonical[i : i + 4] for i in range(0, len(canonical), 4))


def normalise_recovery_code(text: str) -> str:
    """Canonical form of a typed code: upper case, no separators, O→0 and I/L→1.

    Raises :class:`UnlockError` when the code has the wrong length or its check characters
    do not match, so a typo is caught before any key derivation.
    """
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\r\n")
    cleaned = cleaned.translate(str.maketrans("OIL", "011"))
    expected = _RECOVERY_RANDOM_CHARS + _RECOVERY_CHECK_CHARS
    if len(cleaned) != expected or any(ch not in _ALPHABET for ch in cleaned):
        raise UnlockError(_("That is not a valid recovery code. It has 32 letters and digits."))
    body, check = cleaned[:_RECOVERY_RANDOM_CHARS], cleaned[_RECOVERY_RANDOM_CHARS:]
    if not hmac.compare_digest(check, _check_chars(body)):
        raise UnlockError(_("That recovery code has a typing mistake. Check each group again."))
    return cleaned


# --- slots -----------------------------------------------------------------------------
#
# Two levels, so that the data key can be replaced without anyone's password:
#   secret --Argon2id--> KEK --AES-GCM--> the slot's X25519 private key
#   data key --sealed to the slot's public key (X25519 + HKDF + AES-GCM)--> seal
# Changing a password re-wraps only the private key. Rotating the data key (removing a
# user for good) seals the new key to every remaining slot's public key; the removed user's
# old secrets open nothing new.


@dataclass(frozen=True)
class Seal:
    """The data key, encrypted to one slot's public key."""

    ephemeral: bytes
    nonce: bytes
    ciphertext: bytes

    def as_json(self) -> dict[str, str]:
        return {
            "ephemeral": _b64(self.ephemeral),
            "nonce": _b64(self.nonce),
            "ciphertext": _b64(self.ciphertext),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Seal:
        data = _typed(data, dict)
        return cls(
            _unb64(data["ephemeral"], 32),
            _unb64(data["nonce"], 12),
            _unb64(data["ciphertext"], DATA_KEY_BYTES + 16),
        )


@dataclass(frozen=True)
class KeySlot:
    id: str
    kind: SlotKind
    user_id: str | None
    lookup: str | None
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped_private: bytes
    public_key: bytes
    seal: Seal
    must_change: bool = False
    pending_seal: Seal | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "user_id": self.user_id,
            "lookup": self.lookup,
            "kdf": self.kdf.as_json(),
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "wrapped_private": _b64(self.wrapped_private),
            "public_key": _b64(self.public_key),
            "seal": self.seal.as_json(),
            "pending_seal": self.pending_seal.as_json() if self.pending_seal else None,
            "must_change": self.must_change,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeySlot:
        kind = data["kind"]
        if kind not in ("password", "recovery", "keychain"):
            raise WorkspaceError(_("The key slot file contains an unknown kind of slot."))
        pending = data.get("pending_seal")
        return cls(
            id=_typed(data["id"], str),
            kind=kind,
            user_id=_optional(data.get("user_id"), str),
            lookup=_optional(data.get("lookup"), str),
            kdf=KdfParams.from_json(data["kdf"]),
            salt=_unb64(data["salt"], 16),
            nonce=_unb64(data["nonce"], 12),
            wrapped_private=_unb64(data["wrapped_private"], 32 + 16),
            public_key=_unb64(data["public_key"], 32),
            seal=Seal.from_json(data["seal"]),
            must_change=_typed(data.get("must_change", False), bool),
            pending_seal=Seal.from_json(pending) if pending is not None else None,
        )


def _aad(slot_id: str, purpose: bytes) -> bytes:
    return b"homeward-keyslot-v1\0" + purpose + b"\0" + slot_id.encode("ascii")


def seal_key(data_key: bytes, public_key: bytes, slot_id: str) -> Seal:
    if len(data_key) != DATA_KEY_BYTES:
        raise ValueError("data key must be 32 bytes")
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    key = HKDF(SHA256(), 32, salt=None, info=_aad(slot_id, b"seal")).derive(shared)
    nonce = secrets.token_bytes(12)
    return Seal(
        ephemeral=ephemeral.public_key().public_bytes_raw(),
        nonce=nonce,
        ciphertext=AESGCM(key).encrypt(nonce, data_key, _aad(slot_id, b"data-key")),
    )


def open_seal(seal: Seal, private_key: bytes, slot_id: str) -> bytes | None:
    private = X25519PrivateKey.from_private_bytes(private_key)
    shared = private.exchange(X25519PublicKey.from_public_bytes(seal.ephemeral))
    key = HKDF(SHA256(), 32, salt=None, info=_aad(slot_id, b"seal")).derive(shared)
    try:
        return AESGCM(key).decrypt(seal.nonce, seal.ciphertext, _aad(slot_id, b"data-key"))
    except InvalidTag:
        return None


def _check_params(params: KdfParams) -> None:
    if params.time_cost < KDF_FLOOR.time_cost or params.memory_kib < KDF_FLOOR.memory_kib:
        raise ValueError("key derivation parameters below the floor")


def wrap_private(
    slot: KeySlot, private_key: bytes, secret: bytes, params: KdfParams, username: str | None
) -> KeySlot:
    """The same slot (same key pair, same seal) under a new secret: a password change."""
    _check_params(params)
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    kek = derive_key(secret, salt, params)
    return replace(
        slot,
        kdf=params,
        salt=salt,
        nonce=nonce,
        wrapped_private=AESGCM(kek).encrypt(nonce, private_key, _aad(slot.id, b"private")),
        lookup=_lookup(username, salt) if username is not None else None,
    )


def wrap_key(
    data_key: bytes,
    secret: bytes,
    *,
    kind: SlotKind,
    params: KdfParams,
    user_id: str | None = None,
    username: str | None = None,
    slot_id: str | None = None,
    must_change: bool = False,
) -> KeySlot:
    """A new slot: a fresh key pair, its private key wrapped by ``secret``, the data key sealed."""
    _check_params(params)
    slot_id = slot_id or str(uuid.uuid4())
    private = X25519PrivateKey.generate()
    public_key = private.public_key().public_bytes_raw()
    blank = KeySlot(
        id=slot_id,
        kind=kind,
        user_id=user_id,
        lookup=None,
        kdf=params,
        salt=b"",
        nonce=b"",
        wrapped_private=b"",
        public_key=public_key,
        seal=seal_key(data_key, public_key, slot_id),
        must_change=must_change,
    )
    return wrap_private(blank, private.private_bytes_raw(), secret, params, username)


def unwrap_private(slot: KeySlot, secret: bytes) -> bytes | None:
    """The slot's private key, or ``None`` when ``secret`` is not this slot's secret."""
    kek = derive_key(secret, slot.salt, slot.kdf)
    try:
        return AESGCM(kek).decrypt(slot.nonce, slot.wrapped_private, _aad(slot.id, b"private"))
    except InvalidTag:
        return None


def unwrap_key(slot: KeySlot, secret: bytes) -> bytes | None:
    """The data key, or ``None`` when ``secret`` is not this slot's secret."""
    private = unwrap_private(slot, secret)
    return None if private is None else open_seal(slot.seal, private, slot.id)


@dataclass(frozen=True)
class KeySlotFile:
    """The whole of ``keyslots.json``: workspace identity plus the slots."""

    workspace_id: str
    slots: tuple[KeySlot, ...]
    demo: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    # -- lookups --

    def slots_for_username(self, username: str, *, kind: SlotKind = "password") -> list[KeySlot]:
        return [
            s
            for s in self.slots
            if s.kind == kind
            and s.lookup is not None
            and hmac.compare_digest(s.lookup, _lookup(username, s.salt))
        ]

    def slots_for_user(self, user_id: str) -> list[KeySlot]:
        return [s for s in self.slots if s.user_id == user_id]

    def recovery_slots(self) -> list[KeySlot]:
        return [s for s in self.slots if s.kind == "recovery"]

    # -- edits (return new objects; callers save) --

    def with_slot(self, slot: KeySlot) -> KeySlotFile:
        return replace(self, slots=(*self.slots, slot))

    def without_slots(self, slot_ids: set[str]) -> KeySlotFile:
        return replace(self, slots=tuple(s for s in self.slots if s.id not in slot_ids))

    def replacing(self, slot: KeySlot) -> KeySlotFile:
        return replace(self, slots=tuple(slot if s.id == slot.id else s for s in self.slots))

    # -- data-key rotation (see app.features.admin.services.users.remove_user_for_good) --

    @property
    def server(self) -> str | None:
        """The PostgreSQL URL of a workspace whose database is on a server (no password in
        it: libpq finds that in the user's password file); ``None`` for a laptop workspace."""
        value = self.extra.get("server")
        return str(value) if value else None

    def on_server(self, server: str | None) -> KeySlotFile:
        """The same slots for a workspace whose database is at ``server`` (a PostgreSQL URL),
        or in the workspace folder (``None``)."""
        extra = {k: v for k, v in self.extra.items() if k != "server"}
        return replace(self, extra={**extra, "server": server} if server else extra)

    @property
    def kdf_seconds(self) -> float:
        """The key-derivation time new slots are calibrated to (set when the workspace was made)."""
        return float(self.extra.get("kdf_seconds", 0.5))

    @property
    def rotation_pending(self) -> bool:
        return any(s.pending_seal is not None for s in self.slots)

    def with_pending(self, new_key: bytes, keep: set[str]) -> KeySlotFile:
        """Step 1: seal ``new_key`` beside the current key for every slot in ``keep``."""
        return replace(
            self,
            slots=tuple(
                replace(s, pending_seal=seal_key(new_key, s.public_key, s.id))
                if s.id in keep
                else s
                for s in self.slots
            ),
        )

    def promote_pending(self) -> KeySlotFile:
        """Step 3 (the database has the new key): pending seals become the seals; slots
        without one (the removed user's) go."""
        if not self.rotation_pending:
            raise WorkspaceError(_("There is no key rotation to finish."))
        return replace(
            self,
            slots=tuple(
                replace(s, seal=s.pending_seal, pending_seal=None)
                for s in self.slots
                if s.pending_seal is not None
            ),
        )

    def drop_pending(self) -> KeySlotFile:
        """A rotation that never reached the database: forget the new key."""
        return replace(self, slots=tuple(replace(s, pending_seal=None) for s in self.slots))

    # -- persistence --

    def to_bytes(self) -> bytes:
        body = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "workspace_id": self.workspace_id,
            "demo": self.demo,
            "slots": [s.as_json() for s in self.slots],
            **self.extra,
        }
        return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode("utf-8")

    def save(self, path: Path) -> None:
        atomic_write(path, self.to_bytes())

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        """Read ``path``; anything but a well-formed key slot file (``[]``, ``null``, cut
        short, a field of the wrong type) is :class:`KeySlotsDamagedError`, and the file is
        left as it is."""
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            raise WorkspaceError(
                _("This folder has no key slot file (keyslots.json); it is not a workspace.")
            ) from None
        return cls.from_bytes(raw)

    @classmethod
    def from_bytes(cls, raw: bytes) -> KeySlotFile:
        """A key slot file's content, checked as :meth:`load` checks it."""
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("format")
            if _typed(data.get("version", 0), int) > FORMAT_VERSION:
                raise WorkspaceError(
                    _("This workspace was made by a newer Homeward. Please update Homeward.")
                )
            slots = _typed(data["slots"], list)
            if not slots:  # every workspace has a recovery slot at least
                raise ValueError("no slots")
            known = {"format", "version", "workspace_id", "demo", "slots"}
            return cls(
                workspace_id=_typed(data["workspace_id"], str),
                slots=tuple(KeySlot.from_json(_typed(s, dict)) for s in slots),
                demo=_typed(data.get("demo", False), bool),
                extra={k: v for k, v in data.items() if k not in known},
            )
        except WorkspaceError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            raise KeySlotsDamagedError(
                _("The key slot file (keyslots.json) is damaged. Restore it from a backup.")
            ) from None


def unlock_with_password(slots: KeySlotFile, username: str, password: str) -> tuple[KeySlot, bytes]:
    """Find the user's slot and unwrap the data key, or raise :class:`UnlockError`.

    An unknown user name costs one derivation too, so timing does not tell which names exist.
    """
    secret = normalise_password(password)
    candidates = slots.slots_for_username(username)
    if not candidates:
        derive_key(secret, secrets.token_bytes(16), KDF_FLOOR)
    for slot in candidates:
        key = unwrap_key(slot, secret)
        if key is not None:
            return slot, key
    raise UnlockError(_("The user name or password is not right. Nothing was changed."))


def pending_key(slot: KeySlot, secret: bytes) -> bytes | None:
    """The not-yet-promoted new data key of an interrupted rotation, if this slot has one."""
    if slot.pending_seal is None:
        return None
    private = unwrap_private(slot, secret)
    return None if private is None else open_seal(slot.pending_seal, private, slot.id)


def unlock_with_recovery_code(slots: KeySlotFile, code: str) -> tuple[KeySlot, bytes]:
    secret = normalise_recovery_code(code).encode("ascii")
    for slot in slots.recovery_slots():
        key = unwrap_key(slot, secret)
        if key is not None:
            return slot, key
    raise UnlockError(_("That recovery code does not open this workspace. Nothing was changed."))


def new_data_key() -> bytes:
    return secrets.token_bytes(DATA_KEY_BYTES)
