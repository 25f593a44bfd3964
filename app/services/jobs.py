"""Long work, as the services offer it to the GUI and the CLI: a progress callback and a
cancel flag — the one progress/cancel contract of every long operation.

A long operation (backup, import, erasure, a subject access pack, a summary) takes
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

from app.kernel.errors import HomewardError
from app.kernel.i18n import _

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

    def check(self, message: str | None = None) -> None:
        """Raise :class:`Cancelled` (with ``message``, if given) if cancelling was asked for."""
        if self._event.is_set():
            raise Cancelled(message)


class Steps:
    """Reports progress and checks the flag: ``steps.at(stage, fraction)``.

    ``stopped`` is what :class:`Cancelled` says when the flag stops the work (by default,
    that nothing half done was kept).
    """

    def __init__(
        self, progress: Progress | None, cancel: CancelFlag | None, *, stopped: str | None = None
    ) -> None:
        self._progress = progress
        self._cancel = cancel
        self._stopped = stopped

    def check(self) -> None:
        """Raise :class:`Cancelled` if cancelling was asked for (no progress reported)."""
        if self._cancel is not None:
            self._cancel.check(self._stopped)

    def at(self, stage: str, fraction: float) -> None:
        self.check()
        if self._progress is not None:
            self._progress(stage, max(0.0, min(1.0, fraction)))

    def scaled(self, stage: str, low: float, high: float) -> Callable[[float], None]:
        """A ``fraction -> None`` callback for a part of the work that maps its 0..1 onto
        ``low..high`` of the whole (and checks the flag each time)."""
        return lambda fraction: self.at(stage, low + (high - low) * fraction)

    def report(self, stage: str, fraction: float) -> None:
        """Progress only, for points where stopping is no longer possible."""
        if self._progress is not None:
            self._progress(stage, max(0.0, min(1.0, fraction)))
