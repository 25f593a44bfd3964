"""Users and their key slots: add, deactivate, reset, change role, change own password,
and remove for good (which rotates the data key).

Order of writes, chosen so a crash never locks anyone out:

* adding a user writes the user row first, then the key slot (a row without a slot is
  harmless: the coordinator resets its password);
* a password change or reset rewrites one slot in ``keyslots.json`` (atomically); the
  database is not re-encrypted;
* removal for good is the rotation protocol in :func:`remove_user_for_good`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, func, select

from app.kernel.changes import Topic, writes
from app.kernel.errors import NotFoundError, UnlockError, ValidationError
from app.kernel.i18n import LANGUAGES, _
from app.models import Draft, User, utcnow
from app.models.enums import Role
from app.security import keyslots as ks
from app.security.permissions import Permission, requires
from app.services.audit_log import AuditAction, log
from app.services.context import ServiceContext
from app.services.workspace import NewUser, normalise_username, validate_new_user
from app.store.adapters import adapter
from app.store.engine import KeyHolder
from app.store.pg_engine import open_engine


@dataclass(frozen=True)
class UserRow:
    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    active: bool
    language: str
    last_sign_in_at: datetime | None


def _row(user: User) -> UserRow:
    return UserRow(
        user.id,
        user.username,
        user.display_name,
        user.role,
        user.active,
        user.language,
        user.last_sign_in_at,
    )


def _slots(ctx: ServiceContext) -> ks.KeySlotFile:
    return ctx.accounts.load_slots()


def _kdf(slots: ks.KeySlotFile) -> ks.KdfParams:
    """Cost for a new slot: calibrated to the workspace's target time, never below the floor."""
    return ks.calibrate(slots.kdf_seconds)


@requires(Permission.ADMIN)
def list_users(ctx: ServiceContext) -> list[UserRow]:
    with ctx.uow() as uow:
        users = uow.session.scalars(select(User).order_by(User.display_name)).all()
        return [_row(u) for u in users]


@requires(Permission.CASE_READ)
def list_active_staff(ctx: ServiceContext, role: Role | None = None) -> list[UserRow]:
    """People a case can be assigned to (workers, volunteers)."""
    stmt = select(User).where(User.active.is_(True)).order_by(User.display_name)
    if role is not None:
        stmt = stmt.where(User.role == role)
    with ctx.uow() as uow:
        return [_row(u) for u in uow.session.scalars(stmt)]


@requires(Permission.ADMIN)
@writes(Topic.USERS)
def add_user(ctx: ServiceContext, new: NewUser) -> UserRow:
    """A new account whose (temporary) password must be changed at first sign-in."""
    validate_new_user(new)
    username = normalise_username(new.username)
    with ctx.uow(write=True) as uow:
        exists = uow.session.scalar(select(User.id).where(User.username == username))
        if exists is not None:
            raise ValidationError({"username": _("That user name is taken.")})
        user = User(
            username=username,
            display_name=new.display_name.strip(),
            role=new.role,
            language=new.language,
            created_by=ctx.require_actor().id,
        )
        uow.session.add(user)
        uow.session.flush()
        log(
            uow,
            ctx,
            AuditAction.USER_ADD,
            entity_type="user",
            entity_id=user.id,
            fields=["username", "display_name", "role", "language"],
        )
        ctx.accounts.login_created(uow.session.connection(), username, new.password, new.role)
        uow.commit()
        row = _row(user)
    slots = _slots(ctx)
    slot = ks.wrap_key(
        ctx.data_key(),
        ks.normalise_password(new.password),
        kind="password",
        params=_kdf(slots),
        user_id=str(row.id),
        username=username,
        must_change=True,
    )
    ctx.accounts.save_slots(slots.with_slot(slot))
    return row


def _get_user(ctx: ServiceContext, user_id: uuid.UUID) -> UserRow:
    with ctx.uow() as uow:
        user = uow.session.get(User, user_id)
        if user is None:
            raise NotFoundError(_("That user no longer exists."))
        return _row(user)


def _active_coordinators(ctx: ServiceContext) -> int:
    with ctx.uow() as uow:
        stmt = select(func.count()).where(User.role == Role.COORDINATOR, User.active.is_(True))
        return int(uow.session.scalar(stmt) or 0)


def _guard_last_coordinator(ctx: ServiceContext, user: UserRow) -> None:
    if user.role == Role.COORDINATOR and user.active and _active_coordinators(ctx) <= 1:
        raise ValidationError(
            {"user": _("This is the last active coordinator. Make someone else coordinator first.")}
        )


def _set(ctx: ServiceContext, user_id: uuid.UUID, action: AuditAction, **values: object) -> UserRow:
    with ctx.uow(write=True) as uow:
        user = uow.session.get(User, user_id)
        if user is None:
            raise NotFoundError(_("That user no longer exists."))
        login, conn = user.username, uow.session.connection()
        for name, value in values.items():
            setattr(user, name, value)
        if "username" in values:
            ctx.accounts.login_dropped(conn, login)  # removed for good
        else:
            if "role" in values:
                ctx.accounts.login_role(conn, login, Role(str(values["role"])))
            if "active" in values:
                ctx.accounts.login_active(conn, login, bool(values["active"]))
        log(uow, ctx, action, entity_type="user", entity_id=user_id, fields=values.keys())
        uow.commit()
        return _row(user)


@requires(Permission.ADMIN)
@writes(Topic.USERS)
def set_active(ctx: ServiceContext, user_id: uuid.UUID, active: bool) -> UserRow:
    """Deactivate (or reactivate) an account. A deactivated user cannot sign in; to revoke
    their key material for good, use :func:`remove_user_for_good`."""
    user = _get_user(ctx, user_id)
    if not active:
        if user.id == ctx.require_actor().id:
            raise ValidationError({"user": _("You cannot deactivate your own account.")})
        _guard_last_coordinator(ctx, user)
    return _set(ctx, user_id, AuditAction.USER_DEACTIVATE, active=active)


@requires(Permission.ADMIN)
@writes(Topic.USERS)
def change_role(ctx: ServiceContext, user_id: uuid.UUID, role: Role) -> UserRow:
    user = _get_user(ctx, user_id)
    if role != Role.COORDINATOR:
        _guard_last_coordinator(ctx, user)
    return _set(ctx, user_id, AuditAction.USER_ROLE_CHANGE, role=role)


@requires(Permission.ADMIN)
@writes(Topic.USERS)
def reset_password(ctx: ServiceContext, user_id: uuid.UUID, temporary_password: str) -> None:
    """Give a user a new temporary password (they must change it at next sign-in).

    The user's old password slots are replaced by one new slot; the database is untouched.
    """
    user = _get_user(ctx, user_id)
    validate_new_user(NewUser(user.username, user.display_name, user.role, temporary_password))
    slots = _slots(ctx)
    old = {s.id for s in slots.slots_for_user(str(user.id)) if s.kind == "password"}
    slot = ks.wrap_key(
        ctx.data_key(),
        ks.normalise_password(temporary_password),
        kind="password",
        params=_kdf(slots),
        user_id=str(user.id),
        username=user.username,
        must_change=True,
    )
    with ctx.uow(write=True) as uow:
        conn = uow.session.connection()
        ctx.accounts.login_password(conn, user.username, temporary_password)
        ctx.accounts.save_slots(slots.without_slots(old).with_slot(slot))
        log(uow, ctx, AuditAction.PASSWORD_RESET, entity_type="user", entity_id=user.id)
        uow.commit()


@requires(Permission.SIGNED_IN)
@writes()
def change_own_password(ctx: ServiceContext, current_password: str, new_password: str) -> None:
    """Re-wrap the signed-in user's slot under a new password. The database is not rewritten."""
    actor = ctx.require_actor()
    if current_password == new_password:
        raise ValidationError({"new_password": _("Choose a password different from the old one.")})
    validate_new_user(NewUser(actor.username, actor.display_name, actor.role, new_password))
    slots = _slots(ctx)
    secret = ks.normalise_password(current_password)
    for slot in slots.slots_for_user(str(actor.id)):
        if slot.kind != "password":
            continue
        private = ks.unwrap_private(slot, secret)
        if private is None:
            continue
        updated = ks.wrap_private(
            slot, private, ks.normalise_password(new_password), _kdf(slots), actor.username
        )
        with ctx.uow(write=True) as uow:
            ctx.accounts.own_password(uow.session.connection(), new_password)
            ctx.accounts.save_slots(slots.replacing(replace(updated, must_change=False)))
            log(uow, ctx, AuditAction.PASSWORD_CHANGE, entity_type="user", entity_id=actor.id)
            uow.commit()
        ctx.actor = replace(actor, must_change_password=False)
        return
    raise UnlockError(_("The current password is not right. Nothing was changed."))


@requires(Permission.SIGNED_IN)
@writes()
def set_own_language(ctx: ServiceContext, language: str) -> None:
    """The signed-in user's own language for screens and reports (one of :data:`LANGUAGES`)."""
    actor = ctx.require_actor()
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Choose one of the offered languages.")})
    if language == actor.language:
        return
    with ctx.uow(write=True) as uow:
        user = uow.session.get(User, actor.id)
        if user is None:
            raise NotFoundError(_("That user no longer exists."))
        user.language = language
        log(
            uow,
            ctx,
            AuditAction.UPDATE,
            entity_type="user",
            entity_id=actor.id,
            fields=["language"],
        )
        uow.commit()
    ctx.actor = replace(actor, language=language)


@requires(Permission.ADMIN)
def remove_user_for_good(
    ctx: ServiceContext,
    user_id: uuid.UUID,
    *,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Remove every key slot of a user and rotate the data key, crash-safely.

    1. ``keyslots.json`` gains, beside each remaining slot's seal, a *pending* seal of a new
       random data key (written atomically). A crash now: the database still has the old
       key; the next open drops the pending seals.
    2. ``PRAGMA rekey`` re-encrypts the database with the new key, in one SQLite
       transaction: it either happened or it did not. (A server's rows are not encrypted
       with the data key: nothing changes there, and the new key protects the backups made
       from now on; see :meth:`~app.store.adapters.Adapter.rekey`.)
    3. ``keyslots.json`` promotes the pending seals and drops the removed user's slots. A
       crash between 2 and 3: the old key no longer opens the database, so the next open
       tries the pending seal, opens with the new key, and does step 3 itself.
    4. The user row is kept (cases and the audit trail refer to it) but deactivated, and
       the user name is freed. Their unsaved drafts go: nobody could ever see them again.

    The removed user's old password now unwraps only the old key, which opens nothing.
    """
    step = progress or (lambda _name: None)
    actor = ctx.require_actor()
    user = _get_user(ctx, user_id)
    if user.id == actor.id:
        raise ValidationError({"user": _("You cannot remove your own account.")})
    _guard_last_coordinator(ctx, user)
    slots = _slots(ctx)
    keep = {s.id for s in slots.slots if s.user_id != str(user.id)}
    new_key = ks.new_data_key()

    # Not beside a backup copy: it reads the key slots and the database with the old key.
    with ctx.exclusive:
        step("pending-seals")
        ctx.accounts.save_slots(slots.with_pending(new_key, keep))

        step("rekey")
        engine_adapter = adapter(ctx.engine)
        ctx.engine.dispose()  # rekey needs the only connection
        old_keys = KeyHolder(ctx.data_key())
        try:
            engine_adapter.rekey(ctx.paths.location, old_keys, new_key)
        finally:
            old_keys.forget()

        step("promote")
        ctx.accounts.save_slots(ctx.accounts.load_slots().promote_pending())

        step("reopen")
        keys = KeyHolder(new_key)
        ctx.replace_key(keys, ctx.accounts.reopen(ctx.paths.location, keys, open_engine))
    # The name is freed for reuse; the row stays for the cases and the audit trail.
    _set(
        ctx,
        user_id,
        AuditAction.KEY_ROTATION,
        active=False,
        username=f"removed-{user_id.hex[:12]}",
        updated_at=utcnow(),
    )
    with ctx.uow(write=True) as uow:
        uow.session.execute(delete(Draft).where(Draft.user_id == user_id))
        uow.commit()
    step("done")
