"""Tasks: mine (or everyone's, for staff), with due dates and overdue highlighted."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QVBoxLayout

from app.features.cases.services import tasks
from app.features.cases.ui.record_dialogs import TaskDialog
from app.kernel.changes import Topic
from app.kernel.i18n import N_, _
from app.services.context import ServiceContext
from app.ui_kit.navigator import Navigator
from app.ui_kit.operations import ChangeBus, Operations
from app.ui_kit.page_base import Page
from app.ui_kit.tables import DUE_COLUMN, Column, ListTable
from app.ui_kit.widgets import title, warn


def case_cell(task: tasks.TaskView) -> str:
    return f"{task.case_reference} · {task.client_name}" if task.case_reference else ""


COLUMNS: tuple[Column[tasks.TaskView], ...] = (
    Column(N_("Task"), lambda t: t.title, stretch=True),
    DUE_COLUMN,
    Column(N_("Assigned to"), lambda t: t.assignee_name or ""),
    Column(N_("Case"), case_cell),
    Column(N_("Done"), lambda t: _("Done") if t.done else ""),
)


class TasksPage(Page):
    topics = frozenset({Topic.TASKS})

    def __init__(
        self, ctx: ServiceContext, ops: Operations, bus: ChangeBus, navigator: Navigator
    ) -> None:
        super().__init__(ctx, ops, bus, navigator)
        layout = QVBoxLayout(self)
        layout.addWidget(title(_("Tasks")))
        bar = QHBoxLayout()
        self.everyone = QCheckBox(_("Everyone's tasks"))
        self.everyone.setVisible(not self.ctx.require_actor().is_volunteer)
        self.include_done = QCheckBox(_("Show done tasks"))
        self.add = QPushButton(_("Add task…"))
        self.toggle = QPushButton(_("Mark done / not done"))
        for widget in (self.everyone, self.include_done):
            bar.addWidget(widget)
            widget.toggled.connect(lambda _on: self.reload())
        bar.addStretch(1)
        bar.addWidget(self.add)
        bar.addWidget(self.toggle)
        layout.addLayout(bar)
        self.table: ListTable[tasks.TaskView] = ListTable(
            COLUMNS, _("No tasks here. Add one with “Add task…”."), _("Tasks")
        )
        layout.addWidget(self.table, 1)
        self.add.clicked.connect(self._add)
        self.toggle.clicked.connect(self._toggle)
        self.table.row_activated.connect(self._open)

    def reload(self) -> None:
        super().reload()
        ctx, everyone, done = self.ctx, self.everyone.isChecked(), self.include_done.isChecked()
        if everyone:
            self.ops.run(lambda: tasks.list_tasks(ctx, include_done=done), self._show, key="tasks")
        else:
            self.ops.run(
                lambda: tasks.list_my_tasks(ctx, include_done=done), self._show, key="tasks"
            )

    def _show(self, rows: list[tasks.TaskView]) -> None:
        self.table.set_rows(rows)

    def _add(self) -> None:
        TaskDialog.add(self, self.ctx, self.ops, case_id=None)

    def _toggle(self) -> None:
        task = self.table.selected()
        if task is None:
            warn(self, _("Choose a task in the list first."))
            return
        ctx = self.ctx
        self.ops.run(
            lambda: tasks.set_task_done(ctx, task.id, not task.done),
            None,
        )

    def _open(self, task: tasks.TaskView) -> None:
        if task.case_id is not None:
            self.navigator.open_case(task.case_id)

    def save_state(self) -> object:
        return (self.everyone.isChecked(), self.include_done.isChecked())

    def restore_state(self, state: object) -> None:
        if isinstance(state, tuple):
            self.everyone.setChecked(state[0])
            self.include_done.setChecked(state[1])

    def clear(self) -> None:
        self.table.set_rows([])
