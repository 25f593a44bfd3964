"""The case list's table model: loads rows lazily, in batches, off the GUI thread.

``set_query`` replaces the rows (count and first batch in one background call; a newer query
drops the older one's results). The view asks for more as it scrolls (``canFetchMore`` /
``fetchMore``); each batch arrives on the GUI thread and is appended with
``beginInsertRows(parent, first, last)`` — ``last`` inclusive.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from app.i18n import _
from app.labels import label
from app.services import cases
from app.services.context import ServiceContext
from app.ui.operations import Operations
from app.ui.style import KIND_COLOURS, STATUS_COLOURS
from app.ui.widgets import show_date, show_datetime

BATCH = 200

REFERENCE, CLIENT, KIND, STATUS, WORKER, LAST_ACTIVITY, EXPECTED_RELEASE = range(7)
COLUMN_SORT = {
    REFERENCE: cases.CaseSort.REFERENCE,
    CLIENT: cases.CaseSort.CLIENT,
    KIND: cases.CaseSort.KIND,
    STATUS: cases.CaseSort.STATUS,
    WORKER: cases.CaseSort.WORKER,
    LAST_ACTIVITY: cases.CaseSort.LAST_ACTIVITY,
    EXPECTED_RELEASE: cases.CaseSort.EXPECTED_RELEASE,
}
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


def headers() -> list[str]:
    return [
        _("Reference"),
        _("Client"),
        _("Kind"),
        _("Status"),
        _("Worker"),
        _("Last activity"),
        _("Expected release"),
    ]


class CaseTableModel(QAbstractTableModel):
    rows_did_load = Signal(int)  # total matching cases

    def __init__(self, ctx: ServiceContext, ops: Operations) -> None:
        super().__init__()
        self._ctx = ctx
        self._ops = ops
        self._rows: list[cases.CaseRow] = []
        self._total = 0
        self._query = cases.CaseQuery()
        self._fetching = False
        self._generation = 0

    # -- loading --

    @property
    def query(self) -> cases.CaseQuery:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    def set_query(self, query: cases.CaseQuery) -> None:
        self._query = query
        self._generation += 1
        generation = self._generation
        ctx = self._ctx

        def work() -> tuple[int, list[cases.CaseRow]]:
            return cases.count_cases(ctx, query), cases.list_cases(ctx, query, limit=BATCH)

        def done(result: tuple[int, list[cases.CaseRow]]) -> None:
            if generation != self._generation:
                return
            self.beginResetModel()
            self._total, self._rows = result
            self._fetching = False
            self.endResetModel()
            self.rows_did_load.emit(self._total)

        self._ops.run(work, done, key=f"case-model-{id(self)}")

    def refresh(self) -> None:
        self.set_query(self._query)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        generation, offset, query, ctx = self._generation, len(self._rows), self._query, self._ctx

        def work() -> list[cases.CaseRow]:
            return cases.list_cases(ctx, query, offset=offset, limit=BATCH)

        def done(batch: list[cases.CaseRow]) -> None:
            if generation != self._generation or offset != len(self._rows):
                return
            if batch:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(batch) - 1)
                self._rows.extend(batch)
                self.endInsertRows()
            # Only now: views may ask for more while rows are being inserted.
            self._fetching = False

        def failed(_exc: BaseException) -> None:
            self._fetching = False

        self._ops.run(work, done, failed)

    def clear(self) -> None:
        """Drop every row (used when the app locks)."""
        self._generation += 1
        self.beginResetModel()
        self._rows, self._total = [], 0
        self.endResetModel()

    # -- Qt model API --

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMN_SORT)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            names = headers()
            return names[section] if 0 <= section < len(names) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == STATUS:
                return QColor(STATUS_COLOURS[row.status])
            if column == KIND:
                return QColor(KIND_COLOURS[row.kind])
        if role == Qt.ItemDataRole.ToolTipRole and column in (KIND, STATUS):
            return self._display(row, column)
        if role == CASE_ID_ROLE:
            return str(row.id)
        if role == ROW_ROLE:
            return row
        return None

    @staticmethod
    def _display(row: cases.CaseRow, column: int) -> str:
        if column == REFERENCE:
            return row.reference
        if column == CLIENT:
            return row.client_name
        if column == KIND:
            return "● " + label(row.kind)
        if column == STATUS:
            return "● " + label(row.status)
        if column == WORKER:
            return row.worker_name or ""
        if column == LAST_ACTIVITY:
            return show_datetime(row.last_activity_at)
        if column == EXPECTED_RELEASE:
            return show_date(row.expected_release)
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column not in COLUMN_SORT:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        q = self._query
        self.set_query(
            cases.CaseQuery(
                kinds=q.kinds,
                statuses=q.statuses,
                worker_id=q.worker_id,
                mine=q.mine,
                text=q.text,
                sort=COLUMN_SORT[column],
                descending=descending,
            )
        )

    def case_id(self, row: int) -> uuid.UUID | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None
