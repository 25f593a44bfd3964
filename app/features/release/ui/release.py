"""The "Release plan" tab of a release-support case: the plan and its progress, the needs
still open before release, the custody history and the mentor."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.features.cases.services import custody, needs
from app.features.cases.services.cases import CaseView
from app.features.cases.ui.host import CaseHost
from app.features.cases.ui.kind_tabs import CaseTab, TabSpec, register
from app.features.release.services import release_plans
from app.features.release.ui.dialogs import (
    CustodyDialog,
    MentorDialog,
    MoveReleaseDialog,
    StartPlanDialog,
    offset_text,
)
from app.kernel.i18n import N_, _, ngettext
from app.kernel.i18n_formats import number
from app.kernel.labels import label
from app.models.enums import CaseKind, NeedStatus
from app.services.context import ServiceContext
from app.ui_kit.tables import DUE_COLUMN, Column, ListTable, elide
from app.ui_kit.widgets import button_row, show_date

_OPEN_NEEDS = (NeedStatus.IDENTIFIED, NeedStatus.IN_PROGRESS)


@dataclass(frozen=True)
class ReleaseBundle:
    plan: release_plans.PlanView | None
    custody: list[custody.CustodyEventView]
    open_needs: list[needs.NeedView]


def load_release(ctx: ServiceContext, case_id: uuid.UUID) -> ReleaseBundle:
    """Runs on the database thread: what the release tab shows."""
    return ReleaseBundle(
        plan=release_plans.plan_for_case(ctx, case_id),
        custody=custody.custody_history(ctx, case_id),
        open_needs=[n for n in needs.list_case_needs(ctx, case_id) if n.status in _OPEN_NEEDS],
    )


def progress_text(done: int, total: int) -> str:
    return ngettext("{done} of {total} task done", "{done} of {total} tasks done", total).format(
        done=number(done), total=number(total)
    )


TASK_COLUMNS: tuple[Column[release_plans.PlanTaskView], ...] = (
    Column(N_("Task"), lambda t: t.title, stretch=True),
    DUE_COLUMN,
    Column(N_("When"), lambda t: offset_text(t.offset_days)),
    Column(N_("Done"), lambda t: _("✓ Done") if t.done else ""),
    Column(N_("Assigned to"), lambda t: t.assignee_name or ""),
)
NEED_COLUMNS: tuple[Column[needs.NeedView], ...] = (
    Column(N_("Need"), lambda n: label(n.domain), stretch=True),
    Column(N_("Status"), lambda n: label(n.status)),
    Column(N_("Identified"), lambda n: show_date(n.identified_on)),
)
CUSTODY_COLUMNS: tuple[Column[custody.CustodyEventView], ...] = (
    Column(N_("From"), lambda e: show_date(e.on)),
    Column(N_("Custody status"), lambda e: label(e.status)),
    Column(N_("Notes"), lambda e: elide(e.notes, 80)),
)


def _group(text: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(text)
    QVBoxLayout(box).addWidget(widget)
    return box


class ReleasePlanTab(CaseTab):
    def __init__(self, workspace: CaseHost) -> None:
        super().__init__(workspace)
        self.bundle: ReleaseBundle | None = None
        self.start_button = QPushButton(_("Start a plan…"))
        self.start_button.setProperty("primary", True)
        self.move_button = QPushButton(_("Move release date…"))
        self.custody_button = QPushButton(_("Record custody change…"))
        self.mentor_button = QPushButton(_("Choose mentor…"))
        buttons = (self.start_button, self.move_button, self.custody_button, self.mentor_button)
        self.for_editors(*buttons)
        self.column.addLayout(button_row(*buttons))
        summary = QHBoxLayout()
        texts = QVBoxLayout()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("releaseSummary")
        self.mentor_label = QLabel()
        self.mentor_label.setWordWrap(True)
        texts.addWidget(self.summary)
        texts.addWidget(self.mentor_label)
        summary.addLayout(texts, 1)
        self.progress = QProgressBar()
        self.progress.setFixedWidth(280)
        self.progress.setTextVisible(True)
        summary.addWidget(self.progress)
        self.column.addLayout(summary)
        self.tasks: ListTable[release_plans.PlanTaskView] = ListTable(
            TASK_COLUMNS,
            _("No release plan yet. Choose “Start a plan…” to make one from a template."),
            _("Release plan"),
        )
        self.column.addWidget(self.tasks, 3)
        grid = QGridLayout()
        self.needs: ListTable[needs.NeedView] = ListTable(
            NEED_COLUMNS,
            _("No open needs. Add needs on the Needs tab."),
            _("Still open before release"),
        )
        self.history: ListTable[custody.CustodyEventView] = ListTable(
            CUSTODY_COLUMNS, _("No custody changes recorded yet."), _("Custody history")
        )
        grid.addWidget(_group(_("Still open before release"), self.needs), 0, 0)
        grid.addWidget(_group(_("Custody history"), self.history), 0, 1)
        self.column.addLayout(grid, 2)
        self.start_button.clicked.connect(self._start)
        self.move_button.clicked.connect(self._move)
        self.custody_button.clicked.connect(self._custody)
        self.mentor_button.clicked.connect(self._mentor)

    # -- KindTab --

    def load(self, case: CaseView) -> None:
        self.case = case
        ctx, case_id = self.ws.ctx, case.id
        self.ws.ops.run(lambda: load_release(ctx, case_id), self._show, key=f"release-{case_id}")

    def clear(self) -> None:
        self.case = self.bundle = None
        self.summary.clear()
        self.mentor_label.clear()
        self.progress.reset()
        for table in (self.tasks, self.needs, self.history):
            table.set_rows([])

    # -- showing --

    def _show(self, bundle: ReleaseBundle) -> None:
        case = self.case
        if case is None:  # locked meanwhile
            return
        self.bundle = bundle
        plan = bundle.plan
        self.start_button.setVisible(self.ws.can_edit and plan is None)  # one plan per case
        self.summary.setText(self._summary_text(case, plan))
        self.progress.setVisible(plan is not None)
        if plan is not None:
            self.progress.setRange(0, max(1, plan.total))
            self.progress.setValue(plan.done)
            self.progress.setFormat(progress_text(plan.done, plan.total))
        self.tasks.set_rows(plan.tasks if plan else ())
        self.needs.set_rows(bundle.open_needs)
        self.history.set_rows(reversed(bundle.custody))
        self.mentor_label.setText(
            _("Mentor: {name}").format(name=case.volunteer_name)
            if case.volunteer_name
            else _("No mentor yet. Match a volunteer before release with “Choose mentor…”.")
        )

    def _summary_text(self, case: CaseView, plan: release_plans.PlanView | None) -> str:
        parts = []
        if case.actual_release:
            parts.append(_("Released on {date}").format(date=show_date(case.actual_release)))
        elif case.expected_release:
            parts.append(
                _("Expected release: {date}").format(date=show_date(case.expected_release))
            )
        else:
            parts.append(_("No expected release date yet: enter it to plan the release"))
        if plan is not None:
            parts.append(
                _("Plan “{template}”, started {date}").format(
                    template=plan.template_label, date=show_date(plan.started_on)
                )
            )
            if plan.next_due is not None:
                parts.append(
                    _("Next: {task}, {date}").format(
                        task=plan.next_due.title, date=show_date(plan.next_due.due_on)
                    )
                )
        return "   ·   ".join(parts)

    # -- actions --

    def _start(self) -> None:
        if self.case:
            StartPlanDialog.start(self, self.ws.ctx, self.ws.ops, self.case.id)

    def _move(self) -> None:
        case = self.case
        if case:
            MoveReleaseDialog.ask(self, self.ws.ctx, self.ws.ops, case.id, case.expected_release)

    def _custody(self) -> None:
        if self.case:
            CustodyDialog.record(self, self.ws.ctx, self.ws.ops, self.case.id)

    def _mentor(self) -> None:
        case = self.case
        if case:
            MentorDialog.choose(self, self.ws.ctx, self.ws.ops, case.id, case.volunteer_name)


register(
    TabSpec(
        key="release",
        title=lambda: _("Release plan"),
        kinds=frozenset({CaseKind.RELEASE_SUPPORT}),
        make=ReleasePlanTab,
    )
)
