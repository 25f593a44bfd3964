"""A read-only table for short lists (needs, meetings, tasks…) with an empty state.

Long lists (cases, people) use lazy models instead; these lists are a case's own rows.

A table is declared by its columns, not by positions: each :class:`Column` names its heading
and turns one row's item into that row's cell, so a screen hands :meth:`ListTable.set_rows`
its service rows as they are. Columns that several screens share (the due date) live here::

    TASK_COLUMNS: tuple[Column[TaskView], ...] = (
        Column(N_("Task"), lambda t: t.title, stretch=True),
        DUE_COLUMN,
    )
    self.tasks: ListTable[TaskView] = ListTable(TASK_COLUMNS, _("No tasks."), _("Tasks"))
    self.tasks.set_rows(rows)  # each row's payload is the row (or ``key(row)``)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
)

from app.kernel.i18n import N_, _, pgettext
from app.ui_kit.widgets import empty_state, show_date, two_lines

Cell = str | tuple[str, str]  # text, or (text, colour)

T = TypeVar("T")
Item = TypeVar("Item", contravariant=True)

#: A narrow column's heading longer than this (in characters) is broken in two.
SHORT_HEADING = 12


@dataclass(frozen=True)
class Column(Generic[Item]):
    """One column: its heading, and how a row's item becomes the row's cell."""

    #: Marked with ``N_`` (or ``NC_``, then give its ``context``) and translated when a table
    #: is built, so a column declared once at import time follows a language switch (the
    #: window is rebuilt).
    header: str
    cell: Callable[[Item], Cell]
    #: Takes the spare width. When no column of a table does, the last one does.
    stretch: bool = False
    #: A column of short values: a long heading goes on two lines ("Сколько может / взять"),
    #: leaving the width to the names beside it.
    narrow: bool = False
    context: str | None = None

    def heading(self) -> str:
        text = pgettext(self.context, self.header) if self.context else _(self.header)
        return two_lines(text) if self.narrow and len(text) > SHORT_HEADING else text


class Due(Protocol):
    """A row with a due date (a case's task, a release plan's task)."""

    @property
    def due_on(self) -> date | None: ...

    @property
    def overdue(self) -> bool: ...


OVERDUE_COLOUR = "#b02a37"


def due_cell(row: Due) -> Cell:
    """The due date; an overdue one in red *and* marked with a sign, so colour is not the only
    cue."""
    if not row.overdue:
        return show_date(row.due_on)
    return _("⚠ {date} (overdue)").format(date=show_date(row.due_on)), OVERDUE_COLOUR


DUE_COLUMN: Column[Due] = Column(N_("Due"), due_cell)


class ListTable(QStackedWidget, Generic[T]):
    """One row per item, a hidden payload per row; shows ``empty_text`` when there are none."""

    row_activated = Signal(object)  # payload
    selection_did_change = Signal(object)  # the chosen row's payload, or None

    def __init__(
        self,
        columns: Sequence[Column[T]],
        empty_text: str,
        accessible_name: str,
        *,
        key: Callable[[T], Any] | None = None,
    ) -> None:
        """``key`` gives a row's payload (what the signals and :meth:`selected` hand out);
        without it the payload is the item itself."""
        super().__init__()
        self.columns = tuple(columns)
        self._key = key
        self.table = QTableWidget(0, len(self.columns))
        self.table.setHorizontalHeaderLabels([column.heading() for column in self.columns])
        self.table.setAccessibleName(accessible_name)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        stretched = [i for i, column in enumerate(self.columns) if column.stretch]
        if not stretched or stretched == [len(self.columns) - 1]:
            header.setStretchLastSection(True)
        else:
            for i in stretched:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
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

    def set_rows(self, items: Iterable[T]) -> None:
        rows = list(items)
        key = self._key
        self.table.setRowCount(0)
        self._payloads = [key(item) if key else item for item in rows]
        self.table.setRowCount(len(rows))
        for r, item in enumerate(rows):
            for c, column in enumerate(self.columns):
                cell = column.cell(item)
                text, colour = (cell, None) if isinstance(cell, str) else cell
                widget_item = QTableWidgetItem(text)
                widget_item.setToolTip(text if len(text) > 60 else "")
                if colour:
                    widget_item.setForeground(QColor(colour))
                self.table.setItem(r, c, widget_item)
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
