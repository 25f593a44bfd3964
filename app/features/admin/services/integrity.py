"""Opening a workspace safely: damaged databases open read-only, never fail silently.

:func:`open_workspace` is what the sign-in window calls. It signs in as usual, then runs
SQLCipher's and SQLite's quick checks; if they find damage the database is reopened
read-only and the outcome says so, with the newest backups to restore from. A database that
cannot be decrypted at all raises :class:`DamagedWorkspaceError`, which carries the same
list. Nothing here deletes, repairs or recreates a database file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError

from app.features.admin.services import backup_files as bf
from app.kernel.errors import DatabaseDamagedError
from app.kernel.i18n import _
from app.security.permissions import entry_point
from app.services import workspace as ws
from app.services.audit_log import trail_warning
from app.services.context import ServiceContext
from app.store import location
from app.store.adapters import adapter

logger = logging.getLogger(__name__)

NEWEST_BACKUPS = 5
#: Above this size the full page check would make sign-in wait (≈ 0.65 s per 100 MB; 1.3 s
#: for the 200 MB of 10,000 demo cases, 22 s at 100,000), so it is left to the daily backup's
#: verification, Admin → "Check the database" and ``homeward verify``. SQLCipher still
#: checks each page's HMAC whenever a page is read, so a damaged page is never read silently.
CHECK_AT_SIGN_IN_MAX_BYTES = 100 * 1024 * 1024


def _small_enough(folder: Path) -> bool:
    try:
        size = (Path(folder) / "homeward.db").stat().st_size
    except OSError:
        return True
    return size <= CHECK_AT_SIGN_IN_MAX_BYTES


class DamagedWorkspaceError(DatabaseDamagedError):
    """The database cannot be opened even read-only. ``backups``: newest first."""

    def __init__(self, message: str, backups: tuple[bf.BackupInfo, ...]) -> None:
        super().__init__(message)
        self.backups = backups


@dataclass(frozen=True)
class OpenOutcome:
    ctx: ServiceContext
    read_only: bool
    #: What the checks found (SQLite's and SQLCipher's own lines), empty when healthy.
    problems: tuple[str, ...]
    #: A sentence for the user when something is wrong, or ``None``.
    message: str | None
    #: Newest backups of this workspace, offered for "restore from backup" when damaged.
    backups: tuple[bf.BackupInfo, ...]
    #: A warning about where the workspace lives (sync folder, network drive), or ``None``.
    location_warning: str | None
    #: What the audit trail's witness found, checked before the sign-in event is written
    #: (a cut or replaced trail), or ``None``.
    audit_warning: str | None = None


@entry_point
def location_warning(folder: Path) -> str | None:
    """A warning if ``folder`` is in a cloud-sync folder or on a network filesystem."""
    risk = location.assess(Path(folder))
    if risk is None:
        return None
    if risk.risk == location.Risk.SYNC:
        return _(
            "This workspace is in a folder that {service} synchronises. Sync programs can copy "
            "the database while Homeward writes it and lose notes. Move the workspace to a "
            "local folder and use Homeward's backups (a second backup folder may be synced)."
        ).format(service=risk.name)
    return _(
        "This workspace is on a network drive ({kind}). Network drives can lose writes or "
        "let two computers change the database at once. Keep the workspace on this computer "
        "and put the second backup folder on the network drive instead."
    ).format(kind=risk.name)


@entry_point
def newest_backups(folder: Path, limit: int = NEWEST_BACKUPS) -> tuple[bf.BackupInfo, ...]:
    return tuple(bf.list_backups(Path(folder))[:limit])


def _database_problems(ctx: ServiceContext) -> tuple[str, ...]:
    """SQLCipher's page check and SQLite's ``quick_check``; empty when healthy. Reads every
    page once (about 13 s for a 1.1 GB workspace, hence :data:`CHECK_AT_SIGN_IN_MAX_BYTES`)."""
    problems: list[str] = []
    try:
        with ctx.engine.connect() as conn:
            engine_adapter = adapter(conn)
            problems += engine_adapter.cipher_problems(conn)
            problems += engine_adapter.storage_problems(conn, quick=True)
    except DatabaseDamagedError as exc:
        problems.append(str(exc))
    except Exception as exc:  # the driver's "database disk image is malformed" and the like
        problems.append(type(exc).__name__ + ": " + str(exc).splitlines()[0][:200])
    return tuple(problems)


def _damage_message() -> str:
    return _(
        "The database is damaged, so Homeward opened it read-only: you can read and print, "
        "but not change anything. Restore the newest backup into a new folder (Admin → "
        "Restore, or 'homeward restore') and keep this folder as it is."
    )


def _open(folder: Path, opener: Callable[[bool], ServiceContext], check: bool) -> OpenOutcome:
    warning = location_warning(folder)
    try:
        ctx = opener(False)
    except (DatabaseDamagedError, SQLAlchemyDatabaseError) as exc:
        logger.warning("the database did not open read-write; trying read-only")
        if isinstance(exc, DatabaseDamagedError):
            problem = str(exc)
        else:
            problem = _("The database file is damaged; some records cannot be read.")
        try:
            ctx = opener(True)
        except (DatabaseDamagedError, SQLAlchemyDatabaseError):
            raise DamagedWorkspaceError(problem, newest_backups(folder)) from None
        return OpenOutcome(
            ctx, True, (problem,), _damage_message(), newest_backups(folder), warning
        )
    try:
        # Before the sign-in event: it would write a fresh head over a cut trail.
        trail = trail_warning(ctx)
        ws.record_sign_in(ctx)
    except BaseException:
        ctx.lock()
        raise
    problems = _database_problems(ctx) if check and _small_enough(folder) else ()
    if not problems:
        return OpenOutcome(ctx, False, (), None, (), warning, trail)
    logger.warning(
        "integrity checks found %d problems at sign-in; reopening read-only", len(problems)
    )
    ctx.lock()
    ctx = opener(True)
    return OpenOutcome(
        ctx, True, problems, _damage_message(), newest_backups(folder), warning, trail
    )


@entry_point
def open_workspace(
    folder: Path, username: str, password: str, *, check: bool = True
) -> OpenOutcome:
    """Sign in and check the database; see the module docstring."""
    return _open(
        Path(folder),
        lambda read_only: ws.unlock(folder, username, password, read_only=read_only, record=False),
        check,
    )


@entry_point
def open_workspace_with_keychain(folder: Path, username: str, *, check: bool = True) -> OpenOutcome:
    """The same checks when the secret comes from this computer's keychain."""
    from app.features.admin.services import (
        keychain,  # keychain builds on workspace, as this module does
    )

    return _open(
        Path(folder),
        lambda read_only: keychain.unlock_with_keychain(folder, username, read_only=read_only),
        check,
    )


@entry_point
def open_workspace_with_recovery_code(
    folder: Path, code: str, *, check: bool = True
) -> OpenOutcome:
    return _open(
        Path(folder),
        lambda read_only: ws.unlock_with_recovery_code(
            folder, code, read_only=read_only, record=False
        ),
        check,
    )
