"""A volunteer is offered only what a volunteer may do (the services still refuse the rest)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QPushButton

from app.models.enums import Role
from app.services.workspace import CreatedWorkspace, NewUser, unlock
from app.shell.main_window import MainWindow
from app.ui_kit.operations import ChangeBus, SyncOperations
from tests.conftest import PASSWORD

#: Buttons a volunteer may use: their tasks, meetings on their cases, the visit calendar.
VOLUNTEER_ACTIONS = {
    "Lock",
    "Add task…",
    "Mark done / not done",
    "Record meeting…",
    "◀ Previous week",
    "This week",
    "Next week ▶",
}


def offered(window: MainWindow) -> set[str]:
    texts: set[str] = set()
    for key in window.pages:
        window.show_page(key)
        texts |= {
            b.text() for b in window.findChildren(QPushButton) if b.isVisible() and b.isEnabled()
        }
    return texts


def test_a_volunteer_is_not_offered_a_new_case(
    qtbot: Any, make_workspace: Callable[..., CreatedWorkspace]
) -> None:
    created = make_workspace(users=(NewUser("vera", "Vera Volunteer", Role.VOLUNTEER, PASSWORD),))
    for username, may_open in (("vera", False), ("coord", True)):
        ctx = unlock(created.folder, username, PASSWORD)
        window = MainWindow(ctx, SyncOperations(), ChangeBus())
        qtbot.addWidget(window)
        window.show()
        try:
            texts = offered(window)
            assert ("New case…" in texts) is may_open
            if not may_open:
                assert texts <= VOLUNTEER_ACTIONS, texts - VOLUNTEER_ACTIONS
                page: Any = window.pages["cases"]
                assert "New case" not in page.list.empty.text()
        finally:
            window.clear()
            window.close()
            ctx.lock()
