"""Long work with a progress bar and a Cancel button (STYLE.md convention 4).

:class:`JobState` is the small state object: the work function (on the database thread)
writes progress into it through :meth:`JobState.progress`; the GUI thread reads it with a
QTimer (:class:`ProgressPanel`), so no Qt object is ever touched from the worker. Cancel sets
the flag that the service checks at its safe points.

``run_job(ops, panel, work, on_success, on_failure)`` wires the three together: ``work``
receives the state and returns the result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.kernel.i18n import _
from app.services.jobs import CancelFlag
from app.ui_kit.operations import Operations

POLL_MS = 100
#: The bar appears only for work that lasts (quick work never flickers).
SHOW_AFTER_MS = 300


class JobState:
    """Progress and cancel for one piece of long work. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stage = ""
        self._fraction = 0.0
        self.flag = CancelFlag()

    def progress(self, stage: str, fraction: float) -> None:
        """Called by the service, on the database thread."""
        with self._lock:
            self._stage, self._fraction = stage, max(0.0, min(1.0, fraction))

    def snapshot(self) -> tuple[str, float]:
        with self._lock:
            return self._stage, self._fraction

    def cancel(self) -> None:
        self.flag.cancel()


class ProgressPanel(QWidget):
    """A stage label, a progress bar and Cancel; hidden while nothing long is running."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stage = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName(_("Progress"))
        self.cancel_button = QPushButton(_("Cancel"))
        layout.addWidget(self.stage)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        self.state: JobState | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._update)
        self._reveal = QTimer(self)
        self._reveal.setSingleShot(True)
        self._reveal.timeout.connect(self._show)
        self.cancel_button.clicked.connect(self._cancel)
        self.hide()

    @property
    def running(self) -> bool:
        return self.state is not None

    def start(self, state: JobState) -> None:
        self.state = state
        self.stage.setText(_("Starting…"))
        self.bar.setValue(0)
        self.cancel_button.setEnabled(True)
        self._poll.start()
        self._reveal.start(SHOW_AFTER_MS)

    def finish(self) -> None:
        self.state = None
        self._poll.stop()
        self._reveal.stop()
        self.hide()

    def _show(self) -> None:
        if self.state is not None:
            self.show()

    def _update(self) -> None:
        if self.state is None:
            return
        stage, fraction = self.state.snapshot()
        if stage:
            self.stage.setText(stage)
        self.bar.setValue(round(fraction * 1000))

    def _cancel(self) -> None:
        if self.state is not None:
            self.state.cancel()
            self.stage.setText(_("Stopping…"))
            self.cancel_button.setEnabled(False)


def set_primary_enabled(button: QPushButton, enabled: bool) -> None:
    """Enable or disable a primary (accent-coloured) button; disabled, it loses the accent
    so it does not look pressable."""
    button.setEnabled(enabled)
    button.setProperty("primary", enabled)
    style = button.style()
    style.unpolish(button)
    style.polish(button)


def run_job(
    ops: Operations,
    panel: ProgressPanel,
    work: Callable[[JobState], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
    *,
    label: str | None = None,
) -> JobState:
    """Run ``work(state)`` on the database thread with ``panel`` showing its progress."""
    state = JobState()
    panel.start(state)

    def ok(value: Any) -> None:
        panel.finish()
        on_success(value)

    def bad(exc: BaseException) -> None:
        panel.finish()
        on_failure(exc)

    ops.run(lambda: work(state), ok, bad, label=label)
    return state
