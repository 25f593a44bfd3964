"""The keyboard reaches everything: Ctrl+Enter saves a dialog, Down and Enter go from the
case search to the first case, and Ctrl+1…Ctrl+N (as the README says) reach every page."""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.features.cases.services import cases
from app.features.cases.ui.case_view import CaseWorkspace
from app.features.cases.ui.record_dialogs import TaskDialog
from app.features.people.services import people
from app.models.enums import CaseKind
from app.services.context import ServiceContext
from app.shell.main_window import MainWindow
from app.ui_kit.operations import SyncOperations

README = Path(__file__).resolve().parents[2] / "README.md"


def test_ctrl_enter_saves_a_dialog_from_any_field(
    qtbot: Any, ctx: ServiceContext, ops: SyncOperations
) -> None:
    dialog = TaskDialog(None, ctx, ops, None, [])
    qtbot.addWidget(dialog, before_close_func=lambda d: setattr(d, "_dirty", False))
    dialog.show()
    dialog.title_edit.setText("Call the housing office")
    qtbot.keyClicks(dialog.notes, "first line")
    qtbot.keyClick(dialog.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result_value is not None
    assert dialog.result_value.title == "Call the housing office"
    assert dialog.result_value.notes == "first line"


def _open_case(ctx: ServiceContext, given: str, family: str) -> uuid.UUID:
    client = people.create_person(ctx, people.PersonInput(given, family))
    data = cases.CaseInput(CaseKind.RELEASE_SUPPORT, client.id, date.today())
    return cases.open_case(ctx, data).id


def test_down_and_enter_from_the_case_search(
    qtbot: Any, window: MainWindow, ctx: ServiceContext
) -> None:
    wanted = _open_case(ctx, "Stefan", "Ionescu")
    _open_case(ctx, "Kari", "Nordmann")
    page: Any = window.show_page("cases")
    page.reload()
    search = page.list.search
    search.setFocus()
    qtbot.keyClicks(search, "ionescu")
    qtbot.keyClick(search, Qt.Key.Key_Return)  # before the typing pause: searches, then opens
    opened = page.tabs.currentWidget()
    assert isinstance(opened, CaseWorkspace) and opened.case_id == wanted
    page.tabs.setCurrentIndex(0)
    qtbot.keyClick(search, Qt.Key.Key_Down)
    table = page.list.table
    assert QApplication.focusWidget() is table or table.hasFocus() or search.hasFocus() is False
    assert table.currentIndex().row() == 0
    assert page.model.case_id(0) == wanted


def test_the_readmes_page_shortcuts_reach_every_page(qtbot: Any, window: MainWindow) -> None:
    bullet = re.search(r"`Ctrl\+1` … `Ctrl\+(\d)` switch pages", README.read_text("utf-8"))
    assert bullet, "the README's Keyboard bullet names the page shortcuts"
    assert int(bullet.group(1)) == len(window.pages) == 8  # a coordinator's pages
    keys = list(window.pages)
    for n, key in enumerate(keys, start=1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + n), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentWidget() is window.pages[key], f"Ctrl+{n}"
