"""Encrypted, verified backups of the open workspace (see :mod:`.backup_files` for the format).

Each backup: a SQLCipher copy as of one moment, keyed with the workspace's data key — written
by SQLCipher itself (``sqlcipher_export``, never a copy of the live file) for a laptop
workspace, built table by table from one snapshot for a workspace on a PostgreSQL server
(:mod:`app.store.copies`); the key slots of that moment go beside it; the copy is opened with
the current key and checked (``cipher_integrity_check``, ``integrity_check``, row counts equal
to the source's at that moment) — only then does the folder get its final name, and only then
are old generations pruned (default: 7 daily and 4 weekly). An optional second folder (a USB
drive, a network share) gets a copy of the verified backup, checked by hash.

A backup's key slots are those of the moment it was made: a user removed later still opens
an older backup with their old password, and a password changed later opens it only in its
old form. Keep the recovery code: it opens every backup.

Automatic backups: the GUI calls :func:`backup_if_due` now and then while the workspace is
open (a backup when the newest is a day old) and :func:`backup_on_close` when a user signs
out or closes the app. Any signed-in user triggers these (the copy stays beside the
workspace, with the same key slots); making a backup on demand, choosing where, and the
settings are for coordinators.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app import __version__
from app.features.admin.services import backup_files as bf
from app.kernel.changes import writes
from app.kernel.errors import StorageError, ValidationError, WorkspaceError
from app.kernel.i18n import _
from app.security import keyslots as ks
from app.security.permissions import Permission, requires
from app.services import settings, workspace_settings
from app.services.audit_log import AuditAction, log
from app.services.context import ServiceContext
from app.services.jobs import CancelFlag, Progress, Steps
from app.store import copies, migrate, snapshot
from app.store.adapters import adapter
from app.store.engine import KeyHolder
from app.store.files import atomic_write
from app.store.workspace import DB_NAME, KEYSLOTS_NAME, WITNESS_NAME

logger = logging.getLogger(__name__)

SECOND_FOLDER = settings.BACKUP_SECOND_FOLDER.key
KEEP_DAILY = settings.BACKUP_KEEP_DAILY.key
KEEP_WEEKLY = settings.BACKUP_KEEP_WEEKLY.key
DEFAULT_DAILY = settings.BACKUP_KEEP_DAILY.default
DEFAULT_WEEKLY = settings.BACKUP_KEEP_WEEKLY.default
DUE_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class BackupSettings:
    second_folder: Path | None = None
    keep_daily: int = DEFAULT_DAILY
    keep_weekly: int = DEFAULT_WEEKLY


@dataclass(frozen=True)
class BackupResult:
    backup: bf.BackupInfo
    seconds: float
    pruned: tuple[str, ...]
    second_copy: Path | None
    #: Why the second copy was not made (drive not connected…), or ``None``.
    second_problem: str | None


class BackupFailedError(WorkspaceError):
    """The copy did not verify: it was removed and no older backup was pruned."""

    exit_code = 4


def _settings(ctx: ServiceContext) -> BackupSettings:
    second = settings.read(ctx, settings.BACKUP_SECOND_FOLDER)
    return BackupSettings(
        second_folder=Path(second) if second else None,
        keep_daily=settings.read(ctx, settings.BACKUP_KEEP_DAILY),
        keep_weekly=settings.read(ctx, settings.BACKUP_KEEP_WEEKLY),
    )


@requires(Permission.ADMIN)
def backup_settings(ctx: ServiceContext) -> BackupSettings:
    return _settings(ctx)


@requires(Permission.ADMIN)
@writes()
def set_backup_settings(ctx: ServiceContext, chosen: BackupSettings) -> None:
    errors: dict[str, str] = {}
    for name, setting, value in (
        ("keep_daily", settings.BACKUP_KEEP_DAILY, chosen.keep_daily),
        ("keep_weekly", settings.BACKUP_KEEP_WEEKLY, chosen.keep_weekly),
    ):
        problem = setting.problem(value)
        if problem is not None:
            errors[name] = problem
    second = chosen.second_folder
    if second is not None:
        second = Path(second).expanduser().resolve()
        if second == ctx.paths.folder or ctx.paths.folder in second.parents:
            errors["second_folder"] = _("Choose a folder outside the workspace (another drive).")
    if errors:
        raise ValidationError(errors)
    workspace_settings.save(
        ctx,
        {
            settings.BACKUP_SECOND_FOLDER: str(second) if second else None,
            settings.BACKUP_KEEP_DAILY: chosen.keep_daily,
            settings.BACKUP_KEEP_WEEKLY: chosen.keep_weekly,
        },
    )


def _write(
    ctx: ServiceContext, folder: Path, reason: str, steps: Steps
) -> tuple[bf.BackupInfo, float]:
    """Export, verify and finalise one backup in ``folder``; returns it and the seconds."""
    started = time.perf_counter()
    made = not folder.exists()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    bf.remove_partials(folder)
    created_at = datetime.now(UTC)
    existing = {p.name for p in folder.iterdir()}
    name = bf.backup_name(created_at, existing)
    partial = folder / (bf.PARTIAL_PREFIX + name)
    partial.mkdir(mode=0o700)
    keys = KeyHolder(ctx.data_key())
    try:
        steps.at(_("Copying the database"), 0.05)
        # The key slots first: read now, they match the key the copy is encrypted with.
        slot_bytes = ctx.paths.keyslots.read_bytes()
        slot_file = ks.KeySlotFile.load(ctx.paths.keyslots)
        # The witness after the key slots (which may say one exists) and before the copy: it
        # is written after each commit, so the copy is never behind the witness it carries.
        witness_bytes = _read_if_present(ctx.paths.witness)
        counts = copies.export_copy(ctx.engine, ctx.paths.location, keys, partial / DB_NAME)
        atomic_write(partial / KEYSLOTS_NAME, slot_bytes)
        if witness_bytes is not None:
            atomic_write(partial / WITNESS_NAME, witness_bytes)
        steps.at(_("Checking the copy"), 0.6)
        check, _digests = snapshot.check_copy(partial / DB_NAME, keys)
        # Every table copied holds the source's rows of that moment (a copy from a server
        # also has the search index's own tables, which its triggers filled).
        counted = {name: check.counts.get(name) for name in counts} == counts
        if not check.ok or not counted:
            logger.error(
                "backup copy failed verification (cipher %d, integrity %d, counts equal %s)",
                len(check.cipher_problems),
                len(check.integrity_problems),
                counted,
            )
            raise BackupFailedError(
                _(
                    "The backup copy did not pass its checks, so it was removed and no older "
                    "backup was deleted. Run the integrity check (verify) on the workspace."
                )
            )
        steps.report(_("Finishing the backup"), 0.9)
        atomic_write(
            partial / bf.MANIFEST_NAME,
            bf.manifest_bytes(
                created_at=created_at,
                reason=reason,
                workspace_id=slot_file.workspace_id,
                app_version=__version__,
                schema_revision=migrate.current_revision(ctx.engine) or "",
                database=partial / DB_NAME,
                keyslots=partial / KEYSLOTS_NAME,
                counts=check.counts,
                witness=partial / WITNESS_NAME if witness_bytes is not None else None,
            ),
        )
        os.replace(partial, folder / name)
        _fsync_dir(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        if made:  # a folder made for this backup alone (``--out``) goes with it
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    finally:
        keys.forget()
    return bf.read_backup(folder / name), time.perf_counter() - started


def _read_if_present(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune(folder: Path, workspace_id: str, kept: BackupSettings) -> list[str]:
    """Remove the generations the policy no longer keeps (this workspace's backups only)."""
    backups = bf.list_backups(folder, workspace_id=workspace_id)
    keep = bf.generations_to_keep(
        [b.created_at for b in backups],
        daily=kept.keep_daily,
        weekly=kept.keep_weekly,
        asked=[i for i, b in enumerate(backups) if b.reason == "manual"],
    )
    removed = []
    for index, backup in enumerate(backups):
        if index not in keep and backup.path.parent == folder:
            shutil.rmtree(backup.path, ignore_errors=True)
            removed.append(backup.name)
    return removed


def _copy_to_second(
    backup: bf.BackupInfo, second: Path, kept: BackupSettings
) -> tuple[Path | None, str | None, list[str]]:
    """Copy a verified backup folder (never the live database) and check it by hash."""
    if not second.is_dir():
        return None, _("The second backup folder is not available (is the drive connected?)."), []
    partial = second / (bf.PARTIAL_PREFIX + backup.name)
    try:
        bf.remove_partials(second)
        partial.mkdir(mode=0o700)
        for name in (*backup.files, bf.MANIFEST_NAME):
            shutil.copyfile(backup.path / name, partial / name)
            os.chmod(partial / name, 0o600)
            with open(partial / name, "rb") as handle:
                os.fsync(handle.fileno())
        if not bf.check_backup(partial).intact:
            raise OSError("second copy differs from the backup")
        final = second / backup.name
        os.replace(partial, final)
        _fsync_dir(second)
    except (OSError, StorageError):  # StorageError: check_backup, a service, translates
        logger.warning("second backup copy failed", exc_info=True)
        shutil.rmtree(partial, ignore_errors=True)
        return None, _("The copy in the second backup folder could not be written."), []
    return final, None, _prune(second, backup.workspace_id, kept)


def _copy(
    ctx: ServiceContext,
    reason: str,
    out: Path | None,
    progress: Progress | None,
    cancel: CancelFlag | None,
) -> BackupResult:
    """Write, verify, prune and mirror one backup. Reads the database (settings, and the
    copy on a connection of its own) but writes nothing to it, so it may run on a thread
    beside the database thread; :data:`ServiceContext.exclusive` keeps key rotation,
    ``VACUUM`` and locking from overlapping it."""
    steps = Steps(progress, cancel)
    with ctx.exclusive:  # one backup at a time, too: the daily one beside the closing one
        chosen = _settings(ctx)
        managed = out is None
        folder = ctx.paths.backups if out is None else Path(out).expanduser().resolve()
        backup, seconds = _write(ctx, folder, reason, steps)
        pruned: list[str] = []
        second_copy, second_problem = None, None
        if managed:
            steps.report(_("Removing old backups"), 0.95)
            pruned = _prune(folder, backup.workspace_id, chosen)
            if chosen.second_folder is not None:
                second_copy, second_problem, more = _copy_to_second(
                    backup, chosen.second_folder, chosen
                )
                pruned.extend(more)
    logger.info("backup written in %.2f s (%d rows, %d pruned)", seconds, backup.rows, len(pruned))
    steps.report(_("Backup finished"), 1.0)
    return BackupResult(backup, seconds, tuple(pruned), second_copy, second_problem)


def _record(ctx: ServiceContext) -> None:
    with ctx.uow(write=True) as uow:
        log(uow, ctx, AuditAction.BACKUP, entity_type="backup")
        uow.commit()


def _on_team_server(ctx: ServiceContext) -> bool:
    """Signed in to a team server as one of its users: its backups are not made by each
    computer (each user sees only part of it; the server keeps the audit trail's key)."""
    return adapter(ctx.engine).audit_on_server


def _backup(
    ctx: ServiceContext,
    reason: str,
    out: Path | None,
    progress: Progress | None,
    cancel: CancelFlag | None,
) -> BackupResult:
    if _on_team_server(ctx):
        raise WorkspaceError(
            _(
                "A team server is backed up on the server, not from one computer: ask its "
                "administrator (PostgreSQL's own backups, pg_dump or a copy of its data folder "
                "while it is stopped). Nothing was written."
            )
        )
    result = _copy(ctx, reason, out, progress, cancel)
    _record(ctx)
    return result


@requires(Permission.ADMIN)
@writes()
def create_backup(
    ctx: ServiceContext,
    *,
    out: Path | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> BackupResult:
    """A verified backup now: into the workspace's ``backups/`` (then pruned and copied to
    the second folder, if one is set) or into ``out`` (left as it is, never pruned)."""
    return _backup(ctx, "manual", out, progress, cancel)


@requires(Permission.SIGNED_IN)
def backup_if_due(
    ctx: ServiceContext,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> BackupResult | None:
    """The daily backup, if the newest backup is at least a day old (or there is none)."""
    result = daily_copy(ctx, now=now, progress=progress, cancel=cancel)
    if result is not None:
        record_backup(ctx)
    return result


@requires(Permission.SIGNED_IN)
def daily_copy(
    ctx: ServiceContext,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> BackupResult | None:
    """The daily backup if due, like :func:`backup_if_due`, but without its audit event, so
    that it can run beside the database thread (the GUI's daily backup: 60 s at 100,000
    cases that would otherwise hold up every other read and write). When it returns a backup,
    call :func:`record_backup` on the database thread."""
    if ctx.read_only or _on_team_server(ctx):
        return None
    newest = bf.list_backups(ctx.paths.backups)
    moment = now or datetime.now(UTC)
    if newest and moment - newest[0].created_at < DUE_AFTER:
        return None
    return _copy(ctx, "daily", None, progress, cancel)


@requires(Permission.SIGNED_IN)
@writes()
def record_backup(ctx: ServiceContext) -> None:
    """The audit event of a backup made by :func:`daily_copy` (on the database thread)."""
    _record(ctx)


@requires(Permission.SIGNED_IN)
@writes()
def backup_on_close(
    ctx: ServiceContext, *, progress: Progress | None = None
) -> BackupResult | None:
    """The backup made when a user signs out or closes Homeward. Returns ``None`` (and logs)
    if it could not be made: closing must never fail because of it."""
    if ctx.read_only or _on_team_server(ctx):  # damaged: its copies would replace good ones
        return None
    try:
        return _backup(ctx, "on_close", None, progress, None)
    except Exception:  # a full disk, a damaged database: reported in the log, not raised
        logger.warning("the backup on close could not be made", exc_info=True)
        return None


@requires(Permission.ADMIN)
def newest_backup(ctx: ServiceContext) -> bf.BackupInfo | None:
    backups = bf.list_backups(ctx.paths.backups)
    return backups[0] if backups else None
