"""Admin (coordinators): users and roles, the audit trail, settings and integrity checks,
backups, clients' rights (subject access, erasure, retention) and import."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.features.admin.services import users
from app.features.admin.ui.backups_page import BackupsTab
from app.features.directory.ui.page import DirectoryTab
from app.features.importing.ui.page import ImportTab
from app.features.privacy.ui.rights_page import RightsTab
from app.kernel.changes import Topic
from app.kernel.i18n import N_, _, ngettext
from app.kernel.i18n_formats import number
from app.kernel.labels import audit_action_label, audit_fields_label, label, record_type_label
from app.models.enums import Role
from app.services import audit_log
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.ui_kit.navigator import Navigator
from app.ui_kit.operations import ChangeBus, Operations
from app.ui_kit.page_base import Page
from app.ui_kit.tables import Column, ListTable
from app.ui_kit.widgets import show_datetime, title, warn

USER_COLUMNS: tuple[Column[users.UserRow], ...] = (
    Column(N_("Name"), lambda r: r.display_name),
    Column(N_("User name"), lambda r: r.username),
    Column(N_("Role"), lambda r: label(r.role)),
    Column(N_("Active"), lambda r: _("Yes") if r.active else _("No")),
    Column(N_("Last sign-in"), lambda r: show_datetime(r.last_sign_in_at)),
)


class AdminPage(Page):
    topics = frozenset({Topic.USERS})

    def __init__(
        self, ctx: ServiceContext, ops: Operations, bus: ChangeBus, navigator: Navigator
    ) -> None:
        super().__init__(ctx, ops, bus, navigator)
        layout = QVBoxLayout(self)
        layout.addWidget(title(_("Admin")))
        tabs = QTabWidget()
        layout.addWidget(tabs, 1)
        tabs.addTab(self._users_tab(), _("Users"))
        self.directory = DirectoryTab(self.ctx, self.ops, self.bus)
        tabs.addTab(self.directory, _("Directory"))
        tabs.addTab(self._audit_tab(), _("Audit trail"))
        tabs.addTab(self._settings_tab(), _("Settings and checks"))
        self.backups = BackupsTab(self.ctx, self.ops)
        self.rights = RightsTab(self.ctx, self.ops, self.bus)
        self.importer = ImportTab(self.ctx, self.ops, self.bus)
        tabs.addTab(self.backups, _("Backups"))
        tabs.addTab(self.rights, _("Clients' rights"))
        tabs.addTab(self.importer, _("Import"))
        self.tabs = tabs

    # -- users --

    def _users_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        add = QPushButton(_("Add user…"))
        reset = QPushButton(_("Reset password…"))
        role = QPushButton(_("Change role…"))
        active = QPushButton(_("Deactivate / reactivate"))
        for button in (add, reset, role, active):
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.users: ListTable[users.UserRow] = ListTable(USER_COLUMNS, _("No users."), _("Users"))
        layout.addWidget(self.users, 1)
        add.clicked.connect(self._add_user)
        reset.clicked.connect(self._reset)
        role.clicked.connect(self._change_role)
        active.clicked.connect(self._toggle_active)
        return page

    def _selected_user(self) -> users.UserRow | None:
        row = self.users.selected()
        if row is None:
            warn(self, _("Choose a user in the list first."))
        return row  # type: ignore[no-any-return]

    def _done(self, _value: object = None) -> None:
        """Saved: the service said what changed, and the screens reload from that."""

    def _failed(self, exc: BaseException) -> None:
        warn(self, str(exc))

    def _add_user(self) -> None:
        from app.features.admin.ui.user_dialog import NewUserDialog

        if NewUserDialog.ask(self, self.ctx, self.ops):
            self._done()

    def _reset(self) -> None:
        row = self._selected_user()
        if row is None:
            return
        password, ok = QInputDialog.getText(
            self,
            _("Reset password"),
            _("A temporary password for {name} (they must change it when they sign in):").format(
                name=row.display_name
            ),
            QLineEdit.EchoMode.Password,
        )
        if ok:
            ctx = self.ctx
            self.ops.run(
                lambda: users.reset_password(ctx, row.id, password), self._done, self._failed
            )

    def _change_role(self) -> None:
        row = self._selected_user()
        if row is None:
            return
        names = [label(r) for r in Role]
        choice, ok = QInputDialog.getItem(
            self,
            _("Change role"),
            _("New role for {name}:").format(name=row.display_name),
            names,
            list(Role).index(row.role),
            False,
        )
        if ok:
            role = list(Role)[names.index(choice)]
            ctx = self.ctx
            self.ops.run(lambda: users.change_role(ctx, row.id, role), self._done, self._failed)

    def _toggle_active(self) -> None:
        row = self._selected_user()
        if row is None:
            return
        ctx = self.ctx
        self.ops.run(
            lambda: users.set_active(ctx, row.id, not row.active), self._done, self._failed
        )

    # -- audit --

    def _audit_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.audit: ListTable[audit_log.AuditRow] = ListTable(
            (
                Column(N_("When"), lambda r: show_datetime(r.occurred_at)),
                Column(N_("Who"), lambda r: self.navigator.user_name(r.user_id)),
                Column(N_("What"), lambda r: audit_action_label(r.action)),
                Column(N_("Record"), lambda r: record_type_label(r.entity_type)),
                Column(N_("Fields"), lambda r: audit_fields_label(r.entity_type, r.fields)),
            ),
            _("No events yet."),
            _("Audit trail"),
        )
        refresh = QPushButton(_("Refresh"))
        refresh.clicked.connect(self._load_audit)
        layout.addWidget(refresh)
        layout.addWidget(self.audit, 1)
        return page

    def _load_audit(self) -> None:
        ctx = self.ctx
        self.ops.run(lambda: audit_log.list_events(ctx, limit=500), self._show_audit, key="audit")

    def _show_audit(self, rows: list[audit_log.AuditRow]) -> None:
        self.audit.set_rows(rows)

    # -- settings and checks --

    def _settings_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Lock Homeward after this many idle minutes:")))
        self.idle = QSpinBox()
        self.idle.setRange(1, 240)
        self.idle.setAccessibleName(_("Idle minutes before locking"))
        row.addWidget(self.idle)
        save = QPushButton(_("Save"))
        row.addWidget(save)
        row.addStretch(1)
        layout.addLayout(row)
        check = QPushButton(_("Check the database and audit trail"))
        self.check_result = QLabel()
        self.check_result.setWordWrap(True)
        layout.addWidget(check)
        layout.addWidget(self.check_result)
        layout.addStretch(1)
        save.clicked.connect(self._save_idle)
        check.clicked.connect(self._check)
        return page

    def _save_idle(self) -> None:
        ctx, minutes = self.ctx, self.idle.value()
        self.ops.run(lambda: ws.set_idle_lock_minutes(ctx, minutes), self._idle_saved, self._failed)

    def _idle_saved(self, _value: object) -> None:
        self.navigator.set_idle_minutes(self.idle.value())

    def _check(self) -> None:
        ctx = self.ctx
        self.check_result.setText(_("Checking…"))
        self.ops.run(
            lambda: ws.verify(ctx), self._checked, self._failed, label=_("Checking the database…")
        )

    def _checked(self, report: ws.IntegrityReport) -> None:
        if report.ok:
            events = report.audit.events
            text = ngettext(
                "All checks passed: encryption, database structure and audit trail ({n} event).",
                "All checks passed: encryption, database structure and audit trail ({n} events).",
                events,
            ).format(n=number(events))
        else:
            text = _("Problems found: {problems}. Restore from a backup.").format(
                problems="; ".join(report.problems)
            )
            QMessageBox.critical(self, _("Homeward"), text)
        self.check_result.setText(text)

    # -- page --

    def reload(self) -> None:
        super().reload()
        ctx = self.ctx
        self.ops.run(lambda: users.list_users(ctx), self._show_users, key="admin-users")
        self.ops.run(lambda: ws.idle_lock_minutes(ctx), self.idle.setValue)
        self._load_audit()
        self.backups.reload()
        self.rights.reload()
        self.directory.reload()

    def _show_users(self, rows: list[users.UserRow]) -> None:
        self.users.set_rows(rows)

    def clear(self) -> None:
        self.users.set_rows([])
        self.audit.set_rows([])
        self.check_result.clear()
        self.backups.clear()
        self.rights.clear()
        self.importer.clear()
        self.directory.clear()
