"""The workspaces opened on this computer: folder paths only, newest first.

Homeward opens the last one's sign-in window on start, and the sign-in window's "Open another
workspace…" lists them. The list is harmless state of this computer, never client data: it
lives in ``workspaces.json`` in the user's state folder (``HOMEWARD_STATE_DIR`` overrides it),
written atomically. A folder that no longer holds a workspace is dropped from the list when
the list is read, and reported, never created again.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from app.security.permissions import entry_point
from app.security.throttle import state_dir
from app.store.files import atomic_write
from app.store.workspace import WorkspacePaths, default_workspace

log = logging.getLogger(__name__)

FILE_NAME = "workspaces.json"
#: Enough for an office that keeps a demo, its own workspace and a few restored copies.
KEEP = 10


@dataclass(frozen=True)
class RememberedWorkspaces:
    #: Folders that still hold a workspace, the most recently opened first.
    folders: tuple[Path, ...]
    #: Folders that were remembered but hold no workspace any more: now forgotten.
    dropped: tuple[Path, ...]


def _list_file() -> Path:
    return state_dir() / FILE_NAME


def _normal(folder: Path) -> Path:
    return Path(folder).expanduser().absolute()


def _read(path: Path) -> list[Path]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        # A damaged list is only a convenience lost: start a new one.
        log.warning("the list of remembered workspaces could not be read; starting afresh")
        return []
    folders = data.get("workspaces") if isinstance(data, dict) else None
    if not isinstance(folders, list):
        return []
    return [_normal(Path(item)) for item in folders if isinstance(item, str) and item]


def _write(path: Path, folders: list[Path]) -> None:
    text = json.dumps({"version": 1, "workspaces": [str(f) for f in folders[:KEEP]]}, indent=2)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8"), mode=0o600)
    except OSError as exc:
        # A read-only or full home folder must not stop anyone from working.
        log.warning("the list of remembered workspaces could not be saved: %s", type(exc).__name__)


@entry_point
def remembered_workspaces(path: Path | None = None) -> RememberedWorkspaces:
    """The remembered workspaces that still exist; those that do not are forgotten now."""
    file = path or _list_file()
    folders = _read(file)
    kept = [f for f in folders if WorkspacePaths(f).exists()]
    dropped = tuple(f for f in folders if f not in kept)
    if dropped:
        _write(file, kept)
    return RememberedWorkspaces(tuple(kept), dropped)


@entry_point
def remember_workspace(folder: Path, path: Path | None = None) -> None:
    """Put ``folder`` first in the list (it was just opened)."""
    file = path or _list_file()
    folder = _normal(folder)
    folders = [f for f in _read(file) if f != folder]
    _write(file, [folder, *folders])


@entry_point
def forget_workspace(folder: Path, path: Path | None = None) -> None:
    file = path or _list_file()
    folder = _normal(folder)
    folders = _read(file)
    if folder in folders:
        _write(file, [f for f in folders if f != folder])


@entry_point
def default_workspace_folder() -> Path:
    """The folder ``homeward`` opens when no workspace was opened on this computer before."""
    return default_workspace()


@entry_point
def new_workspace_folder() -> Path:
    """Where the welcome window suggests creating a workspace: the default folder, or the
    first free one beside it (an existing workspace is never offered to be overwritten)."""
    base = default_workspace()
    candidate, n = base, 2
    while WorkspacePaths(candidate).exists():
        candidate, n = base.with_name(f"{base.name}-{n}"), n + 1
    return candidate
