"""One Homeward per workspace: an OS-level lock on ``homeward.lock``, held while it is open.

Two programs writing one SQLite file through a synced or shared folder is how notes get
lost, so a second Homeward (another process, perhaps on another computer over a network
share) is refused with who has the workspace open and since when. The file holds only the
computer's name, the OS user, the process id and the time, never anything about clients.

The lock is ``fcntl.flock`` on POSIX and ``msvcrt.locking`` on Windows: the operating system
drops it when the process ends, however it ends, so a lock left by a crashed or killed
Homeward is simply taken over. Within one process the lock is shared and counted: signing in
again after locking, or the test suite opening a workspace several times, keeps working.

The file's contents are informative only, written in place (the lock lives on the file, so
it cannot be replaced by a rename); a torn write costs nothing but a vaguer message.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.kernel.errors import WorkspaceError
from app.kernel.i18n import _
from app.kernel.i18n_formats import datetime_text

LOCK_NAME = "homeward.lock"
_WINDOWS_LOCK_OFFSET = 1 << 20  # lock a byte past the text, so others can still read it


class WorkspaceInUseError(WorkspaceError):
    """Another Homeward has this workspace open."""

    exit_code = 6


@dataclass(frozen=True)
class LockOwner:
    host: str
    user: str
    pid: int
    since: str  # ISO time, UTC


@dataclass
class _Held:
    fd: int
    count: int


_held: dict[Path, _Held] = {}
_guard = threading.Lock()


def _os_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _os_unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def read_owner(folder: Path) -> LockOwner | None:
    """Who holds (or last held) the lock, from the file's text; ``None`` if unreadable."""
    try:
        data = json.loads((Path(folder) / LOCK_NAME).read_text("utf-8"))
        return LockOwner(str(data["host"]), str(data["user"]), int(data["pid"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _in_use(folder: Path) -> WorkspaceInUseError:
    owner = read_owner(folder)
    if owner is None:
        return WorkspaceInUseError(
            _("This workspace is already open in another Homeward. Close it there first.")
        )
    try:
        since = datetime_text(datetime.fromisoformat(owner.since).astimezone().replace(tzinfo=None))
    except ValueError:
        since = owner.since
    return WorkspaceInUseError(
        _(
            "This workspace is already open by {user} on {host} since {since}. Close it "
            "there first; two programs writing one workspace can lose notes."
        ).format(user=owner.user, host=owner.host, since=since)
    )


def _who() -> bytes:
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):
        user = "?"
    info = {
        "host": socket.gethostname(),
        "user": user,
        "pid": os.getpid(),
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return (json.dumps(info) + "\n").encode("utf-8")


def _same_file(fd: int, path: Path) -> bool:
    """After locking: is ``path`` still the file we locked (not unlinked by a releaser)?"""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


class InstanceLock:
    """A handle on the process's lock of one workspace; :meth:`release` once when done."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._released = False

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        with _guard:
            held = _held.get(self.folder)
            if held is None:
                return
            held.count -= 1
            if held.count > 0:
                return
            del _held[self.folder]
            # Remove the file while still holding the lock (POSIX), so nobody is left waiting
            # on a file that is gone; :func:`acquire` re-checks the path after locking.
            if os.name == "posix":
                with contextlib.suppress(OSError):
                    (self.folder / LOCK_NAME).unlink()
            with contextlib.suppress(OSError):
                _os_unlock(held.fd)
            os.close(held.fd)


def acquire(folder: Path) -> InstanceLock:
    """Take the workspace's lock, or raise :class:`WorkspaceInUseError` naming the holder."""
    folder = Path(folder).resolve()
    path = folder / LOCK_NAME
    with _guard:
        held = _held.get(folder)
        if held is not None:
            held.count += 1
            return InstanceLock(folder)
        for _attempt in range(5):
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            if not _os_lock(fd):
                os.close(fd)
                raise _in_use(folder)
            if os.name == "posix" and not _same_file(fd, path):
                os.close(fd)  # the holder removed it as we locked it: try the new file
                continue
            try:
                os.ftruncate(fd, 0)
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, _who())
            except OSError:
                # A full disk: take the file away again (still holding the lock, as
                # :meth:`InstanceLock.release` does) rather than leave it for the next start.
                if os.name == "posix":
                    with contextlib.suppress(OSError):
                        path.unlink()
                with contextlib.suppress(OSError):
                    _os_unlock(fd)
                os.close(fd)
                raise
            _held[folder] = _Held(fd, 1)
            return InstanceLock(folder)
    raise _in_use(folder)
