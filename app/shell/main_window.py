"""The main window: a sidebar of pages, a status bar with who is signed in and a Lock button.

It owns nothing but layout: each page is its own class (a feature's ``ui/page.py``), declared once in
:mod:`app.shell.page_registry`, and gets the service context, the operations runner, the change
bus and this window as its :class:`app.ui_kit.navigator.Navigator` from here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QActionGroup, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.kernel.i18n import LANGUAGES, _, current_language
from app.kernel.labels import label
from app.models.enums import Role
from app.services.context import ServiceContext
from app.ui_kit import preferences
from app.ui_kit.language import LANGUAGE_NAMES
from app.ui_kit.operations import ChangeBus, Operations
from app.ui_kit.page_base import Page
from app.ui_kit.widgets import banner


@dataclass(frozen=True)
class WindowState:
    """What a rebuilt main window takes over from the old one (a language switch)."""

    page: str
    geometry: QByteArray
    pages: dict[str, object] = field(default_factory=dict)


class MainWindow(QMainWindow):
    lock_was_requested = Signal()
    idle_minutes_did_change = Signal(int)
    language_was_chosen = Signal(str)

    def __init__(
        self,
        ctx: ServiceContext,
        ops: Operations,
        bus: ChangeBus,
        *,
        organisation: str = "",
        user_names: dict[uuid.UUID, str] | None = None,
        notices: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """``notices``: (text, details) banners shown above the pages — a database opened
        read-only because it is damaged, a workspace in a sync or network folder."""
        super().__init__()
        self.ctx, self.ops, self.bus = ctx, ops, bus
        self._user_names = dict(user_names or {})
        actor = ctx.require_actor()
        self.setWindowTitle(
            _("Homeward — {organisation}").format(organisation=organisation)
            if organisation
            else _("Homeward")
        )
        body = QWidget()
        outer = QVBoxLayout(body)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        if ctx.demo:
            outer.addWidget(banner(_("Demo workspace: every person and case here is made up.")))
        self.notices: list[QLabel] = []
        for text, details in notices:
            notice = banner(text)
            notice.setToolTip(details)
            self.notices.append(notice)
            outer.addWidget(notice)
        row = QHBoxLayout()
        row.setSpacing(0)
        outer.addLayout(row, 1)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName(_("Pages"))
        self.sidebar.setFixedWidth(190)
        self.stack = QStackedWidget()
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self.pages: dict[str, Page] = {}
        self._build_pages(actor.role)
        self.sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.sidebar.setCurrentRow(0)

        status = self.statusBar()
        self.signed_in = QLabel(
            _("Signed in as {name} ({role})").format(
                name=actor.display_name, role=label(actor.role)
            )
        )
        status.addWidget(self.signed_in)
        self.busy = QLabel()
        status.addWidget(self.busy)
        self.lock_button = QPushButton(_("Lock"))
        self.lock_button.setToolTip(_("Lock Homeward now (Ctrl+L)"))
        self.lock_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogNoButton))
        self.lock_button.clicked.connect(self.lock_was_requested.emit)
        status.addPermanentWidget(self._language_button())
        status.addPermanentWidget(self.lock_button)
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self.lock_was_requested.emit)
        for number in range(min(9, self.sidebar.count())):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number + 1}"), self)
            shortcut.activated.connect(lambda n=number: self.sidebar.setCurrentRow(n))
        ops.busy_did_change.connect(self._busy)
        bus.follow(ops)  # what the services say they changed reaches every screen
        self._restore_geometry()

    def _build_pages(self, role: Role) -> None:
        # Imported here, not at the top: the pages bring the reports and PDF machinery, which
        # the sign-in window (shown before any main window) does not need to wait for.
        from app.shell.page_registry import pages_for

        for spec in pages_for(role):
            page = spec.make(self.ctx, self.ops, self.bus, self)
            page.setObjectName(f"page-{spec.key}")
            self.pages[spec.key] = page
            self.stack.addWidget(page)
            text = spec.title()
            item = QListWidgetItem(self.style().standardIcon(spec.icon), text)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
            self.sidebar.addItem(item)

    def _language_button(self) -> QToolButton:
        """The signed-in user's own language, in the status bar."""
        button = QToolButton()
        button.setObjectName("languageButton")
        button.setText(LANGUAGE_NAMES.get(current_language(), current_language()))
        button.setToolTip(_("The language Homeward uses for you"))
        button.setAccessibleName(_("Language"))
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        group = QActionGroup(button)
        for code in LANGUAGES:
            action = group.addAction(LANGUAGE_NAMES[code])
            action.setCheckable(True)
            action.setChecked(code == current_language())
            action.setData(code)
            button.addAction(action)
        group.triggered.connect(self._language_chosen)
        self.language_button = button
        return button

    def _language_chosen(self, action: object) -> None:
        code = action.data()  # type: ignore[attr-defined]
        if code != current_language():
            self.language_was_chosen.emit(code)

    def current_page(self) -> str:
        keys = list(self.pages)
        row = self.sidebar.currentRow()
        return keys[row] if 0 <= row < len(keys) else keys[0]

    def save_state(self) -> WindowState:
        pages = {key: page.save_state() for key, page in self.pages.items()}
        return WindowState(self.current_page(), self.saveGeometry(), pages)

    def restore_state(self, state: WindowState) -> None:
        self.restoreGeometry(state.geometry)
        for key, saved in state.pages.items():
            if key in self.pages and saved is not None:
                self.pages[key].restore_state(saved)
        if state.page in self.pages:
            self.show_page(state.page)

    def show_page(self, key: str) -> Page:
        page = self.pages[key]
        self.sidebar.setCurrentRow(list(self.pages).index(key))
        return page

    def open_case(self, case_id: uuid.UUID) -> QWidget:
        """Show the case in its tab (opening it if needed); returns the tab."""
        from app.features.cases.ui.page import CasesPage

        cases_page = self.show_page("cases")
        assert isinstance(cases_page, CasesPage)
        return cases_page.open_case(case_id)

    def user_name(self, user_id: uuid.UUID | None) -> str:
        if user_id is None:
            return ""
        return self._user_names.get(user_id, _("a former user"))

    def set_idle_minutes(self, minutes: int) -> None:
        self.idle_minutes_did_change.emit(minutes)

    def _busy(self, busy: bool, text: str) -> None:
        self.busy.setText((text or _("Working…")) if busy else "")

    # -- window state (harmless UI state only) --

    def _restore_geometry(self) -> None:
        saved = preferences.WINDOW_GEOMETRY.read()
        if saved is not None:
            self.restoreGeometry(saved)
        else:
            self.resize(1200, 780)

    def closeEvent(self, event: QCloseEvent) -> None:
        for page in self.pages.values():
            closer = getattr(page, "can_close", None)
            if closer is not None and not closer():
                event.ignore()
                return
        preferences.WINDOW_GEOMETRY.write(self.saveGeometry())
        super().closeEvent(event)

    def clear(self) -> None:
        """Forget every piece of client data on screen (locking)."""
        for page in self.pages.values():
            page.clear()
