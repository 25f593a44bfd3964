"""What every page of the main window shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.changes import Changes, Topic
from app.services.context import ServiceContext
from app.ui.operations import ChangeBus, Operations

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


class Page(QWidget):
    """A sidebar page. ``topics`` are the change-bus topics that make it reload."""

    topics: frozenset[Topic] = frozenset()

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window_ = window
        self.ctx: ServiceContext = window.ctx
        self.ops: Operations = window.ops
        self.bus: ChangeBus = window.bus
        self._stale = True
        self.bus.data_did_change.connect(self._on_change)

    def _on_change(self, changes: Changes) -> None:
        if changes.topics & self.topics:
            self._stale = True
            if self.isVisible():
                self.reload()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if self._stale:
            self.reload()

    def reload(self) -> None:
        """Fetch fresh data (through ``self.ops``) and show it."""
        self._stale = False

    def save_state(self) -> object:
        """What to carry over when the window is rebuilt (a language switch): searches,
        filters, open cases. ``None`` when there is nothing worth keeping."""
        return None

    def restore_state(self, state: object) -> None:
        """Take back what :meth:`save_state` gave, in a freshly built page."""

    def clear(self) -> None:
        """Forget every piece of client data this page shows (the app is locking)."""
