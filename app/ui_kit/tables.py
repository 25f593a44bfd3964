"""A read-only table for short lists (needs, meetings, tasks…) with an empty state.

Long lists (cases, people) use lazy models instead; these lists are a case's own rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
)

from app.ui_kit.widgets import empty_state, two_lines

Cell = str | tuple[str, str]  # text, or (text, colour)


class ListTable(QStackedWidget):
    """Rows of text with a hidden payload per row; shows ``empty_text`` when there are none."""

    row_activated = Signal(object)  # payload
    selection_did_change = Signal(object)  # the chosen row's payload, or None

    def __init__(
        self,
        headers: Sequence[str],
        empty_text: str,
        accessible_name: str,
        *,
        stretch: int | tuple[int, ...] | None = None,
    ) -> None:
        """``stretch`` is the column (or columns) that take the spare width (default: the
        last)."""
        super().__init__()
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.setAccessibleName(accessible_name)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        stretched = (stretch,) if isinstance(stretch, int) else stretch
        if not stretched or stretched == (len(headers) - 1,):
            header.setStretchLastSection(True)
        else:
            for column in stretched:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        # Wrapped cells need their rows re-measured once the columns have their real width
        # (widths change with the window, and with the language of the headers).
        self._rows_timer = QTimer(self)
        self._rows_timer.setSingleShot(True)
        self._rows_timer.setInterval(0)
        self._rows_timer.timeout.connect(self._relayout)
        header.sectionResized.connect(lambda *_args: self._rows_timer.start())
        # Activation is a double-click (or a single click, where the platform's style says
        # so) and Enter: one signal for all. Listening to doubleClicked as well reported
        # every double-click twice, so a cancelled dialog opened again.
        self.table.itemActivated.connect(self._activated)
        self.table.currentCellChanged.connect(
            lambda *_args: self.selection_did_change.emit(self.selected())
        )
        self.empty = empty_state(empty_text)
        self.addWidget(self.table)
        self.addWidget(self.empty)
        self._payloads: list[Any] = []
        self.set_rows([])

    def set_rows(self, rows: Sequence[tuple[Sequence[Cell], Any]]) -> None:
        self.table.setRowCount(0)
        self._payloads = [payload for _cells, payload in rows]
        self.table.setRowCount(len(rows))
        for r, (cells, _payload) in enumerate(rows):
            for c, cell in enumerate(cells):
                text, colour = (cell, None) if isinstance(cell, str) else cell
                item = QTableWidgetItem(text)
                item.setToolTip(text if len(text) > 60 else "")
                if colour:
                    item.setForeground(QColor(colour))
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        self.setCurrentWidget(self.table if rows else self.empty)
        self.selection_did_change.emit(self.selected())

    def _relayout(self) -> None:
        """A heading wider than its column goes on two lines (long in some languages), then
        the rows are re-measured."""
        header = self.table.horizontalHeader()
        for column in range(self.table.columnCount()):
            item = self.table.horizontalHeaderItem(column)
            if item is None or " " not in item.text() or "\n" in item.text():
                continue
            if header.sectionSizeFromContents(column).width() > header.sectionSize(column) + 1:
                item.setText(two_lines(item.text()))
        self.table.resizeRowsToContents()

    def selected(self) -> Any:
        row = self.table.currentRow()
        return self._payloads[row] if 0 <= row < len(self._payloads) else None

    def _activated(self, item: QTableWidgetItem) -> None:
        self._emit(item.row())

    def _emit(self, row: int) -> None:
        if 0 <= row < len(self._payloads):
            self.row_activated.emit(self._payloads[row])

    def texts(self) -> list[str]:
        """Every cell's text (tests and the lock check use it)."""
        return [
            item.text()
            for r in range(self.table.rowCount())
            for c in range(self.table.columnCount())
            if (item := self.table.item(r, c)) is not None
        ]


def elide(text: str | None, limit: int = 160) -> str:
    if not text:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def align_right(item: QTableWidgetItem) -> None:
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
