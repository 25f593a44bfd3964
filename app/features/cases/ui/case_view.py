"""One case, open in a tab: a header and the tabs every case shares.

All the case's data comes in one background call (:func:`load_bundle`, one transaction: see
:mod:`app.features.cases.services.case_file`); parts the signed-in role may not see come back as
``None`` and their tabs are left out, mirroring the services' own refusal.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.features.admin.services.attachments import AttachmentView
from app.features.cases.services import case_file as case_workspace
from app.features.cases.services import cases
from app.features.cases.services.case_file import CaseBundle
from app.features.cases.services.meetings import MeetingView
from app.features.cases.services.needs import NeedView
from app.features.cases.services.relations import RelationshipView
from app.features.cases.services.tasks import TaskView
from app.features.cases.ui.host import CaseHost
from app.features.consent.services import consent
from app.features.consent.services.referrals import ReferralView
from app.kernel.changes import Changes
from app.kernel.i18n import N_, _
from app.kernel.i18n_formats import number
from app.kernel.labels import audit_action_label, audit_fields_label, label
from app.services.audit_log import AuditRow
from app.services.context import ServiceContext
from app.ui_kit.navigator import Navigator
from app.ui_kit.operations import ChangeBus, Operations
from app.ui_kit.style import KIND_COLOURS, STATUS_COLOURS
from app.ui_kit.tables import DUE_COLUMN, Column, ListTable, elide
from app.ui_kit.widgets import banner, show_date, show_datetime

NEED_COLUMNS: tuple[Column[NeedView], ...] = (
    Column(N_("Need"), lambda n: label(n.domain)),
    Column(N_("Status"), lambda n: label(n.status)),
    Column(N_("Identified"), lambda n: show_date(n.identified_on)),
    Column(N_("Met"), lambda n: show_date(n.met_on)),
    Column(N_("Notes"), lambda n: elide(n.notes)),
)
MEETING_COLUMNS: tuple[Column[MeetingView], ...] = (
    Column(N_("When"), lambda m: show_datetime(m.occurred_at)),
    Column(N_("Kind"), lambda m: label(m.kind)),
    Column(N_("Minutes"), lambda m: str(m.duration_minutes)),
    Column(N_("Recorded by"), lambda m: m.recorded_by_name or ""),
    Column(
        N_("Summary"),
        lambda m: _("(not shown for your role)") if m.summary_hidden else elide(m.summary),
    ),
)
TASK_COLUMNS: tuple[Column[TaskView], ...] = (
    Column(N_("Task"), lambda t: t.title, stretch=True),
    DUE_COLUMN,
    Column(N_("Assigned to"), lambda t: t.assignee_name or ""),
    Column(N_("Done"), lambda t: _("Done") if t.done else ""),
)
REFERRAL_COLUMNS: tuple[Column[ReferralView], ...] = (
    Column(N_("Organisation"), lambda r: r.organisation_name),
    Column(N_("Need"), lambda r: label(r.need_domain) if r.need_domain else ""),
    Column(N_("Status"), lambda r: label(r.status)),
    Column(N_("Sent"), lambda r: show_date(r.sent_on)),
    Column(N_("Outcome"), lambda r: elide(r.outcome)),
)
DOCUMENT_COLUMNS: tuple[Column[AttachmentView], ...] = (
    Column(N_("File"), lambda d: d.filename, stretch=True),
    Column(N_("Size"), lambda d: _("{kb} kB").format(kb=number(max(1, d.size // 1024)))),
    Column(N_("Added"), lambda d: show_datetime(d.created_at)),
    Column(N_("By"), lambda d: d.created_by_name or ""),
)
PEOPLE_COLUMNS: tuple[Column[RelationshipView], ...] = (
    Column(N_("Name"), lambda p: p.other_name, stretch=True),
    Column(N_("Relation"), lambda p: label(p.kind)),
    Column(N_("Lives together"), lambda p: _("Yes") if p.lives_together else ""),
    Column(N_("Caregiver"), lambda p: _("Yes") if p.is_caregiver else ""),
)


def load_bundle(ctx: ServiceContext, case_id: uuid.UUID) -> CaseBundle:
    """Runs on the database thread: everything one case workspace shows."""
    return case_workspace.open_workspace(ctx, case_id)


class CaseHeader(QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("caseHeaderTitle")
        top.addWidget(self.title)
        self.kind = QLabel()
        self.status = QLabel()
        top.addWidget(self.kind)
        top.addWidget(self.status)
        top.addStretch(1)
        layout.addLayout(top)
        self.details = QLabel()
        self.details.setWordWrap(True)
        layout.addWidget(self.details)
        self.warning = banner("")
        # Once shown, its room stays when it goes (consent recorded): the tabs below must not
        # jump up under the user's pointer.
        policy = self.warning.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.warning.setSizePolicy(policy)
        self.warning.hide()
        layout.addWidget(self.warning)

    def show_consent(self, status: consent.ConsentStatus | None) -> None:
        """The consent warning under the header (missing, withdrawn, expiring soon)."""
        from app.features.consent.ui.consent import consent_warning

        text = consent_warning(status)
        self.warning.setText(text or "")
        self.warning.setVisible(text is not None)

    def show_case(self, case: cases.CaseView) -> None:
        self.title.setText(f"{case.client_name} · {case.reference}")
        for target, value, colour in (
            (self.kind, label(case.kind), KIND_COLOURS[case.kind]),
            (self.status, label(case.status), STATUS_COLOURS[case.status]),
        ):
            target.setText(value)
            target.setStyleSheet(
                f"background:{colour};color:white;border-radius:8px;padding:2px 8px;"
            )
        parts = [
            _("Worker: {name}").format(name=case.worker_name or _("none")),
            _("Volunteer: {name}").format(name=case.volunteer_name or _("none")),
        ]
        if case.institution_name:
            parts.append(_("Institution: {name}").format(name=case.institution_name))
        if case.custody_status:
            parts.append(_("Custody: {status}").format(status=label(case.custody_status)))
        if case.expected_release and not case.actual_release:
            parts.append(
                _("Expected release: {date}").format(date=show_date(case.expected_release))
            )
        if case.actual_release:
            parts.append(_("Released: {date}").format(date=show_date(case.actual_release)))
        self.details.setText("   ·   ".join(parts))

    def clear(self) -> None:
        for widget in (self.title, self.kind, self.status, self.details, self.warning):
            widget.clear()
        self.warning.hide()


class OverviewTab(QWidget):
    def __init__(self, workspace: CaseWorkspace) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.edit = QPushButton(_("Edit case…"))
        self.change_status = QPushButton(_("Change status…"))
        buttons.addWidget(self.edit)
        buttons.addWidget(self.change_status)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(1, 1)
        self.grid.setHorizontalSpacing(18)
        layout.addLayout(self.grid)
        self.open_needs = QLabel()
        self.open_needs.setWordWrap(True)
        layout.addWidget(self.open_needs)
        layout.addStretch(1)
        self.edit.clicked.connect(workspace.edit_case)
        self.change_status.clicked.connect(workspace.change_status)
        self._labels: list[QLabel] = []

    def show_bundle(self, bundle: CaseBundle, can_edit: bool) -> None:
        self.clear()
        case = bundle.case
        rows = [
            (_("Reference"), case.reference),
            (_("Client"), case.client_name),
            (_("Opened"), show_date(case.opened_on)),
            (_("Priority"), label(case.priority)),
            (_("Referred by"), label(case.referral_source)),
            (_("Sentence started"), show_date(case.sentence_start)),
            (_("Offence category"), label(case.offence_category) if case.offence_category else ""),
            (_("Closed"), show_date(case.closed_on)),
            (_("Reason for closing"), label(case.close_reason)),
            (_("Summary"), case.summary or ""),
        ]
        if case.restricted_hidden:
            rows.append((_("Restricted details"), _("Not shown for your role.")))
        for r, (name, value) in enumerate(row for row in rows if row[1]):
            key, val = QLabel(name), QLabel(value)
            key.setStyleSheet("font-weight:600;")
            val.setWordWrap(True)
            self.grid.addWidget(key, r, 0)
            self.grid.addWidget(val, r, 1)
            self._labels += [key, val]
        open_needs = [n for n in bundle.needs if n.status.value in ("identified", "in_progress")]
        if open_needs:
            names = ", ".join(label(n.domain) for n in open_needs)
            self.open_needs.setText(_("Open needs: {names}").format(names=names))
        else:
            self.open_needs.setText(_("No open needs."))
        self.edit.setVisible(can_edit)
        self.change_status.setVisible(can_edit)

    def clear(self) -> None:
        for widget in self._labels:
            self.grid.removeWidget(widget)
            widget.deleteLater()
        self._labels = []
        self.open_needs.clear()


class CaseWorkspace(CaseHost):
    title_did_change = Signal(str)

    def __init__(
        self,
        ctx: ServiceContext,
        ops: Operations,
        bus: ChangeBus,
        navigator: Navigator,
        case_id: uuid.UUID,
    ) -> None:
        super().__init__(ctx, ops, bus, case_id)
        self.navigator = navigator
        self.bus.data_did_change.connect(self._on_change)
        self._wanted_tab: str | None = None
        layout = QVBoxLayout(self)
        self.header = CaseHeader()
        layout.addWidget(self.header)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.overview = OverviewTab(self)
        self.needs: ListTable[NeedView] = ListTable(
            NEED_COLUMNS,
            _("No needs recorded yet. Add the first with “Add need…”."),
            _("Needs"),
        )
        self.meetings: ListTable[MeetingView] = ListTable(
            MEETING_COLUMNS,
            _("No meetings yet. Record one with “Record meeting…”."),
            _("Meetings"),
        )
        self.tasks: ListTable[TaskView] = ListTable(
            TASK_COLUMNS,
            _("No tasks for this case. Add one with “Add task…”."),
            _("Tasks"),
        )
        self.referrals: ListTable[ReferralView] = ListTable(
            REFERRAL_COLUMNS, _("No referrals yet."), _("Referrals")
        )
        self.documents: ListTable[AttachmentView] = ListTable(
            DOCUMENT_COLUMNS,
            _("No documents. Add one with “Add document…”."),
            _("Documents"),
        )
        self.people: ListTable[RelationshipView] = ListTable(
            PEOPLE_COLUMNS,
            _("No family or other people linked to the client yet."),
            _("People"),
        )
        self.history: ListTable[AuditRow] = ListTable(
            (
                Column(N_("When"), lambda h: show_datetime(h.occurred_at)),
                Column(N_("Who"), lambda h: self._who(h.user_id)),
                Column(N_("What"), lambda h: audit_action_label(h.action)),
                Column(N_("Fields"), lambda h: audit_fields_label(h.entity_type, h.fields)),
            ),
            _("No history yet."),
            _("History"),
        )
        from app.features.cases.ui.tabs import actions_for

        self._tab_pages: dict[str, QWidget] = {
            "overview": self.overview,
            "needs": actions_for(self, "needs", self.needs),
            "meetings": actions_for(self, "meetings", self.meetings),
            "tasks": actions_for(self, "tasks", self.tasks),
            "referrals": actions_for(self, "referrals", self.referrals),
            "documents": actions_for(self, "documents", self.documents),
            "people": self.people,
            "history": self.history,
        }
        self._kind_tabs: dict[str, QWidget] = {}
        self._tab_titles = {
            "overview": _("Overview"),
            "needs": _("Needs"),
            "meetings": _("Meetings"),
            "tasks": _("Tasks"),
            "referrals": _("Referrals"),
            "documents": _("Documents"),
            "people": _("People"),
            "history": _("History"),
        }
        self.reload()

    # -- data --

    def tab_title(self) -> str:
        if self.bundle is None:
            return ""
        return f"{self.bundle.case.reference} · {self.bundle.case.client_name}"

    def _on_change(self, changes: Changes) -> None:
        if changes.touches_case(self.case_id):  # never for another case's data
            self.reload()

    def reload(self) -> None:
        ctx, case_id = self.ctx, self.case_id
        self.ops.run(lambda: load_bundle(ctx, case_id), self.show_bundle, key=f"case-{case_id}")

    def show_bundle(self, bundle: CaseBundle) -> None:
        self.bundle = bundle
        case = bundle.case
        self.header.show_case(case)
        self.header.show_consent(bundle.consent)
        self.title_did_change.emit(self.tab_title())
        self.overview.show_bundle(bundle, self.can_edit)
        self.needs.set_rows(bundle.needs)
        self.meetings.set_rows(bundle.meetings)
        self.tasks.set_rows(bundle.tasks)
        self._fill_optional(bundle)
        self._sync_tabs(bundle)

    def _fill_optional(self, bundle: CaseBundle) -> None:
        if bundle.referrals is not None:
            self.referrals.set_rows(bundle.referrals)
        if bundle.documents is not None:
            self.documents.set_rows(bundle.documents)
        if bundle.people is not None:
            self.people.set_rows(bundle.people)
        if bundle.history is not None:
            self.history.set_rows(bundle.history)

    def _who(self, user_id: uuid.UUID | None) -> str:
        return self.navigator.user_name(user_id)

    def _sync_tabs(self, bundle: CaseBundle) -> None:
        if not self._kind_tabs:
            from app.features.cases.ui.kind_tabs import tabs_for

            for spec in tabs_for(bundle.case.kind, volunteer=not self.can_edit):
                self._kind_tabs[spec.key] = spec.make(self)
                self._tab_titles[spec.key] = spec.title()
        for tab in self._kind_tabs.values():
            tab.load(bundle.case)  # type: ignore[attr-defined]
        keys = [key for key in self._tab_pages if getattr(bundle, key, True) is not None]
        keys[1:1] = list(self._kind_tabs)  # kind-specific tabs right after Overview
        pages = {**self._tab_pages, **self._kind_tabs}
        current = self.tabs.currentWidget()
        wanted = [pages[k] for k in keys]
        if [self.tabs.widget(i) for i in range(self.tabs.count())] != wanted:
            self.tabs.clear()
            for key in keys:
                self.tabs.addTab(pages[key], self._tab_titles[key])
            if current in wanted:
                self.tabs.setCurrentWidget(current)
        if self._wanted_tab is not None and self._tab_pages[self._wanted_tab] in wanted:
            self.tabs.setCurrentWidget(self._tab_pages[self._wanted_tab])
            self._wanted_tab = None

    def current_tab(self) -> str:
        """The key of the tab on top ("overview", "needs"…)."""
        current = self.tabs.currentWidget()
        return next((k for k, w in self._tab_pages.items() if w is current), "overview")

    def show_tab(self, key: str) -> None:
        """Bring a tab to the top, now or as soon as the case has loaded."""
        page = self._tab_pages.get(key)
        if page is None:
            return
        if self.tabs.indexOf(page) >= 0:
            self.tabs.setCurrentWidget(page)
        else:
            self._wanted_tab = key

    # -- actions (dialogs live in app.features.cases.ui.dialogs) --

    def edit_case(self) -> None:
        from app.features.cases.ui.dialogs import EditCaseDialog

        if self.bundle:
            EditCaseDialog.edit(self, self.ctx, self.ops, self.bundle.case)

    def change_status(self) -> None:
        from app.features.cases.ui.dialogs import StatusDialog

        if self.bundle:
            StatusDialog.change(self, self.ctx, self.ops, self.bundle.case)

    def clear(self) -> None:
        self.bundle = None
        self.header.clear()
        self.overview.clear()
        for tab in self._kind_tabs.values():
            tab.clear()  # type: ignore[attr-defined]
        for table in (
            self.needs,
            self.meetings,
            self.tasks,
            self.referrals,
            self.documents,
            self.people,
            self.history,
        ):
            table.set_rows([])
