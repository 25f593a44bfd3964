"""The main window is built from the page specs: each role sees its pages, a page is one spec,
and a page works with any navigator (it never needs the main window)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QStyle, QVBoxLayout, QWidget

from app.features.cases.services import cases, tasks
from app.features.cases.ui.tasks_page import TasksPage
from app.features.people.services import people
from app.models.enums import CaseKind, Role
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace, NewUser, unlock
from app.shell import page_registry
from app.shell.main_window import MainWindow
from app.shell.page_registry import PageSpec
from app.ui_kit.navigator import Navigator
from app.ui_kit.operations import ChangeBus, Operations, SyncOperations
from app.ui_kit.page_base import Page
from tests.conftest import PASSWORD

#: What each role saw in the sidebar before the pages became specs — and must still see.
SIDEBAR = {
    Role.VOLUNTEER: ["Today", "Cases", "People", "Tasks", "Visits"],
    Role.SOCIAL_WORKER: ["Today", "Cases", "People", "Tasks", "Visits", "Releases"],
    Role.COORDINATOR: [
        "Today",
        "Cases",
        "People",
        "Tasks",
        "Visits",
        "Releases",
        "Reports",
        "Admin",
    ],
}
USERNAMES = {Role.VOLUNTEER: "vera", Role.SOCIAL_WORKER: "sam", Role.COORDINATOR: "coord"}


def sidebar(window: MainWindow) -> list[str]:
    return [window.sidebar.item(row).text() for row in range(window.sidebar.count())]


@pytest.fixture
def team(make_workspace: Callable[..., CreatedWorkspace]) -> CreatedWorkspace:
    return make_workspace(
        users=(
            NewUser("vera", "Vera Volunteer", Role.VOLUNTEER, PASSWORD),
            NewUser("sam", "Sam Worker", Role.SOCIAL_WORKER, PASSWORD),
        )
    )


def test_each_role_sees_its_pages_in_order(qtbot: Any, team: CreatedWorkspace) -> None:
    for role, expected in SIDEBAR.items():
        ctx = unlock(team.folder, USERNAMES[role], PASSWORD)
        window = MainWindow(ctx, SyncOperations(), ChangeBus())
        qtbot.addWidget(window)
        try:
            assert sidebar(window) == expected, role
            keys = [title.lower() for title in expected]
            assert list(window.pages) == keys
            assert [window.pages[k].objectName() for k in keys] == [f"page-{k}" for k in keys]
        finally:
            window.clear()
            window.close()
            ctx.lock()


class NotesPage(Page):
    def __init__(
        self, ctx: ServiceContext, ops: Operations, bus: ChangeBus, navigator: Navigator
    ) -> None:
        super().__init__(ctx, ops, bus, navigator)
        QVBoxLayout(self).addWidget(QLabel("Notes for coordinators"))


def test_a_new_page_is_one_spec(
    qtbot: Any, team: CreatedWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = PageSpec(
        "notes",
        lambda: "Notes",
        NotesPage,
        QStyle.StandardPixmap.SP_FileIcon,
        frozenset({Role.COORDINATOR}),
    )
    monkeypatch.setattr(page_registry, "PAGES", (*page_registry.PAGES, spec))
    for role, expected in ((Role.VOLUNTEER, False), (Role.COORDINATOR, True)):
        ctx = unlock(team.folder, USERNAMES[role], PASSWORD)
        window = MainWindow(ctx, SyncOperations(), ChangeBus())
        qtbot.addWidget(window)
        window.show()
        try:
            assert ("Notes" in sidebar(window)) is expected
            assert ("notes" in window.pages) is expected
            if expected:
                assert sidebar(window)[-1] == "Notes"
                # the ninth page: Ctrl+9 reaches it, as Ctrl+1… reach the others
                window.activateWindow()
                qtbot.waitUntil(window.isActiveWindow)
                qtbot.keyClick(window, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
                assert window.current_page() == "notes"
                assert window.stack.currentWidget() is window.pages["notes"]
                assert isinstance(window.pages["notes"], NotesPage)
        finally:
            window.clear()
            window.close()
            ctx.lock()


class FakeNavigator:
    def __init__(self) -> None:
        self.opened: list[uuid.UUID] = []

    def open_case(self, case_id: uuid.UUID) -> QWidget:
        self.opened.append(case_id)
        return QWidget()

    def show_page(self, key: str) -> QWidget:
        raise AssertionError(f"no page to show: {key}")

    def user_name(self, user_id: uuid.UUID | None) -> str:
        return ""

    def set_idle_minutes(self, minutes: int) -> None:
        raise AssertionError("the tasks page has no idle setting")


def test_a_page_opens_a_case_through_its_navigator(qtbot: Any, ctx: ServiceContext) -> None:
    client = people.create_person(ctx, people.PersonInput(given_name="Ana", family_name="Pop"))
    case = cases.open_case(ctx, cases.CaseInput(CaseKind.RELEASE_SUPPORT, client.id, date.today()))
    tasks.create_task(ctx, tasks.TaskInput("Call the landlord", case_id=case.id))
    navigator = FakeNavigator()
    page = TasksPage(ctx, SyncOperations(), ChangeBus(), navigator)
    qtbot.addWidget(page)
    page.show()
    table = page.table.table
    assert table.item(0, 0).text() == "Call the landlord"
    table.setCurrentCell(0, 0)
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert navigator.opened == [case.id]
