"""Restore a backup into a new workspace folder — never over an existing workspace.

The backup's files are checked against their manifest, then copied (they are already
encrypted; no key is needed and none is asked for). ``keyslots.json`` is written last, so an
interrupted restore leaves no half-usable workspace. The restored workspace opens with the
passwords and recovery code of the moment the backup was made; the first sign-in checks the
database, upgrades it if it came from an older Homeward, and records the restore in its
audit trail (see :mod:`.restore_marker`).

A backup is the same file whether its workspace was on a laptop or on a PostgreSQL server, so
either restores as a laptop workspace. Given a server's database (``server``), the backup's
rows replace every row of that database instead, in one transaction (all or nothing,
:func:`app.store.copies.load_copy`), and the new folder becomes a workspace on that server.
That needs the backup's key: a password of the day it was made, or the recovery code
(:class:`BackupOpener`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from app.features.admin.services import backup_files as bf
from app.kernel.errors import ValidationError, WorkspaceError, WorkspaceExistsError
from app.kernel.i18n import _
from app.security import keyslots as ks
from app.security.permissions import entry_point
from app.services.jobs import CancelFlag, Progress, Steps
from app.services.restore_marker import MARKER_NAME, leave_marker
from app.services.workspace import check_server_address
from app.store import copies, snapshot
from app.store.engine import KeyHolder
from app.store.files import atomic_write
from app.store.pg_engine import make_server_engine
from app.store.workspace import DB_NAME, KEYSLOTS_NAME, WITNESS_NAME, WorkspacePaths


@dataclass(frozen=True)
class BackupOpener:
    """Who opens a backup to load its rows into a server: a user with their password of the
    day the backup was made, or the recovery code (``username`` left out)."""

    secret: str
    username: str | None = None

    def data_key(self, slots: ks.KeySlotFile) -> bytes:
        if self.username is None:
            return ks.unlock_with_recovery_code(slots, self.secret)[1]
        return ks.unlock_with_password(slots, self.username, self.secret)[1]


@dataclass(frozen=True)
class RestoredWorkspace:
    folder: Path
    backup: bf.BackupInfo


def _choose(source: Path) -> bf.BackupInfo:
    """The newest intact backup in ``source`` (damaged ones are passed over)."""
    backups = bf.list_backups(source)
    if not backups:
        raise WorkspaceError(_("No Homeward backup was found in {folder}.").format(folder=source))
    for backup in backups:
        if bf.check_backup(backup.path).intact:
            return backup
    raise WorkspaceError(_("Every backup in {folder} is damaged.").format(folder=source))


@entry_point
def restore_backup(
    source: Path,
    folder: Path,
    *,
    server: str | None = None,
    opener: BackupOpener | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> RestoredWorkspace:
    """Restore ``source`` (a backup folder or a file in one, or a folder of backups, whose
    newest intact backup is taken) into ``folder``, which must hold no workspace: as a laptop
    workspace, or with ``server`` (and ``opener``) into that PostgreSQL database."""
    steps = Steps(progress, cancel)
    source = Path(source).expanduser().resolve()
    paths = WorkspacePaths(Path(folder).expanduser().resolve())
    if server is not None:
        check_server_address(server)
        if opener is None:
            raise ValidationError(
                {"opener": _("Give a password of the day of the backup, or the recovery code.")}
            )
    if paths.exists():
        raise WorkspaceExistsError(
            _("{folder} already holds a Homeward workspace; nothing was changed.").format(
                folder=paths.folder
            )
        )
    if source.is_file() or (source / bf.MANIFEST_NAME).is_file():
        check = bf.check_backup(source)
        if not check.intact:
            raise WorkspaceError(check.problem or "")
        backup = check.backup
    else:
        backup = _choose(source)
    if paths.folder == backup.path or backup.path in paths.folder.parents:
        raise WorkspaceError(_("Restore into a new folder outside the backup."))
    steps.at(_("Copying the backup"), 0.1)
    created_folder = not paths.folder.exists()
    paths.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = paths.folder / f".{DB_NAME}.restoring"
    try:
        slots = (backup.path / KEYSLOTS_NAME).read_bytes()
        if hashlib.sha256(slots).hexdigest() != backup.keyslots_sha256:
            raise WorkspaceError(_("The key slots in this backup were changed or damaged."))
        witness = None
        if backup.witness_sha256 is not None:
            witness = (backup.path / WITNESS_NAME).read_bytes()
            if hashlib.sha256(witness).hexdigest() != backup.witness_sha256:
                raise WorkspaceError(_("The audit witness in this backup was changed or damaged."))
        shutil.copyfile(backup.path / DB_NAME, partial)
        os.chmod(partial, 0o600)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        steps.at(_("Checking the copy"), 0.4)
        if bf.sha256_file(partial) != backup.database_sha256:
            raise WorkspaceError(_("The copy differs from the backup; nothing was restored."))
        if server is None:
            os.replace(partial, paths.database)
        else:
            assert opener is not None
            key = opener.data_key(ks.KeySlotFile.from_bytes(slots))
            _load_into_server(partial, key, server)
            steps.report(_("Checking the copy"), 0.9)
            _remove(partial)
        leave_marker(paths.folder, backup_name=backup.name, backup_created_at=backup.created_at)
        if witness is not None:
            atomic_write(paths.witness, witness)
        # last: only now is the folder a workspace (of the server restored into, or of none)
        atomic_write(paths.keyslots, _slots_for(slots, server))
    except BaseException:
        _remove(partial)
        for leftover in (paths.database, paths.witness, paths.folder / MARKER_NAME):
            with contextlib.suppress(OSError):
                leftover.unlink()
        if created_folder:
            shutil.rmtree(paths.folder, ignore_errors=True)
        raise
    for sub in (paths.backups, paths.logs):
        sub.mkdir(mode=0o700, exist_ok=True)
    steps.report(_("Restored"), 1.0)
    return RestoredWorkspace(paths.folder, backup)


def _load_into_server(copy: Path, data_key: bytes, server: str) -> None:
    keys = KeyHolder(data_key)
    engine = make_server_engine(server)
    try:
        copies.load_copy(copy, keys, engine)
    finally:
        engine.dispose()
        keys.forget()


def _slots_for(slots: bytes, server: str | None) -> bytes:
    """The backup's key slots, naming the server its rows went to (or none): the backup of
    a server workspace restored as a laptop one no longer points at that server."""
    slot_file = ks.KeySlotFile.from_bytes(slots)
    if slot_file.server == server:
        return slots
    return slot_file.on_server(server).to_bytes()


def _remove(database: Path) -> None:
    for leftover in (database, *snapshot.sidecars(database)):
        with contextlib.suppress(OSError):
            leftover.unlink()
