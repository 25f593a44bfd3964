"""Today: my tasks due and overdue, my meetings this week, the cases I looked at recently."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QVBoxLayout

from app.features.release.ui.page import release_cells
from app.features.today.services import today
from app.kernel.changes import Topic
from app.kernel.i18n import _
from app.kernel.labels import label
from app.services.context import ServiceContext
from app.ui_kit.navigator import Navigator
from app.ui_kit.operations import ChangeBus, Operations
from app.ui_kit.page_base import Page
from app.ui_kit.tables import ListTable
from app.ui_kit.widgets import overdue_cell, show_date, show_datetime, title


def _group(text: str, table: ListTable) -> QGroupBox:
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
        self.tasks = ListTable(
            [_("Task"), _("Due"), _("Case")],
            _("Nothing due. Tasks you add, or follow-ups from meetings, show up here."),
            _("My tasks"),
            stretch=(0, 2),
        )
        self.meetings = ListTable(
            [_("When"), _("Client"), _("Kind")],
            _("No meetings recorded this week. Open a case and choose “Record meeting…”."),
            _("My meetings this week"),
            stretch=1,
        )
        self.recent = ListTable(
            [_("Case"), _("Client"), _("Status")],
            _("Cases you open appear here, so you can get back to them quickly."),
            _("Recently viewed cases"),
            stretch=1,
        )
        grid.addWidget(_group(_("My tasks: overdue, today and this week"), self.tasks), 0, 0, 2, 1)
        grid.addWidget(_group(_("My meetings this week"), self.meetings), 0, 1)
        grid.addWidget(_group(_("Recently viewed cases"), self.recent), 1, 1)
        # A volunteer sees every client they mentor, before and after release.
        self.releases = ListTable(
            [_("Release"), _("Client"), _("Case"), _("Plan done"), _("Mentor")],
            _("You are not mentoring anyone at the moment.")
            if actor.is_volunteer
            else _("None of your clients is expected out in the next 90 days."),
            _("Upcoming releases"),
            stretch=1,
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
        rows = []
        for task in [*view.overdue, *view.due_today, *view.upcoming]:
            due = overdue_cell(task.due_on) if task.overdue else show_date(task.due_on)
            case = f"{task.case_reference} · {task.client_name}" if task.case_reference else ""
            rows.append(([task.title, due, case], task.case_id))
        self.tasks.set_rows(rows)
        self.meetings.set_rows(
            [
                ([show_datetime(m.occurred_at), m.client_name, label(m.kind)], m.case_id)
                for m in view.meetings_this_week
            ]
        )
        self.recent.set_rows(
            [([c.reference, c.client_name, label(c.status)], c.id) for c in view.recent_cases]
        )
        self.releases.set_rows([(release_cells(r), r.case_id) for r in view.upcoming_releases])

    def _open(self, case_id: object) -> None:
        if case_id is not None:
            self.navigator.open_case(case_id)  # type: ignore[arg-type]

    def clear(self) -> None:
        for table in (self.tasks, self.meetings, self.recent, self.releases):
            table.set_rows([])
