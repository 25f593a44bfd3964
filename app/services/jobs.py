"""Long work, as the services offer it to the GUI: a progress callback and a cancel flag.

A long operation (backup, import, erasure, a subject access pack) takes
``progress: Progress | None`` and ``cancel: CancelFlag | None``. It calls
``progress(stage, fraction)`` now and then (``stage`` is a short translated phrase,
``fraction`` 0.0–1.0), from the thread it runs on: the GUI's helper forwards it to the GUI
thread. It checks the flag only at points where stopping leaves nothing half done, and then
raises :class:`Cancelled` with everything rolled back (or, for a batched import, every
finished batch kept whole).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.errors import HomewardError
from app.i18n import _

Progress = Callable[[str, float], None]


class Cancelled(HomewardError):
    """The user stopped the operation; nothing half done was kept."""

    exit_code = 130

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("Stopped. Nothing half done was kept."))


class CancelFlag:
    """Set from any thread (the GUI's Cancel button); checked by the worker."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if cancelling was asked for."""
        if self._event.is_set():
            raise Cancelled()


class Steps:
    """Reports progress and checks the flag: ``steps.at(stage, fraction)``."""

    def __init__(self, progress: Progress | None, cancel: CancelFlag | None) -> None:
        self._progress = progress
        self._cancel = cancel

    def at(self, stage: str, fraction: float) -> None:
        if self._cancel is not None:
            self._cancel.check()
        if self._progress is not None:
            self._progress(stage, max(0.0, min(1.0, fraction)))

    def report(self, stage: str, fraction: float) -> None:
        """Progress only, for points where stopping is no longer possible."""
        if self._progress is not None:
            self._progress(stage, max(0.0, min(1.0, fraction)))
