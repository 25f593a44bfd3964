"""Screens refresh from what the services said they changed (:mod:`app.kernel.changes`), through the
real database thread: a meeting recorded in case A shows in A and, with its follow-up task,
in the task list; case B, open beside it, is not loaded again."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QPushButton

from app.features.cases.services import cases
from app.features.cases.ui.case_view import CaseWorkspace
from app.features.cases.ui.record_dialogs import MeetingDialog
from app.features.people.services import people
from app.models.enums import CaseKind, MeetingKind
from app.services.context import ServiceContext
from app.shell.main_window import MainWindow
from app.ui_kit.operations import ChangeBus, Operations
from tests.ui.conftest import answer_dialog

FOLLOW_UP = "Call the probation office"


def _case(ctx: ServiceContext, given: str) -> cases.CaseView:
    client = people.create_person(ctx, people.PersonInput(given, "Lungu"))
    return cases.open_case(ctx, cases.CaseInput(CaseKind.RELEASE_SUPPORT, client.id, date.today()))


def test_a_meeting_in_case_a_refreshes_a_and_the_tasks_but_not_case_b(
    qtbot: Any, ctx: ServiceContext, threaded_ops: Operations
) -> None:
    case_a, case_b = _case(ctx, "Ion"), _case(ctx, "Ana")
    window = MainWindow(ctx, threaded_ops, ChangeBus(), organisation="Test Organisation")
    qtbot.addWidget(window)
    window.show()
    try:
        tasks_page = window.show_page("tasks")
        table = tasks_page.table.table  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: not tasks_page._stale, timeout=10_000)
        threaded_ops.wait_idle()
        qtbot.wait(50)
        assert table.rowCount() == 0

        opened: dict[str, CaseWorkspace] = {}
        for name, case in (("b", case_b), ("a", case_a)):
            workspace = window.open_case(case.id)
            assert isinstance(workspace, CaseWorkspace)
            qtbot.waitUntil(lambda w=workspace: w.bundle is not None, timeout=10_000)
            opened[name] = workspace
        loads: dict[str, int] = {"a": 0, "b": 0}
        for name, workspace in opened.items():
            reload = workspace.reload

            def counted(name: str = name, reload: Any = reload) -> None:
                loads[name] += 1
                reload()

            workspace.reload = counted  # type: ignore[method-assign]
        a = opened["a"]
        assert a.meetings.table.rowCount() == 0

        def fill(dialog: MeetingDialog) -> None:
            dialog.kind.setCurrentIndex(dialog.kind.findData(MeetingKind.PHONE))
            dialog.summary.setPlainText("Talked about the week ahead.")
            dialog.follow_up.setText(FOLLOW_UP)
            dialog.save()

        answer_dialog(MeetingDialog, fill)
        record = next(b for b in a.findChildren(QPushButton) if b.text() == "Record meeting…")
        record.click()
        qtbot.waitUntil(lambda: a.meetings.table.rowCount() == 1, timeout=10_000)
        assert a.tasks.table.rowCount() == 1  # the follow-up, in the same reload

        window.show_page("tasks")
        qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=10_000)
        assert table.item(0, 0) is not None
        assert any(
            (table.item(0, c) is not None and table.item(0, c).text() == FOLLOW_UP)
            for c in range(table.columnCount())
        )
        threaded_ops.wait_idle()
        qtbot.wait(100)
        assert loads == {"a": 1, "b": 0}
    finally:
        threaded_ops.wait_idle()
        window.clear()
