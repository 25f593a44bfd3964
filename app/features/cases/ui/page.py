"""The Cases page: filters, search-as-you-type, the lazy case list, and open cases as tabs."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.features.admin.services import users
from app.features.cases.services import case_list, cases
from app.features.cases.ui.case_view import CaseWorkspace
from app.features.cases.ui.table_model import (
    CLIENT,
    EXPECTED_RELEASE,
    KIND,
    LAST_ACTIVITY,
    REFERENCE,
    STATUS,
    WORKER,
    CaseTableModel,
    headers,
)
from app.kernel.changes import Topic
from app.kernel.i18n import _, ngettext
from app.kernel.i18n_formats import number
from app.kernel.labels import label
from app.models.enums import CaseKind, CaseStatus
from app.services.context import ServiceContext
from app.services.validation import SEARCH_TEXT_MAX
from app.ui_kit.navigator import Navigator
from app.ui_kit.operations import ChangeBus, Operations
from app.ui_kit.page_base import Page
from app.ui_kit.widgets import data_index, empty_state, title

SEARCH_DELAY_MS = 150
#: Typical widest contents, so columns open wide enough without measuring 100,000 rows.
#: The client column never gets narrower than this (names are what people look for).
CLIENT_MIN_WIDTH = 140
#: …and the worker column gives up width down to this before the table scrolls sideways.
WORKER_MIN_WIDTH = 110
KIND_MIN_WIDTH = 130
SHRINK_MIN_WIDTH = {WORKER: WORKER_MIN_WIDTH, KIND: KIND_MIN_WIDTH}
COLUMN_SAMPLES = {
    REFERENCE: "HW-2026-00000",
    KIND: "● Foreign inmate__",
    STATUS: "● On hold___",
    WORKER: "Viviana Aanei-Marinescu",
    LAST_ACTIVITY: "20/11/2026, 14:30",
    EXPECTED_RELEASE: "12 Sept 2027",
}


class CaseTable(QTableView):
    """The table; Enter opens the current case."""

    def __init__(self, page: CasesPage) -> None:
        super().__init__()
        self.page = page
        #: The worker and kind columns' widths when there is room (set with the other widths).
        self.preferred_widths: dict[int, int] = {}

    def keyPressEvent(self, event: object) -> None:
        key = event.key()  # type: ignore[attr-defined]
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.page.open_row(self.currentIndex())
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_client_column()

    def fit_client_column(self) -> None:
        """The client column takes the room the others leave — but never less than its header
        (longer in some languages). Short of room, long worker names and then the kind (its
        full name in the tooltip) are cut ("…") if that makes everything fit; otherwise the
        table scrolls sideways rather than cut a header."""
        header = self.horizontalHeader()
        if header.count() <= max(CLIENT, WORKER, KIND):
            return
        shrinkable = (WORKER, KIND)
        need = max(header.sectionSizeFromContents(CLIENT).width() + 8, CLIENT_MIN_WIDTH)
        others = sum(
            header.sectionSize(c)
            for c in range(header.count())
            if c not in (CLIENT, *shrinkable) and not header.isSectionHidden(c)
        )
        room = self.viewport().width()
        preferred = {c: self.preferred_widths.get(c) or header.sectionSize(c) for c in shrinkable}
        floors = {
            c: max(header.sectionSizeFromContents(c).width() + 8, SHRINK_MIN_WIDTH[c])
            for c in shrinkable
        }
        widths = dict(preferred)
        for column in shrinkable:  # the worker first, then the kind
            short = others + sum(widths.values()) + need - room
            if short > 0:
                widths[column] = max(floors[column], preferred[column] - short)
        fits = others + sum(widths.values()) + need <= room
        if not fits:
            widths = preferred  # scrolling anyway: no point in cutting names as well
        for column, width in widths.items():
            if width != header.sectionSize(column):
                header.resizeSection(column, width)
        mode = QHeaderView.ResizeMode.Stretch if fits else QHeaderView.ResizeMode.Interactive
        if header.sectionResizeMode(CLIENT) != mode:
            header.setSectionResizeMode(CLIENT, mode)
        if not fits:
            header.resizeSection(CLIENT, need)


class CaseListView(QWidget):
    def __init__(self, page: CasesPage) -> None:
        super().__init__()
        self.page = page
        layout = QVBoxLayout(self)
        # The search box has a row of its own: its hint and the filters' labels are long in
        # some languages, and a shared row would cut one or the other.
        top = QHBoxLayout()
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by name, reference or institution (Ctrl+F)"))
        self.search.setAccessibleName(_("Search cases"))
        self.search.setMaxLength(SEARCH_TEXT_MAX)
        self.search.setClearButtonEnabled(True)
        top.addWidget(self.search, 1)
        self.kind = QComboBox()
        self.kind.setAccessibleName(_("Kind"))
        self.kind.addItem(_("All kinds"), None)
        for kind in CaseKind:
            self.kind.addItem(label(kind), kind)
        bar.addWidget(self.kind)
        self.status = QComboBox()
        self.status.setAccessibleName(_("Status"))
        self.status.addItem(_("Not closed"), "not-closed")
        self.status.addItem(_("All statuses"), None)
        for status in CaseStatus:
            self.status.addItem(label(status), status)
        bar.addWidget(self.status)
        self.worker = QComboBox()
        self.worker.setAccessibleName(_("Worker"))
        self.worker.addItem(_("All workers"), None)
        bar.addWidget(self.worker)
        self.mine = QCheckBox(_("Mine"))
        bar.addWidget(self.mine)
        bar.addStretch(1)
        self.new_case = QPushButton(_("New case…"))
        self.new_case.setProperty("primary", True)
        top.addWidget(self.new_case)
        layout.addLayout(top)
        layout.addLayout(bar)
        self.count = QLabel()
        self.count.setObjectName("caseCount")
        layout.addWidget(self.count)
        self.table = CaseTable(page)
        self.table.setAccessibleName(_("Cases"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        # Only what the role may do is offered (the service still checks).
        may_open = page.ctx.require_actor().may(cases.open_case)
        self.new_case.setVisible(may_open)
        self.empty = empty_state(
            _("No cases match. Clear the search or filters, or open a new case with “New case…”.")
            if may_open
            else _("No cases match. Clear the search or filters.")
        )
        self.empty.hide()
        layout.addWidget(self.empty, 1)  # takes the table's room: the count stays on top


class CasesPage(Page):
    topics = frozenset({Topic.CASES, Topic.PEOPLE, Topic.USERS})

    def __init__(
        self, ctx: ServiceContext, ops: Operations, bus: ChangeBus, navigator: Navigator
    ) -> None:
        super().__init__(ctx, ops, bus, navigator)
        self._open_first_when_loaded = False  # Enter in the search before its results came
        layout = QVBoxLayout(self)
        layout.addWidget(title(_("Cases")))
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self._close_tab)
        self.list = CaseListView(self)
        self.tabs.addTab(self.list, _("All cases"))
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        layout.addWidget(self.tabs)
        self.model = CaseTableModel(self.ctx, self.ops)
        self.model.rows_did_load.connect(self._loaded)
        self.list.table.setModel(self.model)
        header = self.list.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(CLIENT, QHeaderView.ResizeMode.Stretch)
        width = self.list.table.fontMetrics().horizontalAdvance
        for column, sample in COLUMN_SAMPLES.items():
            if column in (KIND, STATUS):  # the longest label, in the user's language
                values = CaseKind if column == KIND else CaseStatus
                sample = max(("● " + label(v) for v in values), key=width)
            # …and never narrower than the header, whose length differs between languages: a
            # heading much longer than the values goes on two lines ("Последняя / активность")
            heading = header.sectionSizeFromContents(column).width()
            if heading > width(sample) + 28 + 24 and " " in headers()[column]:
                self.model.wrapped_headers.add(column)
                heading = header.sectionSizeFromContents(column).width()
            header.resizeSection(column, max(width(sample) + 28, heading + 8))
        self.list.table.preferred_widths = {c: header.sectionSize(c) for c in (WORKER, KIND)}
        self.list.table.sortByColumn(LAST_ACTIVITY, Qt.SortOrder.DescendingOrder)
        self.list.table.doubleClicked.connect(self.open_row)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self._apply_filters)
        self.list.search.textChanged.connect(lambda _text: self._debounce.start())
        for combo in (self.list.kind, self.list.status, self.list.worker):
            combo.currentIndexChanged.connect(lambda _i: self._apply_filters())
        self.list.mine.toggled.connect(lambda _on: self._apply_filters())
        self.list.new_case.clicked.connect(self._new_case)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.activated.connect(self.focus_search)
        self.list.search.installEventFilter(self)
        self._workers_loaded = False
        self._pending_worker: object = None
        self._apply_filters()

    # -- filters and search --

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.list.search.setFocus()
        self.list.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """From the search box, Down reaches the first result and Enter opens it."""
        if watched is self.list.search and isinstance(event, QKeyEvent):
            if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
                self._search_now()
                self.list.table.setFocus()
                if self.model.rowCount() and not self.list.table.currentIndex().isValid():
                    self.list.table.setCurrentIndex(self.model.index(0, 0))
                return True
            if event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Return,
                Qt.Key.Key_Enter,
            ):
                self._open_first_when_loaded = self._debounce.isActive()
                if self._open_first_when_loaded:
                    self._search_now()
                elif self.model.rowCount():
                    self.open_row(self.model.index(0, 0))
                return True
        return super().eventFilter(watched, event)

    def _search_now(self) -> None:
        """Search for what is typed without waiting for the typing pause."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._apply_filters()

    def current_query(self) -> case_list.CaseQuery:
        kind = self.list.kind.currentData()
        status = self.list.status.currentData()
        if status == "not-closed":
            statuses = frozenset(s for s in CaseStatus if s != CaseStatus.CLOSED)
        elif status is None:
            statuses = frozenset()
        else:
            statuses = frozenset({status})
        old = self.model.query
        return case_list.CaseQuery(
            kinds=frozenset({kind}) if kind is not None else frozenset(),
            statuses=statuses,
            worker_id=self.list.worker.currentData(),
            mine=self.list.mine.isChecked(),
            text=self.list.search.text(),
            sort=old.sort,
            descending=old.descending,
        )

    def _apply_filters(self) -> None:
        self.model.set_query(self.current_query())

    def _loaded(self, total: int) -> None:
        self.list.count.setText(ngettext("{n} case", "{n} cases", total).format(n=number(total)))
        self.list.empty.setVisible(total == 0)
        self.list.table.setVisible(total > 0)
        if self._open_first_when_loaded:
            self._open_first_when_loaded = False
            if total:
                self.open_row(self.model.index(0, 0))

    def reload(self) -> None:
        super().reload()
        if not self._workers_loaded:
            ctx = self.ctx
            self.ops.run(lambda: users.list_active_staff(ctx), self._fill_workers)
        self.model.refresh()  # each open case reloads itself, for its own changes only

    def _fill_workers(self, staff: list[users.UserRow]) -> None:
        self._workers_loaded = True
        combo = self.list.worker
        combo.blockSignals(True)
        for row in staff:
            combo.addItem(row.display_name, row.id)
        combo.blockSignals(False)
        self._select_pending_worker()

    # -- opening cases --

    def open_row(self, index: QModelIndex) -> None:
        case_id = self.model.case_id(index.row())
        if case_id is not None:
            self.open_case(case_id)

    def open_case(self, case_id: uuid.UUID) -> CaseWorkspace:
        for i in range(1, self.tabs.count()):
            existing = self.tabs.widget(i)
            if isinstance(existing, CaseWorkspace) and existing.case_id == case_id:
                self.tabs.setCurrentIndex(i)
                return existing
        workspace = CaseWorkspace(self.ctx, self.ops, self.bus, self.navigator, case_id)
        index = self.tabs.addTab(workspace, workspace.tab_title() or _("Loading…"))
        workspace.title_did_change.connect(
            lambda text, w=workspace: self.tabs.setTabText(self.tabs.indexOf(w), text)
        )
        self.tabs.setCurrentIndex(index)
        return workspace

    def _close_tab(self, index: int) -> None:
        if index == 0:
            return
        widget = self.tabs.widget(index)
        if widget is not None and widget.close():
            self.tabs.removeTab(index)
            widget.deleteLater()

    def _new_case(self) -> None:
        from app.features.cases.ui.dialogs import NewCaseDialog

        case_id = NewCaseDialog.ask(self, self.ctx, self.ops)
        if case_id is not None:
            self.open_case(case_id)

    # -- carried over a window rebuild (language switch) --

    def save_state(self) -> object:
        workspaces = [self.tabs.widget(i) for i in range(1, self.tabs.count())]
        return {
            "search": self.list.search.text(),
            "kind": self.list.kind.currentIndex(),
            "status": self.list.status.currentIndex(),
            "worker": self.list.worker.currentData(),
            "mine": self.list.mine.isChecked(),
            "cases": [
                (w.case_id, w.current_tab()) for w in workspaces if isinstance(w, CaseWorkspace)
            ],
            "current": self.tabs.currentIndex(),
        }

    def restore_state(self, state: object) -> None:
        if not isinstance(state, dict):
            return
        self.list.search.setText(state["search"])
        self.list.kind.setCurrentIndex(state["kind"])
        self.list.status.setCurrentIndex(state["status"])
        self.list.mine.setChecked(state["mine"])
        self._pending_worker = state["worker"]
        self._select_pending_worker()
        for case_id, tab in state["cases"]:
            self.open_case(case_id).show_tab(tab)
        self.tabs.setCurrentIndex(min(state["current"], self.tabs.count() - 1))
        self._apply_filters()

    def _select_pending_worker(self) -> None:
        index = data_index(self.list.worker, self._pending_worker)
        if self._pending_worker is not None and index >= 0:
            self.list.worker.setCurrentIndex(index)
            self._pending_worker = None

    def clear(self) -> None:
        self.model.clear()
        self.list.search.clear()
        self._debounce.stop()  # emptying the box is not a search (the workspace is locking)
        while self.tabs.count() > 1:
            widget = self.tabs.widget(1)
            self.tabs.removeTab(1)
            if widget is not None:
                widget.deleteLater()
