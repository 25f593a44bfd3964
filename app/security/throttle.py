"""Sign-in throttling that survives a restart.

After 5 consecutive failures for one user name, further attempts are refused *without*
running the key derivation, for 30 seconds; each further failure doubles the wait, up to
15 minutes. A success resets the count.

The state lives in the platform's per-user state folder, not in the workspace, so a wrong
password still changes no byte of the workspace (and a copied workspace carries no state).
Entries are keyed by a hash of workspace id and user name, so the file names nobody.
Failures and lock-outs are also queued here, because the audit trail is inside the
encrypted database and cannot be written until somebody signs in; the next successful
sign-in moves them into the audit trail.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from app.kernel.errors import UnlockError
from app.kernel.i18n import ngettext
from app.store.files import atomic_write

FREE_ATTEMPTS = 5
FIRST_DELAY = 30.0
MAX_DELAY = 15 * 60.0
RECOVERY_CODE_USER = "\0recovery-code"


class ThrottledError(UnlockError):
    """Too many failures: try again after ``wait_seconds``."""

    def __init__(self, wait_seconds: float) -> None:
        seconds = max(1, int(wait_seconds + 0.999))
        if seconds >= 120:
            minutes = (seconds + 59) // 60
            text = ngettext(
                "Too many wrong attempts. Try again in {n} minute.",
                "Too many wrong attempts. Try again in {n} minutes.",
                minutes,
            ).format(n=minutes)
        else:
            text = ngettext(
                "Too many wrong attempts. Try again in {n} second.",
                "Too many wrong attempts. Try again in {n} seconds.",
                seconds,
            ).format(n=seconds)
        super().__init__(text)
        self.wait_seconds = wait_seconds


def state_dir() -> Path:
    override = os.environ.get("HOMEWARD_STATE_DIR")
    return (
        Path(override)
        if override
        else Path(platformdirs.user_state_dir("Homeward", appauthor=False))
    )


def delay_after(failures: int) -> float:
    """Seconds to wait after ``failures`` consecutive failures (0 while attempts are free)."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(FIRST_DELAY * float(2 ** (failures - FREE_ATTEMPTS)), MAX_DELAY)


@dataclass(frozen=True)
class QueuedEvent:
    """A failure or lock-out waiting to be written into the audit trail."""

    action: str  # "sign_in_failed" or "lock_out"
    user_key: str
    at: float


class Throttle:
    """Per-workspace failure counters. ``clock`` is wall-clock time (so sleep counts)."""

    def __init__(
        self, workspace_id: str, folder: Path | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self.workspace_id = workspace_id
        self.path = (folder or state_dir()) / "throttle.json"
        self.clock = clock

    def user_key(self, username: str) -> str:
        name = unicodedata.normalize("NFC", username.strip()).casefold()
        material = f"homeward-throttle\0{self.workspace_id}\0{name}".encode()
        return hashlib.sha256(material).hexdigest()

    # -- persistence --

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}  # a lost or damaged file only forgets failures; it never blocks anyone

    def _save(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json.dumps(data, sort_keys=True).encode("utf-8"))

    def _entry(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        workspaces = data.setdefault("workspaces", {})
        users = workspaces.setdefault(self.workspace_id, {"users": {}, "queue": []})
        return users["users"].setdefault(key, {"failures": 0, "last": 0.0})  # type: ignore[no-any-return]

    # -- the three moments of a sign-in --

    def check(self, username: str) -> None:
        """Raise :class:`ThrottledError` if this user must wait. Costs no key derivation."""
        entry = self._load().get("workspaces", {}).get(self.workspace_id, {}).get("users", {})
        state = entry.get(self.user_key(username))
        if not state:
            return
        wait = float(state["last"]) + delay_after(int(state["failures"])) - self.clock()
        if wait > 0:
            raise ThrottledError(wait)

    def failed(self, username: str) -> None:
        data = self._load()
        key = self.user_key(username)
        entry = self._entry(data, key)
        entry["failures"] = int(entry["failures"]) + 1
        entry["last"] = self.clock()
        queue = data["workspaces"][self.workspace_id].setdefault("queue", [])
        queue.append({"action": "sign_in_failed", "user_key": key, "at": entry["last"]})
        if entry["failures"] >= FREE_ATTEMPTS:
            queue.append({"action": "lock_out", "user_key": key, "at": entry["last"]})
        del queue[:-1000]  # bounded: a flood of guesses cannot grow the file without end
        self._save(data)

    def succeeded(self, username: str) -> list[QueuedEvent]:
        """Reset this user's count and hand over (and clear) the queued audit events."""
        data = self._load()
        workspace = data.get("workspaces", {}).get(self.workspace_id)
        if not workspace:
            return []
        had_entry = workspace.get("users", {}).pop(self.user_key(username), None) is not None
        queue = workspace.get("queue", [])
        queued = [QueuedEvent(e["action"], e["user_key"], float(e["at"])) for e in queue]
        workspace["queue"] = []
        if had_entry or queued:
            self._save(data)
        return queued
