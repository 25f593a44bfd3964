"""The short read-only lists: declared by columns, one activation per double-click or Enter."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from app.kernel.i18n import N_, NC_, current_language, set_language
from app.ui_kit.tables import DUE_COLUMN, OVERDUE_COLOUR, Column, ListTable
from app.ui_kit.widgets import show_date


@dataclass(frozen=True)
class Chore:
    title: str
    note: str
    due_on: date | None = None
    overdue: bool = False


CHORES: tuple[Column[Chore], ...] = (
    Column(N_("Task"), lambda c: c.title),
    DUE_COLUMN,
    Column(
        NC_("institution or organisation", "Name"),
        lambda c: c.note,
        stretch=True,
        context="institution or organisation",
    ),
)


@pytest.fixture
def language() -> Iterator[None]:
    before = current_language()
    yield
    set_language(before)


def headings(table: ListTable[Any]) -> list[str]:
    return [
        item.text()
        for c in range(table.table.columnCount())
        if (item := table.table.horizontalHeaderItem(c)) is not None
    ]


def test_cells_come_from_the_columns_and_the_payload_is_the_item(qtbot: Any) -> None:
    table: ListTable[Chore] = ListTable(CHORES, "Nothing to do.", "Chores")
    qtbot.addWidget(table)
    assert headings(table) == ["Task", "Due", "Name"]
    assert table.table.accessibleName() == "Chores"
    assert table.currentWidget() is table.empty and table.empty.text() == "Nothing to do."
    late = Chore("Call the housing office", "urgent", date(2026, 3, 2), overdue=True)
    soon = Chore("Book the ID appointment", "", date(2026, 12, 24))
    table.set_rows([late, soon])
    assert table.currentWidget() is table.table
    assert table.texts() == [
        "Call the housing office",
        f"⚠ {show_date(date(2026, 3, 2))} (overdue)",
        "urgent",
        "Book the ID appointment",
        show_date(date(2026, 12, 24)),
        "",
    ]
    overdue = table.table.item(0, 1)
    assert overdue is not None and overdue.foreground().color() == QColor(OVERDUE_COLOUR)
    chosen: list[object] = []
    table.selection_did_change.connect(chosen.append)
    table.table.setCurrentCell(1, 0)
    assert table.selected() is soon and chosen == [soon]
    table.set_rows([])
    assert table.currentWidget() is table.empty and table.selected() is None


def test_a_key_gives_the_payload(qtbot: Any) -> None:
    table: ListTable[Chore] = ListTable(CHORES, "Nothing.", "Chores", key=lambda c: c.title)
    qtbot.addWidget(table)
    table.set_rows([Chore("Anna", "first")])
    table.table.setCurrentCell(0, 0)
    assert table.selected() == "Anna"


def test_the_stretched_column_takes_the_spare_width(qtbot: Any) -> None:
    columns: list[Column[Chore]] = [
        Column(N_("Task"), lambda c: c.title, stretch=True),
        Column(N_("Notes"), lambda c: c.note),
    ]
    first: ListTable[Chore] = ListTable(columns, "Nothing.", "Chores")
    last: ListTable[Chore] = ListTable(CHORES, "Nothing.", "Chores")
    header = first.table.horizontalHeader()
    assert header.sectionResizeMode(0) == header.ResizeMode.Stretch
    assert not header.stretchLastSection()
    assert last.table.horizontalHeader().stretchLastSection()
    for table in (first, last):
        qtbot.addWidget(table)


def test_headings_are_translated_each_time_a_table_is_built(qtbot: Any, language: None) -> None:
    """Columns are declared once, at import; the window is rebuilt on a language switch."""
    set_language("nb")
    norwegian: ListTable[Chore] = ListTable(CHORES, "", "")
    set_language("ru")
    russian: ListTable[Chore] = ListTable(CHORES, "", "")
    russian.set_rows([Chore("Позвонить", "", date(2026, 3, 2), overdue=True)])
    for table in (norwegian, russian):
        qtbot.addWidget(table)
    assert headings(norwegian) == ["Oppgave", "Frist", "Navn"]
    assert headings(russian)[2] == "Название"  # the context's word, not a person's "Имя"
    assert "просрочено" in russian.texts()[1]


def test_a_narrow_columns_long_heading_goes_on_two_lines(qtbot: Any) -> None:
    columns: list[Column[Chore]] = [
        Column(N_("Task"), lambda c: c.title, narrow=True),
        Column(N_("Plan done"), lambda c: c.note, narrow=True),
        Column(N_("Child contact person"), lambda c: c.note, narrow=True),
        Column(N_("Child contact person"), lambda c: c.note),
    ]
    table: ListTable[Chore] = ListTable(columns, "", "")
    qtbot.addWidget(table)
    assert headings(table) == ["Task", "Plan done", "Child contact\nperson", "Child contact person"]


def test_a_double_click_or_enter_activates_a_row_once(qtbot: Any) -> None:
    table: ListTable[Chore] = ListTable(CHORES, "Nothing here.", "People")
    qtbot.addWidget(table)
    anna, ion = Chore("Anna", "first"), Chore("Ion", "second")
    table.set_rows([anna, ion])
    table.resize(400, 200)
    table.show()
    qtbot.waitExposed(table)
    seen: list[object] = []
    table.row_activated.connect(seen.append)
    item = table.table.item(1, 0)
    assert item is not None
    cell = table.table.visualItemRect(item).center()
    QTest.mouseClick(table.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    QTest.mouseDClick(table.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert seen == [ion]
    table.table.setCurrentCell(0, 0)
    QTest.keyClick(table.table, Qt.Key.Key_Return)
    assert seen == [ion, anna]
