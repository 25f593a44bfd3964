"""What every page of the main window shares."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.kernel.changes import Changes, Topic
from app.services.context import ServiceContext
from app.ui_kit.navigator import Navigator
from app.ui_kit.operations import ChangeBus, Operations


class Page(QWidget):
    """A sidebar page. ``topics`` are the change-bus topics that make it reload.

    A page gets what it works with — the signed-in user's service context, the operations
    runner, the change bus — and a :class:`Navigator` to open a case or another page; it never
    sees the main window. Every page takes these four and nothing else, so that
    :mod:`app.shell.page_registry` can build any of them."""

    topics: frozenset[Topic] = frozenset()

    def __init__(
        self, ctx: ServiceContext, ops: Operations, bus: ChangeBus, navigator: Navigator
    ) -> None:
        super().__init__()
        self.ctx, self.ops, self.bus = ctx, ops, bus
        self.navigator = navigator
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
