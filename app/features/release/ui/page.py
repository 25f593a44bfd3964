"""Releases: everyone expected out in the next 90 days with their plan progress; for
coordinators also the clients still without a mentor and each volunteer's load."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.features.release.services import releases
from app.kernel.changes import Topic
from app.kernel.i18n import N_, _, ngettext
from app.kernel.i18n_formats import number
from app.services.context import ServiceContext
from app.ui_kit.navigator import Navigator
from app.ui_kit.operations import ChangeBus, Operations
from app.ui_kit.page_base import Page
from app.ui_kit.tables import Cell, Column, ListTable
from app.ui_kit.widgets import show_date, title, warn

NO_PLAN_COLOUR = "#b02a37"


@dataclass(frozen=True)
class ReleasesView:
    upcoming: list[releases.UpcomingRelease]
    without_mentor: list[releases.UpcomingRelease] | None
    volunteers: list[releases.VolunteerLoad] | None


def load_releases(ctx: ServiceContext, coordinator: bool) -> ReleasesView:
    """Runs on the database thread."""
    return ReleasesView(
        upcoming=releases.upcoming_releases(ctx),
        without_mentor=releases.clients_without_mentor(ctx) if coordinator else None,
        volunteers=releases.volunteer_capacity(ctx) if coordinator else None,
    )


def days_text(row: releases.UpcomingRelease) -> str:
    if row.days_left is None:
        return ""
    if row.days_left == 0:
        return _("today")
    return ngettext("in {n} day", "in {n} days", row.days_left).format(n=number(row.days_left))


def plan_cell(row: releases.UpcomingRelease) -> Cell:
    """Progress ("4 of 13"), or a warning sign *and* colour when there is no plan."""
    if not row.has_plan:
        return _("⚠ No plan"), NO_PLAN_COLOUR
    return _("{done} of {total}").format(done=number(row.plan_done), total=number(row.plan_total))


def release_when(row: releases.UpcomingRelease) -> str:
    if row.actual_release:
        return _("Released {date}").format(date=show_date(row.actual_release))
    if row.expected_release:
        return f"{show_date(row.expected_release)}\n({days_text(row)})"  # two short lines
    return ""


def room_cell(volunteer: releases.VolunteerLoad) -> Cell:
    if volunteer.free is None:
        return ""
    return (_("⚠ full"), NO_PLAN_COLOUR) if volunteer.full else number(volunteer.free)


UpcomingColumn = Column[releases.UpcomingRelease]
RELEASE: UpcomingColumn = Column(N_("Release"), release_when)
CLIENT: UpcomingColumn = Column(N_("Client"), lambda r: r.client_name, stretch=True)
PLAN: UpcomingColumn = Column(N_("Plan done"), plan_cell)
WORKER: UpcomingColumn = Column(N_("Worker"), lambda r: r.worker_name or "")
#: A release as Today shows it too.
RELEASE_COLUMNS: tuple[UpcomingColumn, ...] = (
    RELEASE,
    CLIENT,
    Column(N_("Case"), lambda r: r.reference),
    PLAN,
    Column(N_("Mentor"), lambda r: r.mentor_name or "—"),
)
VOLUNTEER_COLUMNS: tuple[Column[releases.VolunteerLoad], ...] = (
    Column(N_("Volunteer"), lambda v: v.name, stretch=True),
    Column(N_("Clients"), lambda v: number(v.load), narrow=True),
    Column(
        N_("Capacity"),
        lambda v: _("not set") if v.capacity is None else number(v.capacity),
        narrow=True,
    ),
    Column(N_("Room for"), room_cell, narrow=True),
)


def _group(text: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(text)
    layout = QVBoxLayout(box)
    for widget in widgets:
        layout.addWidget(widget)
    return box


class ReleasesPage(Page):
    topics = frozenset({Topic.CASES, Topic.TASKS, Topic.RELEASES, Topic.USERS})

    def __init__(
        self, ctx: ServiceContext, ops: Operations, bus: ChangeBus, navigator: Navigator
    ) -> None:
        super().__init__(ctx, ops, bus, navigator)
        self.coordinator = self.ctx.require_actor().role.value == "coordinator"
        layout = QVBoxLayout(self)
        heading = QHBoxLayout()
        heading.addWidget(title(_("Releases")))
        heading.addStretch(1)
        layout.addLayout(heading)
        grid = QGridLayout()
        layout.addLayout(grid, 1)
        self.upcoming: ListTable[releases.UpcomingRelease] = ListTable(
            (*RELEASE_COLUMNS, WORKER),
            _("Nobody is expected to be released in the next 90 days."),
            _("Upcoming releases"),
            key=lambda r: r.case_id,
        )
        grid.addWidget(_group(_("Upcoming releases: the next 90 days"), self.upcoming), 0, 0, 1, 2)
        # Half the page wide: no case column, so the names (what a coordinator matches a
        # mentor to) keep room in every language; a double-click opens the case.
        self.without_mentor: ListTable[releases.UpcomingRelease] = ListTable(
            (RELEASE, CLIENT, replace(PLAN, narrow=True), WORKER),
            _("Every client released in the next six months has a mentor."),
            _("Clients without a mentor"),
            key=lambda r: r.case_id,
        )
        self.volunteers: ListTable[releases.VolunteerLoad] = ListTable(
            VOLUNTEER_COLUMNS, _("No active volunteers."), _("Volunteers and their capacity")
        )
        self.set_capacity = QPushButton(_("Set capacity…"))
        self.set_capacity.clicked.connect(self._set_capacity)
        self.edit_templates = QPushButton(_("Plan templates…"))
        self.edit_templates.setVisible(self.coordinator)
        self.edit_templates.clicked.connect(self._edit_templates)
        heading.addWidget(self.edit_templates)
        bar = QWidget()
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.set_capacity)
        row.addStretch(1)
        if self.coordinator:
            grid.addWidget(
                _group(_("Clients without a mentor: the next six months"), self.without_mentor),
                1,
                0,
            )
            grid.addWidget(
                _group(_("Volunteers: who has room"), bar, self.volunteers),
                1,
                1,
            )
            grid.setRowStretch(0, 3)
            grid.setRowStretch(1, 2)
            grid.setColumnStretch(0, 3)  # the volunteers' short columns need less
            grid.setColumnStretch(1, 2)
        for table in (self.upcoming, self.without_mentor):
            table.row_activated.connect(self._open)

    def reload(self) -> None:
        super().reload()
        ctx, coordinator = self.ctx, self.coordinator
        self.ops.run(lambda: load_releases(ctx, coordinator), self._show, key="releases")

    def _show(self, view: ReleasesView) -> None:
        self.upcoming.set_rows(view.upcoming)
        if view.without_mentor is not None:
            self.without_mentor.set_rows(view.without_mentor)
        if view.volunteers is not None:
            self.volunteers.set_rows(view.volunteers)

    def _edit_templates(self) -> None:
        from app.features.release.ui.dialogs import TemplateDialog

        TemplateDialog.edit(self, self.ctx, self.ops)

    def _open(self, case_id: object) -> None:
        if case_id is not None:
            self.navigator.open_case(case_id)  # type: ignore[arg-type]

    def _set_capacity(self) -> None:
        volunteer = self.volunteers.selected()
        if not isinstance(volunteer, releases.VolunteerLoad):
            warn(self, _("Choose a volunteer in the list first."))
            return
        value, ok = QInputDialog.getInt(
            self,
            _("Set capacity"),
            _("How many clients can {name} mentor at once?").format(name=volunteer.name),
            volunteer.capacity if volunteer.capacity is not None else 2,
            0,
            50,
        )
        if not ok:
            return
        ctx = self.ctx
        self.ops.run(
            lambda: releases.set_mentor_capacity(ctx, volunteer.user_id, value),
            None,
            lambda exc: warn(self, str(exc)),
        )

    def clear(self) -> None:
        for table in (self.upcoming, self.without_mentor, self.volunteers):
            table.set_rows([])
