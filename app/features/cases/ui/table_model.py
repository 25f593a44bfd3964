"""The case list's table model: shows the first rows at once, then can scroll anywhere.

``set_query`` replaces the rows: the count and the first batch come in one background call
(a newer query supersedes the older one). Shortly after, unless another query came first,
the ids of every case in the list are read (100,000 in ~0.1 s): from then on the model has
one row per case and reads the rows in view in batches, wherever the view scrolls to, so
dragging the scroll bar to the middle of 44,000 cases reads one batch, not 110. Until the ids
arrive, scrolling to the end asks for them at once (``canFetchMore`` / ``fetchMore``).
Rows are inserted with ``beginInsertRows(parent, first, last)``: ``last`` is inclusive.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor

from app.features.cases.services import case_list
from app.kernel.i18n import _
from app.kernel.labels import label
from app.services.context import ServiceContext
from app.ui_kit.operations import Operations
from app.ui_kit.style import KIND_COLOURS, STATUS_COLOURS
from app.ui_kit.widgets import show_date, show_datetime, two_lines

BATCH = 200
#: After a query's first page, wait this long for the next keystroke before reading every id.
IDS_AFTER_MS = 300

REFERENCE, CLIENT, KIND, STATUS, WORKER, LAST_ACTIVITY, EXPECTED_RELEASE = range(7)
COLUMN_SORT = {
    REFERENCE: case_list.CaseSort.REFERENCE,
    CLIENT: case_list.CaseSort.CLIENT,
    KIND: case_list.CaseSort.KIND,
    STATUS: case_list.CaseSort.STATUS,
    WORKER: case_list.CaseSort.WORKER,
    LAST_ACTIVITY: case_list.CaseSort.LAST_ACTIVITY,
    EXPECTED_RELEASE: case_list.CaseSort.EXPECTED_RELEASE,
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
        #: Columns whose heading is shown on two lines (long headings in some languages).
        self.wrapped_headers: set[int] = set()
        #: One slot per row shown; ``None`` until that row's batch has been read.
        self._slots: list[case_list.CaseRow | None] = []
        #: Every case id of the list once read (then ``len(_slots) == len(_ids)``).
        self._ids: Sequence[uuid.UUID] | None = None
        self._total = 0
        self._query = case_list.CaseQuery()
        self._generation = 0
        self._ids_requested = False
        self._batches_requested: set[int] = set()
        self._ids_timer = QTimer(self)
        self._ids_timer.setSingleShot(True)
        self._ids_timer.setInterval(IDS_AFTER_MS)
        self._ids_timer.timeout.connect(self._load_ids)
        # Batches asked for while painting are read once painting is over (never from
        # inside ``data()``), all that one paint asked for together.
        self._batches_wanted: set[int] = set()
        self._batch_timer = QTimer(self)
        self._batch_timer.setSingleShot(True)
        self._batch_timer.setInterval(0)
        self._batch_timer.timeout.connect(self._load_wanted_batches)

    # -- loading --

    @property
    def query(self) -> case_list.CaseQuery:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    @property
    def complete(self) -> bool:
        """Whether the model has a row for every case of the list (loaded or not)."""
        return len(self._slots) >= self._total

    def set_query(self, query: case_list.CaseQuery) -> None:
        self._query = query
        self._generation += 1
        self._ids_timer.stop()
        generation = self._generation
        ctx = self._ctx

        def work() -> case_list.CasePage:
            return case_list.first_page(ctx, query, limit=BATCH)

        def done(page: case_list.CasePage) -> None:
            if generation != self._generation:
                return
            self.beginResetModel()
            self._total = page.total
            self._slots = list(page.rows)
            self._ids = None
            self._ids_requested = False
            self._batches_requested, self._batches_wanted = set(), set()
            self.endResetModel()
            self.rows_did_load.emit(self._total)
            if not self.complete:
                self._ids_timer.start()

        self._ops.run(work, done, key=f"case-model-{id(self)}")

    def refresh(self) -> None:
        self.set_query(self._query)

    def _load_ids(self) -> None:
        if self._ids_requested or self.complete:
            return
        self._ids_requested = True
        generation, query, ctx = self._generation, self._query, self._ctx

        def work() -> case_list.CaseIds:
            return case_list.case_ids(ctx, query)

        def done(ids: case_list.CaseIds) -> None:
            if generation != self._generation:
                return
            self._adopt_ids(ids)

        def failed(_exc: BaseException) -> None:
            if generation == self._generation:
                self._ids_requested = False

        self._ops.run(work, done, failed, key=f"case-ids-{id(self)}")

    def _adopt_ids(self, ids: Sequence[uuid.UUID]) -> None:
        shown = len(self._slots)
        # The first page was read a moment earlier: keep each row only where it still is.
        first = ids[:shown]
        kept = [
            row if row is not None and row.id == first[n] else None
            for n, row in enumerate(self._slots[: len(first)])
        ]
        if len(ids) < shown:
            self.beginRemoveRows(QModelIndex(), len(ids), shown - 1)
            self._slots = kept
            self._ids = ids
            self.endRemoveRows()
        else:
            self._slots = kept
            self._ids = ids
        if len(ids) > shown:
            self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
            self._slots.extend([None] * (len(ids) - shown))
            self.endInsertRows()
        self._total = len(ids)
        if kept:
            self.dataChanged.emit(self.index(0, 0), self.index(len(kept) - 1, len(COLUMN_SORT) - 1))
        self.rows_did_load.emit(self._total)

    def _load_batch(self, batch: int) -> None:
        if batch in self._batches_requested or self._ids is None:
            return
        self._batches_requested.add(batch)
        generation, ctx = self._generation, self._ctx
        first = batch * BATCH
        wanted = self._ids[first : first + BATCH]

        def work() -> list[case_list.CaseRow]:
            return case_list.case_rows(ctx, wanted)

        def done(rows: list[case_list.CaseRow]) -> None:
            if generation != self._generation:
                return
            by_id = {row.id: row for row in rows}
            for offset, case_id in enumerate(wanted):
                # A case gone since the ids were read keeps an empty row until the next refresh.
                self._slots[first + offset] = by_id.get(case_id)
            last = first + len(wanted) - 1
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMN_SORT) - 1))

        def failed(_exc: BaseException) -> None:
            self._batches_requested.discard(batch)

        self._ops.run(work, done, failed)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._ids_requested and not self.complete

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """The view reached the end of the first page before the ids came: read them now."""
        if self.canFetchMore(parent):
            self._ids_timer.stop()
            self._load_ids()

    def clear(self) -> None:
        """Drop every row (used when the app locks)."""
        self._generation += 1
        self._ids_timer.stop()
        self.beginResetModel()
        self._slots, self._ids, self._total = [], None, 0
        self._ids_requested = False
        self._batches_requested, self._batches_wanted = set(), set()
        self.endResetModel()

    def _row(self, row: int) -> case_list.CaseRow | None:
        """The row's data, asking for its batch when it has not been read yet."""
        found = self._slots[row]
        if found is None and self._ids is not None:
            batch = row // BATCH
            if batch not in self._batches_requested:
                self._batches_wanted.add(batch)
                self._batch_timer.start()
        return found

    def _load_wanted_batches(self) -> None:
        wanted, self._batches_wanted = self._batches_wanted, set()
        for batch in sorted(wanted):
            self._load_batch(batch)

    # -- Qt model API --

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._slots)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMN_SORT)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            names = headers()
            if not 0 <= section < len(names):
                return None
            return two_lines(names[section]) if section in self.wrapped_headers else names[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._slots):
            return None
        if role == CASE_ID_ROLE:
            case_id = self.case_id(index.row())
            return None if case_id is None else str(case_id)
        row = self._row(index.row())
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole else None
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
        if role == ROW_ROLE:
            return row
        return None

    @staticmethod
    def _display(row: case_list.CaseRow, column: int) -> str:
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
            case_list.CaseQuery(
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
        if not 0 <= row < len(self._slots):
            return None
        if self._ids is not None:
            return self._ids[row]
        found = self._slots[row]
        return None if found is None else found.id
