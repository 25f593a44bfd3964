"""The short read-only lists: one activation per double-click or Enter."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.ui_kit.tables import ListTable


def test_a_double_click_or_enter_activates_a_row_once(qtbot: Any) -> None:
    table = ListTable(["Name", "Note"], "Nothing here.", "People")
    qtbot.addWidget(table)
    table.set_rows([(("Anna", "first"), "a"), (("Ion", "second"), "b")])
    table.resize(400, 200)
    table.show()
    qtbot.waitExposed(table)
    seen: list[object] = []
    table.row_activated.connect(seen.append)
    cell = table.table.visualItemRect(table.table.item(1, 0)).center()
    QTest.mouseClick(table.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    QTest.mouseDClick(table.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert seen == ["b"]
    table.table.setCurrentCell(0, 0)
    QTest.keyClick(table.table, Qt.Key.Key_Return)
    assert seen == ["b", "a"]
