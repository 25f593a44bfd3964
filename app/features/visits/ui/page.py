"""The visit calendar: child visits across every child-visit case, a week at a time (seven
day columns) or as a list, filtered by institution. Double-click a visit to open its case."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.features.directory.services import directory
from app.features.visits.services import visit_queries
from app.features.visits.ui.visits import STATUS_COLOURS, visit_time
from app.kernel.changes import Changes, Topic
from app.kernel.i18n import N_, _, ngettext
from app.kernel.i18n_formats import date_text, day_text, number, time_text
from app.kernel.labels import label
from app.models.enums import VisitStatus
from app.services.context import ServiceContext
from app.ui_kit.navigator import Navigator
from app.ui_kit.operations import ChangeBus, Operations
from app.ui_kit.page_base import Page
from app.ui_kit.tables import Column, ListTable
from app.ui_kit.widgets import data_index, show_datetime, title

VISIT_ROLE = Qt.ItemDataRole.UserRole + 1


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


class WeekView(QTableWidget):
    """Seven day columns; each visit is one cell, in time order down its day."""

    def __init__(self) -> None:
        super().__init__(0, 7)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setAccessibleName(_("Visits this week"))

    def show_week(self, monday: date, rows: list[visit_queries.CalendarVisit]) -> None:
        days = [monday + timedelta(days=i) for i in range(7)]
        self.setHorizontalHeaderLabels([day_text(d) for d in days])
        by_day: list[list[visit_queries.CalendarVisit]] = [[] for _d in days]
        for visit in rows:
            index = (visit.scheduled_at.date() - monday).days
            if 0 <= index < 7:
                by_day[index].append(visit)
        self.clearContents()
        self.setRowCount(max((len(d) for d in by_day), default=0))
        for column, day_visits in enumerate(by_day):
            for row, visit in enumerate(day_visits):
                item = QTableWidgetItem(cell_text(visit))
                item.setData(VISIT_ROLE, visit)
                item.setToolTip(
                    f"{visit_time(visit.scheduled_at, visit.duration_minutes)}\n"
                    f"{visit.institution_name or ''}"
                )
                item.setForeground(QColor(STATUS_COLOURS[visit.status]))
                if visit.status in (VisitStatus.CANCELLED, VisitStatus.DENIED):
                    font = item.font()
                    font.setStrikeOut(True)
                    item.setFont(font)
                self.setItem(row, column, item)
        self.resizeRowsToContents()

    def selected_visit(self) -> visit_queries.CalendarVisit | None:
        item = self.currentItem()
        visit = item.data(VISIT_ROLE) if item is not None else None
        return visit if isinstance(visit, visit_queries.CalendarVisit) else None


def cell_text(visit: visit_queries.CalendarVisit) -> str:
    end = visit.scheduled_at + timedelta(minutes=visit.duration_minutes)
    return _("{start}–{end} {child}\nvisits {client} ({reference})\n{type} · {status}").format(
        start=time_text(visit.scheduled_at),
        end=time_text(end),
        child=visit.child_name,
        client=visit.client_name,
        reference=visit.reference,
        type=label(visit.visit_type),
        status=label(visit.status),
    )


LIST_COLUMNS: tuple[Column[visit_queries.CalendarVisit], ...] = (
    Column(N_("When"), lambda v: show_datetime(v.scheduled_at)),
    Column(N_("Child"), lambda v: v.child_name, stretch=True),
    Column(N_("Visits"), lambda v: v.client_name, stretch=True),
    Column(N_("Case"), lambda v: v.reference),
    Column(N_("Institution"), lambda v: v.institution_name or ""),
    Column(N_("Type"), lambda v: label(v.visit_type)),
    Column(N_("Status"), lambda v: (label(v.status), STATUS_COLOURS[v.status])),
)


class VisitsPage(Page):
    topics = frozenset({Topic.CASES, Topic.VISITS, Topic.DIRECTORY})

    def __init__(
        self, ctx: ServiceContext, ops: Operations, bus: ChangeBus, navigator: Navigator
    ) -> None:
        super().__init__(ctx, ops, bus, navigator)
        self.monday = week_start(date.today())
        layout = QVBoxLayout(self)
        layout.addWidget(title(_("Child visits")))
        bar = QHBoxLayout()
        self.previous = QPushButton(_("◀ Previous week"))
        self.this_week = QPushButton(_("This week"))
        self.next = QPushButton(_("Next week ▶"))
        self.period = QLabel()
        self.period.setObjectName("calendarPeriod")
        for widget in (self.previous, self.this_week, self.next, self.period):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.institution = QComboBox()
        self.institution.setAccessibleName(_("Institution"))
        self.institution.addItem(_("All institutions"), None)
        bar.addWidget(self.institution)
        self.mode = QComboBox()
        self.mode.setAccessibleName(_("View"))
        self.mode.addItem(_("Week"), "week")
        self.mode.addItem(_("List"), "list")
        bar.addWidget(self.mode)
        layout.addLayout(bar)
        self.count = QLabel()
        layout.addWidget(self.count)
        self.week = WeekView()
        self.list: ListTable[visit_queries.CalendarVisit] = ListTable(
            LIST_COLUMNS, _("No visits in this week."), _("Visits")
        )
        self.views = QStackedWidget()
        self.views.addWidget(self.week)
        self.views.addWidget(self.list)
        layout.addWidget(self.views, 1)
        self._institutions_loaded = False
        self.previous.clicked.connect(lambda: self.shift_week(-7))
        self.next.clicked.connect(lambda: self.shift_week(7))
        self.this_week.clicked.connect(self.go_to_this_week)
        self.institution.currentIndexChanged.connect(lambda _i: self.reload())
        self.mode.currentIndexChanged.connect(self.views.setCurrentIndex)
        self.week.itemDoubleClicked.connect(self._open_cell)
        self.list.row_activated.connect(lambda v: self.navigator.open_case(v.case_id))

    def shift_week(self, days: int) -> None:
        self.monday += timedelta(days=days)
        self.reload()

    def go_to_this_week(self) -> None:
        self.monday = week_start(date.today())
        self.reload()

    def show_week_of(self, day: date) -> None:
        self.monday = week_start(day)
        self.reload()

    def reload(self) -> None:
        super().reload()
        ctx = self.ctx
        if not self._institutions_loaded:
            self._institutions_loaded = True
            self.ops.run(lambda: directory.list_institutions(ctx), self._fill_institutions)
        start, end = self.monday, self.monday + timedelta(days=6)
        institution: uuid.UUID | None = self.institution.currentData()
        self.period.setText(_("{start} – {end}").format(start=date_text(start), end=date_text(end)))
        self.ops.run(
            lambda: visit_queries.visit_calendar(ctx, start, end, institution),
            self._show,
            key="visit-calendar",
        )

    def _on_change(self, changes: Changes) -> None:
        if Topic.DIRECTORY in changes.topics:  # an institution was added or renamed
            self._institutions_loaded = False
        super()._on_change(changes)

    def _fill_institutions(self, rows: list[directory.InstitutionRow]) -> None:
        chosen = self.institution.currentData()
        self.institution.blockSignals(True)
        while self.institution.count() > 1:  # all but "All institutions"
            self.institution.removeItem(1)
        for row in rows:
            self.institution.addItem(row.name, row.id)
        self.institution.setCurrentIndex(max(0, data_index(self.institution, chosen)))
        self.institution.blockSignals(False)

    def _show(self, rows: list[visit_queries.CalendarVisit]) -> None:
        self.week.show_week(self.monday, rows)
        self.list.set_rows(rows)
        self.count.setText(
            ngettext("{n} visit this week", "{n} visits this week", len(rows)).format(
                n=number(len(rows))
            )
        )

    def _open_cell(self, item: QTableWidgetItem) -> None:
        visit = item.data(VISIT_ROLE)
        if isinstance(visit, visit_queries.CalendarVisit):
            self.navigator.open_case(visit.case_id)

    def save_state(self) -> object:
        return (self.monday, self.mode.currentIndex())

    def restore_state(self, state: object) -> None:
        if isinstance(state, tuple):
            self.monday = state[0]
            self.mode.setCurrentIndex(state[1])

    def clear(self) -> None:
        self.week.clearContents()
        self.week.setRowCount(0)
        self.list.set_rows([])
        self.count.clear()
