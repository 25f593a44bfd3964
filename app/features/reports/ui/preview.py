"""The anonymised summary on screen: the same :class:`ReportView` the PDF is drawn from.

Hidden numbers arrive already hidden (``cell.suppressed``); here they are only marked: grey,
hatched, with a tooltip saying why, so colour is never the only cue (the text is "<5" or
"*").
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.features.reports.services.figures import FigureStatus
from app.features.reports.services.layout import CellView, ReportView, RowView, TableView
from app.kernel.i18n import _
from app.ui_kit.style import MUTED
from app.ui_kit.widgets import empty_state

HATCH = QBrush(QColor("#c3cbd1"), Qt.BrushStyle.BDiagPattern)
#: Item role that tells tests (and screen readers) a number is hidden.
SUPPRESSED_ROLE = Qt.ItemDataRole.UserRole + 7


def suppressed_tip(cell: CellView, threshold: int) -> str:
    if cell.status == FigureStatus.SMALL:
        return _(
            "Hidden: a number from 1 to {below}. Numbers under {k} could identify someone."
        ).format(below=threshold - 1, k=threshold)
    if cell.status == FigureStatus.RANGE:
        return _(
            "Hidden: the reports exported earlier already fix this number within this range, "
            "so it is shown as that and no closer."
        )
    return _("Hidden so that a small number cannot be worked out from the totals.")


def _label(text: str, *, bold: bool = False, size: float | None = None) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold or size:
        font = QFont(label.font())
        font.setBold(bold)
        if size:
            font.setPointSizeF(size)
        label.setFont(font)
    return label


class ReportTable(QTableWidget):
    """One table of the summary, as tall as its rows (the page scrolls, not the table)."""

    def __init__(self, table: TableView, threshold: int) -> None:
        super().__init__(len(table.rows), len(table.columns) + 1)
        self.setHorizontalHeaderLabels(["", *table.columns])
        self.setAccessibleName(table.title)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for r, row in enumerate(table.rows):
            self._fill(r, row, threshold)
        # One line per row: measuring wrapped rows before the table has its real width
        # would leave some rows tall and others not.
        height = header.sizeHint().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(height)

    def _fill(self, r: int, row: RowView, threshold: int) -> None:
        name = QTableWidgetItem(("    " if row.indent else "") + row.label)
        items = [name]
        for cell in row.cells:
            item = QTableWidgetItem(cell.text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if cell.suppressed:
                tip = suppressed_tip(cell, threshold)
                item.setBackground(HATCH)
                item.setForeground(QColor(MUTED))
                item.setToolTip(tip)
                item.setData(SUPPRESSED_ROLE, True)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{cell.text} — {tip}")
            items.append(item)
        for c, item in enumerate(items):
            if row.total:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.setItem(r, c, item)


class ReportPreview(QScrollArea):
    """Headlines, the trend, every section's tables, the legend and the method note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.tables: list[ReportTable] = []
        self.clear()

    def clear(self) -> None:
        self.tables = []
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.addWidget(
            empty_state(
                _(
                    "Choose a period and press Preview to see the summary exactly as the "
                    "funder will receive it."
                )
            )
        )
        layout.addStretch(1)
        self.setWidget(holder)

    def show_view(self, view: ReportView) -> None:
        self.tables = []
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(4, 4, 12, 4)
        heading = f"{view.title} — {view.period_label}"
        layout.addWidget(_label(heading, bold=True, size=14))
        layout.addWidget(
            _label(
                _(
                    "{organisation} · {dates} · produced {day} · numbers under {k} are hidden"
                ).format(
                    organisation=view.organisation,
                    dates=view.period_dates,
                    day=view.produced_on,
                    k=view.threshold,
                )
            )
        )
        legend = _label(view.legend)
        legend.setObjectName("banner")
        layout.addWidget(legend)
        if view.headlines:
            rows = tuple(RowView(h.label, (h.cell,)) for h in view.headlines)
            self._table(
                layout,
                TableView("headlines", _("At a glance"), (_("Number"),), rows),
                view.threshold,
            )
        if view.trend is not None:
            self._table(layout, view.trend, view.threshold)
        for section in view.sections:
            layout.addSpacing(10)
            layout.addWidget(_label(section.title, bold=True, size=13))
            if section.intro:
                layout.addWidget(_label(section.intro))
            for table in section.tables:
                self._table(layout, table, view.threshold)
        layout.addSpacing(10)
        layout.addWidget(_label(_("How the figures were made"), bold=True, size=13))
        for title, paragraphs in view.methodology:
            layout.addWidget(_label(title, bold=True))
            for paragraph in paragraphs:
                layout.addWidget(_label(paragraph))
        layout.addStretch(1)
        self.setWidget(holder)

    def _table(self, layout: QVBoxLayout, table: TableView, threshold: int) -> None:
        layout.addWidget(_label(table.title, bold=True))
        widget = ReportTable(table, threshold)
        self.tables.append(widget)
        layout.addWidget(widget)
        if table.note:
            note = _label(table.note)
            note.setStyleSheet(f"color:{MUTED};")
            layout.addWidget(note)

    def suppressed_items(self) -> list[QTableWidgetItem]:
        """Every hidden number on screen (tests use it)."""
        found = []
        for table in self.tables:
            for r in range(table.rowCount()):
                for c in range(table.columnCount()):
                    item = table.item(r, c)
                    if item is not None and item.data(SUPPRESSED_ROLE):
                        found.append(item)
        return found
