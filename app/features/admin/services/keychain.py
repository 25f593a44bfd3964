"""Unlocking with this computer's keychain: an opt-in convenience for one user (DESIGN.md §5).

Enabling adds a ``kind="keychain"`` key slot for the signed-in user, unwrapped by 32 random
bytes kept in the OS keychain (:mod:`app.security.keychain`). The password slot is never
touched, so every failure here ends with "sign in with your password" and nothing lost.

Order of writes, so that a crash at any point leaves something that works:
enabling stores the keychain entry first and then saves ``keyslots.json`` with the new slot
(a crash in between leaves an entry that opens nothing); disabling removes the slot first and
then the entry. Where staff share one OS account, a coordinator turns the feature off for the
workspace and every keychain slot is removed.
"""

from __future__ import annotations

import contextlib
import secrets
import uuid
from dataclasses import replace
from pathlib import Path

from app.kernel.errors import UnlockError, WorkspaceError
from app.kernel.i18n import _
from app.models import User
from app.security import keychain
from app.security import keyslots as ks
from app.security.keychain import KeychainStatus, KeychainUnavailableError
from app.security.permissions import Permission, entry_point, requires
from app.services import settings, workspace_settings
from app.services.audit_log import AuditAction, log_now
from app.services.context import Actor, ServiceContext
from app.services.workspace import _open, _paths_for_open
from app.store.workspace import WorkspacePaths

SHARED_OS_ACCOUNT = settings.SHARED_OS_ACCOUNT.key


def _fallback_message() -> str:
    return _(
        "This computer's keychain could not unlock the workspace. "
        "Sign in with your password; nothing was lost."
    )


def _shared_os_account(ctx: ServiceContext) -> bool:
    return settings.read(ctx, settings.SHARED_OS_ACCOUNT)


def _shared_reason() -> str:
    return _(
        "Staff share one account on this computer, so unlocking with the keychain is "
        "turned off for this workspace."
    )


@requires(Permission.SIGNED_IN)
def keychain_status(ctx: ServiceContext) -> KeychainStatus:
    """Whether the signed-in user may turn on keychain unlocking, and if not, why."""
    status = keychain.backend_status()
    if _shared_os_account(ctx):
        return replace(status, available=False, reason=_shared_reason())
    return status


@requires(Permission.SIGNED_IN)
def keychain_enabled(ctx: ServiceContext) -> bool:
    """Whether the signed-in user has a keychain slot in this workspace."""
    actor = ctx.require_actor()
    slot_file = ks.KeySlotFile.load(ctx.paths.keyslots)
    return any(s.kind == "keychain" for s in slot_file.slots_for_user(str(actor.id)))


@requires(Permission.SIGNED_IN)
def enable_keychain(ctx: ServiceContext) -> None:
    """Let the signed-in user unlock with this computer's keychain (replacing an older entry).

    Raises :class:`~app.security.keychain.KeychainUnavailableError` (nothing written) when
    the keychain may not be used here. On any failure ``keyslots.json`` is unchanged and no
    new keychain entry is left behind.
    """
    actor = ctx.require_actor()
    status = keychain_status(ctx)
    if not status.available:
        raise KeychainUnavailableError(status.reason or "")
    slot_file = ks.KeySlotFile.load(ctx.paths.keyslots)
    if any(s.pending_seal is not None for s in slot_file.slots):
        # A new slot sealed only to the old key would be dropped when the rotation finishes.
        raise WorkspaceError(
            _("A change of the workspace key is not finished. Sign in again, then try again.")
        )
    old = _keychain_slot_ids(slot_file, actor)
    secret = secrets.token_bytes(keychain.SECRET_BYTES)
    # The secret is 256 random bits, so the Argon2id floor is more than enough; calibrating
    # would only slow down every keychain unlock.
    slot = ks.wrap_key(
        ctx.data_key(),
        secret,
        kind="keychain",
        params=ks.KDF_FLOOR,
        user_id=str(actor.id),
        username=actor.username,
    )
    keychain.store_secret(slot_file.workspace_id, slot.id, secret)
    try:
        slot_file.without_slots(old).with_slot(slot).save(ctx.paths.keyslots)
    except BaseException:
        with contextlib.suppress(keychain.KeychainError):
            keychain.delete_secret(slot_file.workspace_id, slot.id)
        raise
    _delete_entries(slot_file.workspace_id, old)
    log_now(ctx, AuditAction.KEYCHAIN_ENABLE, entity_type="user", entity_id=actor.id)


@requires(Permission.SIGNED_IN)
def disable_keychain(ctx: ServiceContext) -> None:
    """Stop unlocking with the keychain for the signed-in user: slot first, then entry."""
    actor = ctx.require_actor()
    slot_file = ks.KeySlotFile.load(ctx.paths.keyslots)
    old = _keychain_slot_ids(slot_file, actor)
    if old:
        slot_file.without_slots(old).save(ctx.paths.keyslots)
    _delete_entries(slot_file.workspace_id, old)
    log_now(ctx, AuditAction.KEYCHAIN_DISABLE, entity_type="user", entity_id=actor.id)


@requires(Permission.ADMIN)
def set_shared_os_account(ctx: ServiceContext, shared: bool) -> None:
    """Record whether staff share one OS account; sharing removes every keychain slot.

    Entries in other OS accounts' keychains cannot be reached from here, but without their
    slots they open nothing.
    """
    workspace_settings.save(ctx, {settings.SHARED_OS_ACCOUNT: shared})
    if not shared:
        return
    slot_file = ks.KeySlotFile.load(ctx.paths.keyslots)
    old = {s.id for s in slot_file.slots if s.kind == "keychain"}
    if old:
        slot_file.without_slots(old).save(ctx.paths.keyslots)
    _delete_entries(slot_file.workspace_id, old)


@entry_point
def keychain_offered(folder: Path, username: str) -> bool:
    """For the sign-in window: does ``username`` have a keychain slot that could be tried?

    Reads only ``keyslots.json`` and the backend's kind, never the database or the entry.
    """
    try:
        slot_file = ks.KeySlotFile.load(WorkspacePaths(Path(folder).expanduser()).keyslots)
    except WorkspaceError:
        return False
    if not slot_file.slots_for_username(username, kind="keychain"):
        return False
    return keychain.backend_status().available


@entry_point
def unlock_with_keychain(folder: Path, username: str, *, read_only: bool = False) -> ServiceContext:
    """Sign in with the secret in this computer's keychain. Never writes anything.

    Raises :class:`UnlockError` telling the user to use the password when the backend is
    refused, the slot or entry is missing, the entry is wrong, or the workspace says staff
    share this OS account.
    """
    paths, slot_file = _paths_for_open(folder)
    status = keychain.backend_status()
    if not status.available:
        raise UnlockError(
            (status.reason or "") + " " + _("Sign in with your password; nothing was lost.")
        )
    found: tuple[ks.KeySlot, bytes, bytes] | None = None
    for slot in slot_file.slots_for_username(username, kind="keychain"):
        try:
            secret = keychain.load_secret(slot_file.workspace_id, slot.id)
        except keychain.KeychainError:
            secret = None
        data_key = ks.unwrap_key(slot, secret) if secret is not None else None
        if secret is not None and data_key is not None:
            found = slot, secret, data_key
            break
    if found is None:
        raise UnlockError(_fallback_message())
    slot, secret, data_key = found
    keys, engine = _open(
        paths,
        data_key,
        read_only=read_only,
        pending=lambda: ks.pending_key(slot, secret),  # finishes an interrupted rotation
    )
    ctx = ServiceContext(paths, engine, keys, None, demo=slot_file.demo)
    try:
        if _shared_os_account(ctx):
            raise UnlockError(
                _shared_reason() + " " + _("Sign in with your password; nothing was lost.")
            )
        with ctx.uow() as uow:
            user = uow.session.get(User, uuid.UUID(slot.user_id)) if slot.user_id else None
            if user is None or not user.active:
                raise UnlockError(_("This account is not active. Ask a coordinator for help."))
            # The keychain must not skip a password change a coordinator asked for.
            must_change = any(
                s.must_change
                for s in slot_file.slots_for_user(str(user.id))
                if s.kind == "password"
            )
            ctx.actor = Actor(
                user.id,
                user.username,
                user.display_name,
                user.role,
                user.language,
                must_change_password=must_change,
            )
    except BaseException:
        ctx.lock()
        raise
    return ctx


def _keychain_slot_ids(slot_file: ks.KeySlotFile, actor: Actor) -> set[str]:
    return {s.id for s in slot_file.slots_for_user(str(actor.id)) if s.kind == "keychain"}


def _delete_entries(workspace_id: str, slot_ids: set[str]) -> None:
    """Best effort: the slots are already gone, so a leftover entry opens nothing."""
    for slot_id in sorted(slot_ids):
        with contextlib.suppress(keychain.KeychainError):
            keychain.delete_secret(workspace_id, slot_id)
