"""Today: my tasks due and overdue, my meetings this week, the cases I looked at recently."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QGroupBox, QVBoxLayout

from app.features.cases.services.case_list import CaseRow
from app.features.cases.services.meetings import MeetingRow
from app.features.cases.services.tasks import TaskView
from app.features.release.services.releases import UpcomingRelease
from app.features.release.ui.page import RELEASE_COLUMNS
from app.features.today.services import today
from app.kernel.changes import Topic
from app.kernel.i18n import N_, _
from app.kernel.labels import label
from app.services.context import ServiceContext
from app.ui_kit.navigator import Navigator
from app.ui_kit.operations import ChangeBus, Operations
from app.ui_kit.page_base import Page
from app.ui_kit.tables import DUE_COLUMN, Column, ListTable
from app.ui_kit.widgets import show_datetime, title

TASK_COLUMNS: tuple[Column[TaskView], ...] = (
    Column(N_("Task"), lambda t: t.title, stretch=True),
    DUE_COLUMN,
    Column(
        N_("Case"),
        lambda t: f"{t.case_reference} · {t.client_name}" if t.case_reference else "",
        stretch=True,
    ),
)
MEETING_COLUMNS: tuple[Column[MeetingRow], ...] = (
    Column(N_("When"), lambda m: show_datetime(m.occurred_at)),
    Column(N_("Client"), lambda m: m.client_name, stretch=True),
    Column(N_("Kind"), lambda m: label(m.kind)),
)
RECENT_COLUMNS: tuple[Column[CaseRow], ...] = (
    Column(N_("Case"), lambda c: c.reference),
    Column(N_("Client"), lambda c: c.client_name, stretch=True),
    Column(N_("Status"), lambda c: label(c.status)),
)


def _group(text: str, table: ListTable[Any]) -> QGroupBox:
    box = QGroupBox(text)
    layout = QVBoxLayout(box)
    layout.addWidget(table)
    return box


class TodayPage(Page):
    topics = frozenset({Topic.TASKS, Topic.MEETINGS, Topic.CASES})

    def __init__(
        self, ctx: ServiceContext, ops: Operations, bus: ChangeBus, navigator: Navigator
    ) -> None:
        super().__init__(ctx, ops, bus, navigator)
        layout = QVBoxLayout(self)
        actor = self.ctx.require_actor()
        layout.addWidget(title(_("Good to see you, {name}").format(name=actor.display_name)))
        grid = QGridLayout()
        layout.addLayout(grid, 1)
        self.tasks: ListTable[TaskView] = ListTable(
            TASK_COLUMNS,
            _("Nothing due. Tasks you add, or follow-ups from meetings, show up here."),
            _("My tasks"),
            key=lambda t: t.case_id,
        )
        self.meetings: ListTable[MeetingRow] = ListTable(
            MEETING_COLUMNS,
            _("No meetings recorded this week. Open a case and choose “Record meeting…”."),
            _("My meetings this week"),
            key=lambda m: m.case_id,
        )
        self.recent: ListTable[CaseRow] = ListTable(
            RECENT_COLUMNS,
            _("Cases you open appear here, so you can get back to them quickly."),
            _("Recently viewed cases"),
            key=lambda c: c.id,
        )
        grid.addWidget(_group(_("My tasks: overdue, today and this week"), self.tasks), 0, 0, 2, 1)
        grid.addWidget(_group(_("My meetings this week"), self.meetings), 0, 1)
        grid.addWidget(_group(_("Recently viewed cases"), self.recent), 1, 1)
        # A volunteer sees every client they mentor, before and after release.
        self.releases: ListTable[UpcomingRelease] = ListTable(
            RELEASE_COLUMNS,
            _("You are not mentoring anyone at the moment.")
            if actor.is_volunteer
            else _("None of your clients is expected out in the next 90 days."),
            _("Upcoming releases"),
            key=lambda r: r.case_id,
        )
        releases_title = (
            _("The clients I mentor")
            if actor.is_volunteer
            else _("Upcoming releases: the next 90 days")
        )
        grid.addWidget(_group(releases_title, self.releases), 2, 0, 1, 2)
        # The task list has the most text (titles wrap); the lists on the right are short.
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        for table in (self.tasks, self.meetings, self.recent, self.releases):
            table.row_activated.connect(self._open)

    def reload(self) -> None:
        super().reload()
        ctx = self.ctx
        self.ops.run(lambda: today.today(ctx), self._show, key="today")

    def _show(self, view: today.TodayView) -> None:
        self.tasks.set_rows([*view.overdue, *view.due_today, *view.upcoming])
        self.meetings.set_rows(view.meetings_this_week)
        self.recent.set_rows(view.recent_cases)
        self.releases.set_rows(view.upcoming_releases)

    def _open(self, case_id: object) -> None:
        if case_id is not None:
            self.navigator.open_case(case_id)  # type: ignore[arg-type]

    def clear(self) -> None:
        for table in (self.tasks, self.meetings, self.recent, self.releases):
            table.set_rows([])
