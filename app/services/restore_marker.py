"""The note a restore leaves in the new workspace, turned into an audit event at first sign-in.

Restoring needs no key (the files stay encrypted as they are), so it cannot write into the
restored database's audit trail. It leaves ``restored-from.json`` (which backup, when it was
made, when it was restored; no personal data) and the first sign-in that can write records
a ``restore`` event and removes the note.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

from app.security.permissions import internal
from app.services.audit_log import AuditAction, log_now
from app.services.context import ServiceContext
from app.store.files import atomic_write

MARKER_NAME = "restored-from.json"
logger = logging.getLogger(__name__)


@internal
def leave_marker(folder: Path, *, backup_name: str, backup_created_at: datetime) -> None:
    body = {
        "backup": backup_name,
        "backup_created_at": backup_created_at.astimezone(UTC).isoformat(timespec="seconds"),
        "restored_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    atomic_write(folder / MARKER_NAME, (json.dumps(body) + "\n").encode("utf-8"))


@internal
def record_restore(ctx: ServiceContext) -> bool:
    """If this workspace was restored and not yet signed into, audit it. Never raises."""
    marker = ctx.paths.folder / MARKER_NAME
    if not marker.is_file():
        return False
    try:
        body = json.loads(marker.read_text("utf-8"))
        restored_at = datetime.fromisoformat(body["restored_at"])
        log_now(ctx, AuditAction.RESTORE, entity_type="backup", occurred_at=restored_at)
        marker.unlink()
    except Exception:  # the restore is done either way; a bad note must not block sign-in
        logger.warning("could not record the restore in the audit trail", exc_info=True)
        return False
    return True
