"""The workspaces opened on this computer: folder paths only, newest first; and the team
servers signed in to: their host, port and database and the last user name, never a password.

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
#: What was opened last: a workspace folder, or a team server.
LAST_WORKSPACE, LAST_SERVER = "workspace", "server"


@dataclass(frozen=True)
class RememberedServer:
    """A team server signed in to from this computer: where it is and who signed in last."""

    host: str
    port: int
    database: str
    username: str = ""

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}/{self.database}"

    def same_server(self, other: RememberedServer) -> bool:
        return (self.host, self.port, self.database) == (other.host, other.port, other.database)


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


def _load(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        # A damaged list is only a convenience lost: start a new one.
        log.warning("the list of remembered workspaces could not be read; starting afresh")
        return {}
    return data if isinstance(data, dict) else {}


def _read(path: Path) -> list[Path]:
    folders = _load(path).get("workspaces")
    if not isinstance(folders, list):
        return []
    return [_normal(Path(item)) for item in folders if isinstance(item, str) and item]


def _read_servers(path: Path) -> list[RememberedServer]:
    found = _load(path).get("servers")
    servers: list[RememberedServer] = []
    for item in found if isinstance(found, list) else []:
        if not isinstance(item, dict):
            continue
        host, port, database = item.get("host"), item.get("port"), item.get("database")
        username = item.get("username")
        if isinstance(host, str) and host and isinstance(port, int) and isinstance(database, str):
            name = username if isinstance(username, str) else ""
            servers.append(RememberedServer(host, port, database, name))
    return servers


def _last(path: Path) -> str:
    return LAST_SERVER if _load(path).get("last") == LAST_SERVER else LAST_WORKSPACE


def _write(
    path: Path,
    folders: list[Path],
    servers: list[RememberedServer] | None = None,
    last: str | None = None,
) -> None:
    kept_servers = servers if servers is not None else _read_servers(path)
    body = {
        "version": 1,
        "last": last if last is not None else _last(path),
        "workspaces": [str(f) for f in folders[:KEEP]],
        "servers": [
            {"host": s.host, "port": s.port, "database": s.database, "username": s.username}
            for s in kept_servers[:KEEP]
        ],
    }
    text = json.dumps(body, indent=2)
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
    _write(file, [folder, *folders], last=LAST_WORKSPACE)


@entry_point
def forget_workspace(folder: Path, path: Path | None = None) -> None:
    file = path or _list_file()
    folder = _normal(folder)
    folders = _read(file)
    if folder in folders:
        _write(file, [f for f in folders if f != folder])


@entry_point
def remembered_servers(path: Path | None = None) -> tuple[RememberedServer, ...]:
    """The team servers signed in to from this computer, the most recent first."""
    return tuple(_read_servers(path or _list_file()))


@entry_point
def last_opened_is_server(path: Path | None = None) -> bool:
    """Whether a team server (not a workspace folder) was opened last on this computer."""
    file = path or _list_file()
    return _last(file) == LAST_SERVER and bool(_read_servers(file))


@entry_point
def remember_server(server: RememberedServer, path: Path | None = None) -> None:
    """Put ``server`` first in the list (just signed in to, as ``server.username``)."""
    file = path or _list_file()
    others = [s for s in _read_servers(file) if not s.same_server(server)]
    _write(file, _read(file), [server, *others], last=LAST_SERVER)


@entry_point
def forget_server(server: RememberedServer, path: Path | None = None) -> None:
    file = path or _list_file()
    _write(file, _read(file), [s for s in _read_servers(file) if not s.same_server(server)])


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
