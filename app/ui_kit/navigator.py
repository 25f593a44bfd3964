"""What a page or an open case may ask of the window that holds it.

Pages, case workspaces and their tabs get their service context, operations runner and change
bus as plain dependencies, and this protocol for the rest — never the main window itself, so
nothing below the shell imports it (no import cycle, not even under ``TYPE_CHECKING``).
:class:`app.shell.main_window.MainWindow` is the one implementation; a test may pass a fake.
"""

from __future__ import annotations

import uuid
from typing import Protocol

from PySide6.QtWidgets import QWidget


class Navigator(Protocol):
    def open_case(self, case_id: uuid.UUID) -> QWidget:
        """Show the case in its tab on the Cases page (opening it if needed); returns the tab."""
        ...

    def show_page(self, key: str) -> QWidget:
        """Bring the page with this key ("today", "cases"…) to the front; returns it."""
        ...

    def user_name(self, user_id: uuid.UUID | None) -> str:
        """The display name of a user, "a former user" for one no longer known, "" for none."""
        ...

    def set_idle_minutes(self, minutes: int) -> None:
        """The idle time before Homeward locks itself has changed (Admin → Settings)."""
        ...
