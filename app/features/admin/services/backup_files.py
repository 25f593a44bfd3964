"""What a backup is on disk, readable without a key (for the restore dialog and ``restore``).

A backup is a folder ``homeward-20261121T101500Z/`` holding

```
homeward.db      an encrypted copy (SQLCipher, the same data key as the workspace then)
keyslots.json    the key slots of that moment: the passwords and recovery code of then open it
audit-witness.json  the audit trail's witness of that moment (backups made since issue 17)
manifest.json    when, why, which workspace, row counts per table, SHA-256 of each file
```

The manifest holds no personal data: table names and counts, hashes, times, versions.
A folder is written as ``.partial-…`` and renamed only once verified, so a folder with
the final name is always complete; leftovers of an interrupted backup start with a dot and
are ignored (and removed by the next backup).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from app.kernel.errors import WorkspaceError
from app.kernel.i18n import _
from app.security.permissions import entry_point, pure
from app.store.workspace import DB_NAME, KEYSLOTS_NAME, WITNESS_NAME, WorkspacePaths

MANIFEST_NAME = "manifest.json"
FORMAT = "homeward-backup"
FORMAT_VERSION = 1
PREFIX = "homeward-"
PARTIAL_PREFIX = ".partial-"


@dataclass(frozen=True)
class BackupInfo:
    """One backup, as its manifest describes it."""

    path: Path
    created_at: datetime  # aware, UTC
    reason: str  # "manual", "daily", "on_close"
    workspace_id: str
    app_version: str
    schema_revision: str
    size_bytes: int
    tables: int
    rows: int
    database_sha256: str
    keyslots_sha256: str
    counts: tuple[tuple[str, int], ...]
    #: SHA-256 of the audit witness, ``None`` for a backup made without one.
    witness_sha256: str | None = None

    @property
    def files(self) -> tuple[str, ...]:
        """The names of the files this backup holds besides its manifest."""
        witness = (WITNESS_NAME,) if self.witness_sha256 is not None else ()
        return (DB_NAME, KEYSLOTS_NAME, *witness)

    @property
    def name(self) -> str:
        return self.path.name


@pure
def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@pure
def manifest_bytes(
    *,
    created_at: datetime,
    reason: str,
    workspace_id: str,
    app_version: str,
    schema_revision: str,
    database: Path,
    keyslots: Path,
    counts: dict[str, int],
    witness: Path | None = None,
) -> bytes:
    body = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="seconds"),
        "reason": reason,
        "workspace_id": workspace_id,
        "app_version": app_version,
        "schema_revision": schema_revision,
        "database": {
            "file": DB_NAME,
            "size": database.stat().st_size,
            "sha256": sha256_file(database),
        },
        "keyslots": {"file": KEYSLOTS_NAME, "sha256": sha256_file(keyslots)},
        "tables": dict(sorted(counts.items())),
    }
    if witness is not None:
        body["witness"] = {"file": WITNESS_NAME, "sha256": sha256_file(witness)}
    return (json.dumps(body, indent=2) + "\n").encode("utf-8")


def _damaged(path: Path) -> WorkspaceError:
    return WorkspaceError(
        _("{name} is not a complete Homeward backup (its manifest is missing or damaged).").format(
            name=path.name
        )
    )


@entry_point
def read_backup(folder: Path) -> BackupInfo:
    """The backup in ``folder`` (a backup folder, or a file inside one)."""
    folder = Path(folder)
    if folder.is_file():
        folder = folder.parent
    try:
        data = json.loads((folder / MANIFEST_NAME).read_text("utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError("format")
        if int(data.get("version", 0)) > FORMAT_VERSION:
            raise WorkspaceError(
                _("This backup was made by a newer Homeward. Please update Homeward.")
            )
        counts = {str(k): int(v) for k, v in data["tables"].items()}
        return BackupInfo(
            path=folder,
            created_at=datetime.fromisoformat(data["created_at"]).astimezone(UTC),
            reason=str(data.get("reason", "manual")),
            workspace_id=str(data["workspace_id"]),
            app_version=str(data.get("app_version", "")),
            schema_revision=str(data.get("schema_revision", "")),
            size_bytes=int(data["database"]["size"]),
            tables=len(counts),
            rows=sum(counts.values()),
            database_sha256=str(data["database"]["sha256"]),
            keyslots_sha256=str(data["keyslots"]["sha256"]),
            counts=tuple(sorted(counts.items())),
            witness_sha256=str(data["witness"]["sha256"]) if "witness" in data else None,
        )
    except WorkspaceError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise _damaged(folder) from None


@entry_point
def list_backups(folder: Path, *, workspace_id: str | None = None) -> list[BackupInfo]:
    """Complete backups in ``folder``, newest first. ``folder`` may be a workspace (its
    ``backups/`` is searched), a folder of backups (a USB drive) or one backup itself."""
    folder = Path(folder)
    if (folder / MANIFEST_NAME).is_file():
        return [read_backup(folder)]
    if WorkspacePaths(folder).exists():
        folder = WorkspacePaths(folder).backups
    found = []
    try:
        candidates = sorted(folder.iterdir())
    except OSError:
        return []
    for child in candidates:
        if child.name.startswith(".") or not (child / MANIFEST_NAME).is_file():
            continue
        try:
            info = read_backup(child)
        except WorkspaceError:
            continue
        if workspace_id is None or info.workspace_id == workspace_id:
            found.append(info)
    return sorted(found, key=lambda b: (b.created_at, b.name), reverse=True)


@dataclass(frozen=True)
class BackupCheck:
    """A backup's files against its manifest (no key needed)."""

    backup: BackupInfo
    intact: bool
    problem: str | None


@entry_point
def check_backup(folder: Path) -> BackupCheck:
    """Do the backup's files still match the hashes its manifest recorded?"""
    info = read_backup(folder)
    database, keyslots = info.path / DB_NAME, info.path / KEYSLOTS_NAME
    if not database.is_file() or not keyslots.is_file():
        return BackupCheck(info, False, _("A file of this backup is missing."))
    if sha256_file(database) != info.database_sha256:
        return BackupCheck(
            info, False, _("The database copy in this backup was changed or damaged.")
        )
    if sha256_file(keyslots) != info.keyslots_sha256:
        return BackupCheck(info, False, _("The key slots in this backup were changed or damaged."))
    if info.witness_sha256 is not None:
        witness = info.path / WITNESS_NAME
        if not witness.is_file():
            return BackupCheck(info, False, _("A file of this backup is missing."))
        if sha256_file(witness) != info.witness_sha256:
            return BackupCheck(
                info, False, _("The audit witness in this backup was changed or damaged.")
            )
    return BackupCheck(info, True, None)


@pure
def backup_name(created_at: datetime, existing: set[str]) -> str:
    base = PREFIX + created_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    name, n = base, 1
    while name in existing or PARTIAL_PREFIX + name in existing:
        n += 1
        name = f"{base}-{n}"
    return name


@pure
def generations_to_keep(
    times: list[datetime], *, daily: int, weekly: int, asked: Collection[int] = ()
) -> set[int]:
    """Indexes of ``times`` to keep: the newest backup of each of the ``daily`` most recent
    days that have one, then the newest of each of ``weekly`` ISO weeks before those days.
    Days and weeks are the computer's local ones; the newest backup is always kept.

    ``asked`` are the backups a user asked for ("Back up now"): a later automatic backup of
    the same day never replaces one; it stays as long as its day is one of the daily days
    (and, like any backup, while it is its week's newest).
    """
    order = sorted(range(len(times)), key=lambda i: times[i], reverse=True)
    keep: set[int] = set(order[:1])
    days: dict[date, int] = {}
    for i in order:
        day = times[i].astimezone().date()
        if day not in days and len(days) < daily:
            days[day] = i
    keep.update(days.values())
    keep.update(i for i in asked if times[i].astimezone().date() in days)
    oldest_day = min(days) if days else None
    weeks: dict[tuple[int, int], int] = {}
    for i in order:
        local = times[i].astimezone().date()
        if oldest_day is not None and local >= oldest_day:
            continue
        iso = local.isocalendar()
        week = (iso.year, iso.week)
        if week not in weeks and len(weeks) < weekly:
            weeks[week] = i
    keep.update(weeks.values())
    return keep


@pure
def remove_partials(folder: Path, *, older_than: timedelta = timedelta(hours=1)) -> None:
    """Remove folders left by interrupted backups (never a complete backup)."""
    cutoff = datetime.now(UTC) - older_than
    try:
        children = list(folder.iterdir())
    except OSError:
        return
    for child in children:
        if not child.name.startswith(PARTIAL_PREFIX) or not child.is_dir():
            continue
        try:
            modified = datetime.fromtimestamp(child.stat().st_mtime, UTC)
        except OSError:
            continue
        if modified < cutoff:
            shutil.rmtree(child, ignore_errors=True)
