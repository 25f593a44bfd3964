"""Workspaces remembered on this computer: the start opens the last one's sign-in; the
sign-in window's "Open another workspace…" lists them, browses for a folder or goes to the
welcome window; a remembered folder that is gone is dropped with a plain message, never
created again."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QWizard

from app.demo.workspace import DEMO_ORGANISATION
from app.features.admin.services import recent_workspaces as recent
from app.kernel.i18n import _
from app.models.enums import Role
from app.services import workspace as ws
from app.services.workspace import CreatedWorkspace
from app.shell import workspaces
from app.shell.firstrun import FirstRunWizard
from app.shell.main import Controller, Startup
from app.shell.workspaces import OpenWorkspaceDialog
from app.ui_kit.operations import Operations
from tests.conftest import PASSWORD
from tests.ui.conftest import answer_dialog
from tests.ui.test_welcome import PATIENCE_MS, click, lock, second_start, sign_in


def two_workspaces(make_workspace: Any) -> tuple[Path, Path]:
    first: CreatedWorkspace = make_workspace("first", organisation="First Office")
    second: CreatedWorkspace = make_workspace("second", organisation="Second Office")
    recent.remember_workspace(first.folder)
    recent.remember_workspace(second.folder)  # opened last
    return first.folder, second.folder


def rows(dialog: OpenWorkspaceDialog) -> list[str]:
    return [dialog.list.item(r).text() for r in range(dialog.list.count())]


def test_open_another_remembered_workspace_from_the_sign_in(
    qtbot: Any, home: Path, make_workspace: Any, threaded_ops: Operations
) -> None:
    first, second = two_workspaces(make_workspace)
    controller = second_start(qtbot, threaded_ops)
    assert controller.folder == second
    assert str(second) in controller.signin.workspace.toolTip()
    seen: list[list[str]] = []

    def pick_first(dialog: OpenWorkspaceDialog) -> None:
        seen.append(rows(dialog))
        assert dialog.list.currentItem().text() == str(first)  # the other one, ready to open
        click(qtbot, dialog.open_button)

    answer_dialog(OpenWorkspaceDialog, pick_first)
    click(qtbot, controller.signin.other_button)
    assert seen == [[_("{folder} (open now)").format(folder=second), str(first)]]
    assert controller.folder == first and controller.signin.isVisible()
    window = sign_in(qtbot, controller, "coord", PASSWORD)
    assert "First Office" in window.windowTitle()
    lock(qtbot, controller, threaded_ops)
    # the one opened last comes first next time
    assert recent.remembered_workspaces().folders == (first, second)
    assert second_start(qtbot, threaded_ops).folder == first


def test_a_remembered_workspace_that_is_gone_is_dropped_never_created(
    qtbot: Any, home: Path, make_workspace: Any, threaded_ops: Operations
) -> None:
    first, second = two_workspaces(make_workspace)
    shutil.rmtree(second)  # a USB stick's folder, deleted or renamed
    controller = second_start(qtbot, threaded_ops)
    assert controller.folder == first
    message = controller.signin.message.text()
    assert str(second) in message and "removed from the list" in message
    assert not second.exists()
    assert recent.remembered_workspaces().folders == (first,)


def test_with_every_remembered_workspace_gone_the_welcome_window_says_so(
    qtbot: Any, home: Path, make_workspace: Any, ops: Operations
) -> None:
    first, second = two_workspaces(make_workspace)
    shutil.rmtree(first)
    shutil.rmtree(second)
    startup = Startup(ops)
    startup.start()
    wizard = startup.wizard
    assert wizard is not None and startup.controller is None
    qtbot.addWidget(wizard)
    text = wizard.start.message.text()
    assert str(first) in text and str(second) in text and "removed from the list" in text
    assert not first.exists() and not second.exists()
    assert recent.remembered_workspaces().folders == ()


def test_a_workspace_gone_while_the_list_is_open_is_dropped_there(
    qtbot: Any, home: Path, make_workspace: Any
) -> None:
    first, second = two_workspaces(make_workspace)
    dialog = OpenWorkspaceDialog(second)
    qtbot.addWidget(dialog)
    shutil.rmtree(first)
    assert dialog.list.currentItem().text() == str(first)
    click(qtbot, dialog.open_button)
    assert dialog.choice is None  # nothing opened, nothing created
    assert str(first) in dialog.message.text() and "removed from the list" in dialog.message.text()
    assert rows(dialog) == [_("{folder} (open now)").format(folder=second)]
    assert not first.exists()
    assert recent.remembered_workspaces().folders == (second,)


def test_browse_for_a_workspace_folder(
    qtbot: Any,
    home: Path,
    make_workspace: Any,
    ops: Operations,
    monkeypatch: Any,
) -> None:
    _first, second = two_workspaces(make_workspace)
    elsewhere: CreatedWorkspace = make_workspace("elsewhere", organisation="Elsewhere")
    answers = iter([home, elsewhere.folder])
    monkeypatch.setattr(workspaces, "choose_folder", lambda _parent: next(answers))
    controller = Controller(second, ops)
    controller.start()
    qtbot.addWidget(controller.signin)
    messages: list[str] = []

    def browse_twice(dialog: OpenWorkspaceDialog) -> None:
        click(qtbot, dialog.browse_button)  # not a workspace: said, and the dialog stays
        messages.append(dialog.message.text())
        click(qtbot, dialog.browse_button)

    answer_dialog(OpenWorkspaceDialog, browse_twice)
    click(qtbot, controller.signin.other_button)
    assert messages == [_("That folder does not hold a Homeward workspace.")]
    assert controller.folder == elsewhere.folder
    assert recent.remembered_workspaces().folders[0] == elsewhere.folder
    window = sign_in(qtbot, controller, "coord", PASSWORD)
    assert "Elsewhere" in window.windowTitle()
    lock(qtbot, controller, ops)


def test_try_the_demo_from_the_sign_in_of_another_workspace(
    qtbot: Any, home: Path, make_workspace: Any, quick_kdf: None, threaded_ops: Operations
) -> None:
    _first, second = two_workspaces(make_workspace)
    controller = second_start(qtbot, threaded_ops)
    subtitles: list[str] = []

    def try_demo(wizard: FirstRunWizard) -> None:
        subtitles.append(wizard.start.subTitle())
        click(qtbot, wizard.start.demo)
        click(qtbot, wizard.button(QWizard.WizardButton.NextButton))

    def to_welcome(dialog: OpenWorkspaceDialog) -> None:
        answer_dialog(FirstRunWizard, try_demo)
        click(qtbot, dialog.welcome_button)

    answer_dialog(OpenWorkspaceDialog, to_welcome)
    click(qtbot, controller.signin.other_button)
    qtbot.waitUntil(lambda: controller.folder != second, timeout=PATIENCE_MS)
    # there is a workspace on this computer: the welcome window does not say there is none
    assert subtitles == [_("What would you like to do?")]
    assert controller.folder == ws.default_demo_workspace()
    assert controller.signin.demo.isVisible() and controller.signin.username.text() == ""
    window = sign_in(qtbot, controller, "coordinator", "demo")
    assert DEMO_ORGANISATION in window.windowTitle()
    lock(qtbot, controller, threaded_ops)


def test_the_welcome_window_suggests_a_free_folder_for_a_new_workspace(home: Path) -> None:
    default = recent.default_workspace_folder()
    assert recent.new_workspace_folder() == default
    ws.create_workspace(
        default,
        organisation="Office",
        admin=ws.NewUser("c", "C", Role.COORDINATOR, PASSWORD),
        kdf_seconds=0,
    )
    assert recent.new_workspace_folder() == default.with_name("workspace-2")


def test_homeward_opens_the_last_workspace_unless_told_which(
    tmp_path: Path, monkeypatch: Any
) -> None:
    from app import cli

    asked: list[Path | None] = []
    monkeypatch.setattr("app.shell.main.run_gui", lambda workspace: asked.append(workspace) or 0)
    assert cli.main([]) == 0
    assert cli.main(["gui"]) == 0
    assert cli.main(["gui", "--workspace", str(tmp_path / "office")]) == 0
    assert asked == [None, None, tmp_path / "office"]


def test_after_the_list_typing_goes_into_the_sign_in_form(
    qtbot: Any, home: Path, make_workspace: Any, ops: Operations
) -> None:
    _first, second = two_workspaces(make_workspace)
    controller = Controller(second, ops)
    controller.start()
    qtbot.addWidget(controller.signin)
    qtbot.waitExposed(controller.signin)
    answer_dialog(OpenWorkspaceDialog, lambda dialog: click(qtbot, dialog.cancel_button))
    click(qtbot, controller.signin.other_button)
    assert controller.folder == second
    qtbot.waitUntil(lambda: QApplication.focusWidget() is controller.signin.username)
