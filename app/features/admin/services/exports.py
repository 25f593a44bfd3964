"""Writing a file the user deliberately exports (a document copy, a report): atomically."""

from __future__ import annotations

from pathlib import Path

from app.security.permissions import pure
from app.store.files import atomic_write


@pure
def write_export(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` all at once: the old file stays intact if this fails.

    The caller has already checked permissions and audited the export.
    """
    atomic_write(Path(path), content, mode=0o600)
