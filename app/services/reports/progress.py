"""Progress and cancelling for long report work (the small state object STYLE.md asks for).

The caller — the GUI's worker, or the CLI — passes ``progress(label, fraction)`` and
``cancel() -> bool``; the work calls :meth:`Tracker.step` between pieces, which reports and
raises :class:`ReportCancelled` once cancelling was asked for. Nothing is written after that.
"""

from __future__ import annotations

from collections.abc import Callable

from app.errors import HomewardError
from app.i18n import _

Progress = Callable[[str, float], None]
Cancel = Callable[[], bool]


class ReportCancelled(HomewardError):
    exit_code = 130

    def __init__(self) -> None:
        super().__init__(_("The report was cancelled; no file was written."))


class Tracker:
    def __init__(self, progress: Progress | None = None, cancel: Cancel | None = None) -> None:
        self._progress = progress
        self._cancel = cancel

    def check(self) -> None:
        if self._cancel is not None and self._cancel():
            raise ReportCancelled()

    def step(self, label: str, fraction: float) -> None:
        self.check()
        if self._progress is not None:
            self._progress(label, max(0.0, min(1.0, fraction)))

    def scaled(self, label: str, low: float, high: float) -> Callable[[float], None]:
        """A ``fraction -> None`` callback that maps 0..1 onto ``low..high``."""
        return lambda fraction: self.step(label, low + (high - low) * fraction)
