"""Create, unlock and check a workspace (DESIGN.md §5).

Creating writes the database first and ``keyslots.json`` last, so an interrupted creation
leaves no half-usable workspace behind (and a retry refuses nothing that is not there).
Unlocking never writes: a wrong password or recovery code changes no byte on disk.
"""

from __future__ import annotations

import logging
import shutil
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, insert, make_url, select, table
from sqlalchemy.exc import ArgumentError
from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError

from app.kernel.changes import writes
from app.kernel.errors import (
    DatabaseDamagedError,
    UnlockError,
    ValidationError,
    WorkspaceError,
    WorkspaceExistsError,
)
from app.kernel.i18n import LANGUAGES, _, ngettext
from app.kernel.i18n_formats import number
from app.models import User, utcnow
from app.models.enums import Role
from app.security import audit
from app.security import keyslots as ks
from app.security.permissions import Permission, entry_point, internal, requires
from app.security.throttle import RECOVERY_CODE_USER, QueuedEvent, Throttle
from app.services import audit_witness, settings, workspace_settings
from app.services.audit_log import (
    AuditAction,
    ChainReport,
    log,
    log_now,
    new_audit_secret,
    verify_trail,
)
from app.services.context import Actor, ServiceContext
from app.services.restore_marker import record_restore
from app.store import instance_lock, migrate
from app.store.adapters import adapter
from app.store.engine import KeyHolder
from app.store.pg_engine import open_engine
from app.store.workspace import WorkspacePaths, default_workspace

logger = logging.getLogger(__name__)

ORG_NAME = settings.ORGANISATION_NAME.key
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class CreatedWorkspace:
    folder: Path
    workspace_id: str
    recovery_code: str
    admin_id: uuid.UUID


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    role: Role
    password: str
    language: str = "en"


@entry_point
def normalise_username(username: str) -> str:
    return unicodedata.normalize("NFC", username.strip()).casefold()


@entry_point
def validate_new_user(user: NewUser, *, min_password: int = MIN_PASSWORD_LENGTH) -> None:
    errors: dict[str, str] = {}
    name = normalise_username(user.username)
    if not name:
        errors["username"] = _("Enter a user name.")
    elif len(name) > 64 or any(ch.isspace() for ch in name):
        errors["username"] = _("A user name has at most 64 characters and no spaces.")
    if not user.display_name.strip():
        errors["display_name"] = _("Enter the person's name.")
    elif len(user.display_name) > 200:
        errors["display_name"] = _("A name has at most 200 characters.")
    if len(user.password) < min_password:
        errors["password"] = ngettext(
            "A password needs at least {n} character.",
            "A password needs at least {n} characters.",
            min_password,
        ).format(n=min_password)
    if user.language not in LANGUAGES:
        errors["language"] = _("Choose one of the offered languages.")
    if errors:
        raise ValidationError(errors)


@entry_point
def create_workspace(
    folder: Path,
    *,
    organisation: str,
    admin: NewUser,
    extra_users: tuple[NewUser, ...] = (),
    demo: bool = False,
    kdf_seconds: float = 0.5,
    min_password: int = MIN_PASSWORD_LENGTH,
    fill: Callable[[Engine, dict[str, uuid.UUID]], None] | None = None,
    server: str | None = None,
) -> CreatedWorkspace:
    """Make a new workspace in ``folder`` (which may exist but must hold no workspace).

    Its database is a SQLCipher file in the folder, or with ``server`` (a
    ``postgresql+psycopg://`` URL) an empty PostgreSQL database, recorded in the key slots.

    ``fill`` (the demo generator) runs on the new database before the key slots are written,
    so a creation that fails or is interrupted leaves no workspace behind.
    Returns the recovery code, which is shown once and stored nowhere in clear.
    """
    if server is not None:
        check_server_address(server)
    paths = WorkspacePaths(Path(folder).expanduser().resolve(), server)
    if paths.exists():
        raise WorkspaceExistsError(
            _("{folder} already holds a Homeward workspace; nothing was changed.").format(
                folder=paths.folder
            )
        )
    if not organisation.strip():
        raise ValidationError({"organisation": _("Enter the organisation's name.")})
    for user in (admin, *extra_users):
        validate_new_user(user, min_password=min_password)
    params = ks.calibrate(kdf_seconds)

    created_folder = not paths.folder.exists()
    paths.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_key = ks.new_data_key()
    keys = KeyHolder(data_key)
    try:
        engine = open_engine(paths.location, keys, create=True)
        try:
            if server is not None and _holds_users(engine):
                raise WorkspaceExistsError(
                    _("That database already holds a Homeward workspace; nothing was changed.")
                )
            migrate.upgrade(engine)
            now = utcnow()
            user_ids: dict[str, uuid.UUID] = {}
            with engine.begin() as conn:
                for user in (admin, *extra_users):
                    uid = uuid.uuid4()
                    user_ids[normalise_username(user.username)] = uid
                    conn.execute(
                        insert(User),
                        {
                            "id": uid,
                            "username": normalise_username(user.username),
                            "display_name": user.display_name.strip(),
                            "role": user.role,
                            "active": True,
                            "language": user.language,
                            "created_at": now,
                            "updated_at": now,
                        },
                    )
                settings.insert_initial(
                    conn,
                    {
                        settings.ORGANISATION_NAME: organisation.strip(),
                        settings.DEMO: demo,
                        settings.AUDIT_SECRET: new_audit_secret(data_key),
                    },
                    now,
                )
            if fill is not None:
                fill(engine, dict(user_ids))
            with engine.connect() as conn:
                end = audit.trail_end(conn)
        finally:
            engine.dispose()
        # Before keyslots.json: from the start, a missing witness is a finding.
        secret = new_audit_secret(data_key)
        audit_witness.write(paths.witness, audit_witness.key_from_secret(secret), end)

        recovery_code = ks.generate_recovery_code()
        slots = [
            ks.wrap_key(
                data_key,
                ks.normalise_password(user.password),
                kind="password",
                params=params,
                user_id=str(user_ids[normalise_username(user.username)]),
                username=user.username,
            )
            for user in (admin, *extra_users)
        ]
        slots.append(
            ks.wrap_key(
                data_key,
                ks.normalise_recovery_code(recovery_code).encode("ascii"),
                kind="recovery",
                params=params,
            )
        )
        slot_file = ks.KeySlotFile(
            workspace_id=str(uuid.uuid4()),
            slots=tuple(slots),
            demo=demo,
            extra={
                "kdf_seconds": kdf_seconds,
                audit_witness.MARKER: True,
                **({"server": server} if server is not None else {}),
            },
        )
        slot_file.save(paths.keyslots)
    except BaseException:
        # Only what this call created goes; keyslots.json was never written, so the partial
        # database holds nothing anyone could need.
        for leftover in (paths.database, paths.witness, *paths.sidecars()):
            leftover.unlink(missing_ok=True)
        if created_folder:
            shutil.rmtree(paths.folder, ignore_errors=True)
        raise
    finally:
        keys.forget()
    for sub in (paths.backups, paths.logs):
        sub.mkdir(mode=0o700, exist_ok=True)
    return CreatedWorkspace(
        folder=paths.folder,
        workspace_id=slot_file.workspace_id,
        recovery_code=recovery_code,
        admin_id=user_ids[normalise_username(admin.username)],
    )


@entry_point
def check_server_address(server: str) -> None:
    """Refuse a database address that holds a password: the address is kept in the clear in
    keyslots.json, where anyone who can read the folder could read it."""
    if _carries_password(server):
        raise ValidationError(
            {
                "server": _(
                    "Leave the password out of the database address: Homeward keeps the "
                    "address in the workspace folder unencrypted. Give it to PostgreSQL in "
                    "its password file (.pgpass) instead."
                )
            }
        )


def _carries_password(server: str) -> bool:
    """Whether a database address names a password (``user:secret@`` or ``password=``)."""
    try:
        url = make_url(server)
    except ArgumentError:
        return False  # not an address at all: opening it says so
    return url.password is not None or "password" in url.query


def _holds_users(engine: Engine) -> bool:
    """Whether a server's database already holds a workspace (an empty schema may be made
    ready by its administrator)."""
    if migrate.current_revision(engine) is None:
        return False
    with engine.connect() as conn:
        return conn.execute(select(User.id).limit(1)).first() is not None


def _paths_for_open(folder: Path) -> tuple[WorkspacePaths, ks.KeySlotFile]:
    paths = WorkspacePaths(Path(folder).expanduser().resolve())
    if not paths.folder.is_dir():
        raise WorkspaceError(
            _("There is no workspace at {folder}. Nothing was created.").format(folder=paths.folder)
        )
    slot_file = ks.KeySlotFile.load(paths.keyslots)
    paths = WorkspacePaths(paths.folder, slot_file.server)
    if paths.server is None and not paths.database.is_file():
        raise WorkspaceError(
            _("The workspace at {folder} has no database file. Nothing was created.").format(
                folder=paths.folder
            )
        )
    return paths, slot_file


@entry_point
def has_workspace(folder: Path) -> bool:
    return WorkspacePaths(Path(folder).expanduser()).exists()


@entry_point
def default_demo_workspace() -> Path:
    return default_workspace().parent / "demo"


@entry_point
def is_demo_workspace(folder: Path) -> bool:
    """Readable before unlocking, for the sign-in window's demo banner."""
    try:
        return ks.KeySlotFile.load(WorkspacePaths(Path(folder)).keyslots).demo
    except WorkspaceError:
        return False


def _open(
    paths: WorkspacePaths,
    data_key: bytes,
    *,
    read_only: bool = False,
    pending: Callable[[], bytes | None] | None = None,
) -> tuple[KeyHolder, Engine]:
    """Open the database with ``data_key``; finish or undo an interrupted key rotation.

    ``pending`` yields the slot's not-yet-promoted new key (one more key derivation), tried
    only when the current key does not open the database, i.e. when a rotation was
    interrupted after the database was re-keyed but before the key slots were updated.
    """
    slot_file = ks.KeySlotFile.load(paths.keyslots)
    keys = KeyHolder(data_key)
    try:
        engine = open_engine(paths.location, keys, read_only=read_only)
        if slot_file.rotation_pending and not read_only:
            slot_file.drop_pending().save(paths.keyslots)  # the rekey never happened
    except DatabaseDamagedError:
        keys.forget()
        new_key = pending() if pending is not None and slot_file.rotation_pending else None
        if new_key is None:
            raise
        keys = KeyHolder(new_key)
        try:
            engine = open_engine(paths.location, keys, read_only=read_only)
        except BaseException:
            keys.forget()
            raise
        logger.info("finishing an interrupted key rotation")
        slot_file.promote_pending().save(paths.keyslots)
    except BaseException:
        keys.forget()
        raise
    if not read_only and migrate.needs_upgrade(engine):
        migrate.upgrade(engine)
    return keys, engine


@entry_point
def unlock(
    folder: Path, username: str, password: str, *, read_only: bool = False, record: bool = True
) -> ServiceContext:
    """Sign in: unwrap the user's key slot, open the database and load the user.

    With ``record=False`` the sign-in event waits for :func:`record_sign_in`, so that a check
    (``homeward verify``) sees the audit trail exactly as it was found.
    """
    paths, slot_file = _paths_for_open(folder)
    throttle = Throttle(slot_file.workspace_id)
    throttle.check(username)
    try:
        slot, data_key = ks.unlock_with_password(slot_file, username, password)
    except UnlockError:
        throttle.failed(username)
        raise
    held = instance_lock.acquire(paths.folder)  # after the password: a wrong one writes nothing
    try:
        keys, engine = _open(
            paths,
            data_key,
            read_only=read_only,
            pending=lambda: ks.pending_key(slot, ks.normalise_password(password)),
        )
    except BaseException:
        held.release()
        raise
    ctx = ServiceContext(
        paths, engine, keys, None, demo=slot_file.demo, read_only=read_only, instance_lock=held
    )
    try:
        with ctx.uow() as uow:
            user = uow.session.get(User, uuid.UUID(slot.user_id)) if slot.user_id else None
            if user is None or not user.active:
                raise UnlockError(_("This account is not active. Ask a coordinator for help."))
            ctx.actor = Actor(
                user.id,
                user.username,
                user.display_name,
                user.role,
                user.language,
                must_change_password=slot.must_change,
            )
        if not read_only:  # a read-only (damaged) database cannot take the sign-in event
            _sign_in_event(ctx, throttle, throttle.succeeded(username), record)
    except BaseException:
        ctx.lock()
        raise
    return ctx


_PENDING_SIGN_IN = "pending_sign_in"


def _sign_in_event(
    ctx: ServiceContext, throttle: Throttle, queued: list[QueuedEvent], record: bool
) -> None:
    def write() -> None:
        _record_sign_in(ctx, throttle, queued)
        record_restore(ctx)

    if record:
        write()
    else:
        ctx.cache[_PENDING_SIGN_IN] = write


@internal
def record_sign_in(ctx: ServiceContext) -> bool:
    """Write the sign-in event held back by ``unlock(..., record=False)`` (once), after the
    check. A database the check found damaged may refuse it: that is logged, not raised, so
    the check's report is what the user sees. ``False`` if it could not be written."""
    write = ctx.cache.pop(_PENDING_SIGN_IN, None)
    if not callable(write):
        return True
    try:
        write()
    except (SQLAlchemyDatabaseError, DatabaseDamagedError):
        logger.warning("the sign-in after the check could not be recorded; the database is damaged")
        return False
    return True


def _record_sign_in(ctx: ServiceContext, throttle: Throttle, queued: list[QueuedEvent]) -> None:
    """Write the sign-in, and the failures and lock-outs queued while nobody could write."""
    with ctx.uow(write=True) as uow:
        if queued:
            names = uow.session.execute(select(User.id, User.username)).all()
            by_key = {throttle.user_key(name): uid for uid, name in names}
            for event in queued:
                log(
                    uow,
                    ctx,
                    AuditAction(event.action),
                    entity_type="user",
                    user_id=by_key.get(event.user_key),
                    occurred_at=datetime.fromtimestamp(event.at, UTC),
                )
        if ctx.actor is not None:
            user = uow.session.get(User, ctx.actor.id)
            if user is not None:
                user.last_sign_in_at = utcnow()
            log(uow, ctx, AuditAction.SIGN_IN, entity_type="user", entity_id=ctx.actor.id)
        else:
            log(uow, ctx, AuditAction.UNLOCK, entity_type="recovery_code")
        uow.commit()


@requires(Permission.SIGNED_IN)
@writes()
def lock_workspace(ctx: ServiceContext) -> None:
    """Record the lock, then close every connection and forget the key."""
    if not ctx.locked:
        log_now(ctx, AuditAction.LOCK, entity_type="user")
    ctx.lock()


@entry_point
def unlock_with_recovery_code(
    folder: Path, code: str, *, read_only: bool = False, record: bool = True
) -> ServiceContext:
    """Open with the printed recovery code. The context has no signed-in user (maintenance).
    ``record`` as for :func:`unlock`."""
    paths, slot_file = _paths_for_open(folder)
    throttle = Throttle(slot_file.workspace_id)
    throttle.check(RECOVERY_CODE_USER)
    try:
        _slot, data_key = ks.unlock_with_recovery_code(slot_file, code)
    except UnlockError:
        throttle.failed(RECOVERY_CODE_USER)
        raise
    queued = throttle.succeeded(RECOVERY_CODE_USER)
    secret = ks.normalise_recovery_code(code).encode("ascii")
    held = instance_lock.acquire(paths.folder)
    try:
        keys, engine = _open(
            paths, data_key, read_only=read_only, pending=lambda: ks.pending_key(_slot, secret)
        )
    except BaseException:
        held.release()
        raise
    ctx = ServiceContext(
        paths, engine, keys, None, demo=slot_file.demo, read_only=read_only, instance_lock=held
    )
    if not read_only:
        try:
            _sign_in_event(ctx, throttle, queued, record)
        except BaseException:
            ctx.lock()
            raise
    return ctx


IDLE_LOCK_MINUTES = settings.IDLE_LOCK_MINUTES.key


@requires(Permission.SIGNED_IN)
def idle_lock_minutes(ctx: ServiceContext) -> int:
    """How long the app may sit idle before it locks itself (coordinators set it)."""
    return settings.read(ctx, settings.IDLE_LOCK_MINUTES)


@requires(Permission.ADMIN)
@writes()
def set_idle_lock_minutes(ctx: ServiceContext, minutes: int) -> None:
    problem = settings.IDLE_LOCK_MINUTES.problem(minutes)
    if problem is not None:
        raise ValidationError({"minutes": problem})
    workspace_settings.save(ctx, {settings.IDLE_LOCK_MINUTES: minutes})


@requires(Permission.SIGNED_IN)
def organisation_name(ctx: ServiceContext) -> str:
    return settings.read(ctx, settings.ORGANISATION_NAME)


@dataclass(frozen=True)
class IntegrityReport:
    cipher_ok: bool
    integrity_ok: bool
    problems: tuple[str, ...]
    tables: int
    rows: int
    audit: ChainReport

    @property
    def ok(self) -> bool:
        return self.cipher_ok and self.integrity_ok and self.audit.ok


@requires(Permission.MAINTENANCE)
def verify(ctx: ServiceContext) -> IntegrityReport:
    """Run the engine's checks (SQLCipher's ``cipher_integrity_check`` and SQLite's
    ``integrity_check`` and ``foreign_key_check``), count rows and verify the audit trail."""
    problems: list[str] = []
    fk = 0
    tables: list[str] = []
    rows = 0
    with ctx.engine.connect() as conn:
        engine_adapter = adapter(conn)
        cipher = engine_adapter.cipher_problems(conn)
        damaged = _("Some records cannot be read: the file is damaged.")
        try:  # it stops at some damaged pages (its own way of saying so): a finding too
            integrity = engine_adapter.storage_problems(conn)
        except SQLAlchemyDatabaseError:
            integrity = [damaged]
        try:  # on a damaged file these read the damaged pages and fail: that is a finding
            fk = engine_adapter.broken_link_count(conn)
            tables = engine_adapter.table_names(conn)
            for name in tables:
                rows += int(conn.scalar(select(func.count()).select_from(table(name))) or 0)
        except SQLAlchemyDatabaseError:
            if damaged not in integrity:
                integrity.append(damaged)
    problems.extend(cipher)
    problems.extend(integrity)
    if fk:
        problems.append(
            ngettext(
                "{n} row points to a record that does not exist.",
                "{n} rows point to records that do not exist.",
                fk,
            ).format(n=number(fk))
        )
    trail = verify_trail(ctx)
    if trail.problem:
        problems.append(trail.problem)
    return IntegrityReport(
        cipher_ok=not cipher,
        integrity_ok=not integrity and not fk,
        problems=tuple(problems),
        tables=len(tables),
        rows=rows,
        audit=trail,
    )
