"""The welcome window's three paths, end to end: from the first window a new user sees to a
signed-in main window, with the real database thread (:class:`Operations`, not the
synchronous stand-in behind which "Try the demo" once never finished). Then the second start:
Homeward opens the remembered workspace's sign-in, not the welcome window again.

Every test runs in a fresh "home": its own data folder (where the default and the demo
workspace live) and its own state folder (the list of remembered workspaces).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QWizard

from app.demo.workspace import DEMO_ORGANISATION, create_demo_workspace
from app.features.admin.services import recent_workspaces as recent
from app.services import workspace as ws
from app.services.workspace import CreatedWorkspace
from app.shell import firstrun
from app.shell.main import Controller, Startup
from app.shell.main_window import MainWindow
from app.shell.signin import SignInWindow
from app.ui_kit.operations import Operations
from tests.conftest import PASSWORD
from tests.ui.conftest import answer_dialog

#: A slow, shared machine: the real database thread builds a small demo in seconds, but the
#: test waits generously before calling it stuck.
PATIENCE_MS = 120_000


def click(qtbot: Any, button: Any) -> None:
    # Near the left edge: a radio button or check box spans the page, its text does not.
    where = QPoint(min(8, button.width() // 2), button.height() // 2)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=where)


def next_button(wizard: QWizard) -> Any:
    return wizard.button(QWizard.WizardButton.NextButton)


def welcome_window(qtbot: Any, ops: Operations) -> tuple[Startup, firstrun.FirstRunWizard]:
    startup = Startup(ops)
    startup.start()
    assert startup.controller is None, "a fresh home starts with the welcome window"
    wizard = startup.wizard
    assert wizard is not None and wizard.isVisible()
    qtbot.addWidget(wizard)
    return startup, wizard


def sign_in_window(qtbot: Any, startup: Startup) -> Controller:
    qtbot.waitUntil(lambda: startup.controller is not None, timeout=PATIENCE_MS)
    controller = startup.controller
    assert controller is not None
    qtbot.addWidget(controller.signin)
    assert controller.signin.isVisible()
    return controller


def sign_in(qtbot: Any, controller: Controller, username: str, password: str) -> MainWindow:
    signin = controller.signin
    signin.username.setText(username)
    signin.password.setText(password)
    click(qtbot, signin.sign_in_button)
    qtbot.waitUntil(lambda: controller.window is not None, timeout=PATIENCE_MS)
    window = controller.window
    assert isinstance(window, MainWindow)  # the controller closes it when it locks
    assert window.isVisible() and not signin.isVisible()
    return window


def lock(qtbot: Any, controller: Controller, ops: Operations) -> None:
    """Lock once the main window has its first data (the pages load on the database
    thread); locking earlier is the subject of the crash tests, not of these."""
    for _round in range(3):
        ops.wait_idle()
        qtbot.wait(50)
    controller.lock()
    assert controller.window is None and controller.signin.isVisible()


def second_start(qtbot: Any, ops: Operations) -> Controller:
    """Homeward started again: straight to the sign-in of the workspace opened last."""
    startup = Startup(ops)
    startup.start()
    assert startup.wizard is None, "the welcome window came back"
    controller = startup.controller
    assert controller is not None
    qtbot.addWidget(controller.signin)
    assert controller.signin.isVisible()
    return controller


def test_try_the_demo_ends_signed_in_and_opens_the_demo_next_time(
    qtbot: Any, home: Path, quick_kdf: None, threaded_ops: Operations
) -> None:
    startup, wizard = welcome_window(qtbot, threaded_ops)
    click(qtbot, wizard.start.demo)
    click(qtbot, next_button(wizard))
    controller = sign_in_window(qtbot, startup)
    assert not wizard.isVisible()
    demo = ws.default_demo_workspace()
    assert controller.folder == demo and ws.has_workspace(demo)
    assert controller.signin.demo.isVisible()
    window = sign_in(qtbot, controller, "coordinator", "demo")
    assert DEMO_ORGANISATION in window.windowTitle()
    lock(qtbot, controller, threaded_ops)

    again = second_start(qtbot, threaded_ops)
    assert again.folder == demo and again.signin.demo.isVisible()
    window = sign_in(qtbot, again, "worker", "demo")
    assert DEMO_ORGANISATION in window.windowTitle()
    lock(qtbot, again, threaded_ops)


def test_try_the_demo_again_opens_the_demo_built_before(
    qtbot: Any, home: Path, quick_kdf: None, threaded_ops: Operations
) -> None:
    # Built on an earlier run, then forgotten (another computer account's list, a cleared
    # state folder): Next goes straight to its sign-in.
    create_demo_workspace(ws.default_demo_workspace(), cases=20, seed=1, kdf_seconds=0)
    startup, wizard = welcome_window(qtbot, threaded_ops)
    click(qtbot, wizard.start.demo)
    click(qtbot, next_button(wizard))
    controller = sign_in_window(qtbot, startup)
    window = sign_in(qtbot, controller, "volunteer", "demo")
    assert DEMO_ORGANISATION in window.windowTitle()
    lock(qtbot, controller, threaded_ops)


def test_open_an_existing_folder_ends_signed_in_and_opens_it_next_time(
    qtbot: Any, home: Path, threaded_ops: Operations, workspace: CreatedWorkspace
) -> None:
    startup, wizard = welcome_window(qtbot, threaded_ops)
    click(qtbot, wizard.start.open)

    def pick(folder: Path) -> Any:
        def choose(dialog: QFileDialog) -> None:
            dialog.setDirectory(str(folder.parent))
            dialog.selectFile(str(folder))
            dialog.accept()

        return choose

    # a folder that is not a workspace: said plainly, nothing created in it
    empty = home / "empty"
    empty.mkdir()
    answer_dialog(QFileDialog, pick(empty))
    click(qtbot, next_button(wizard))
    qtbot.waitUntil(lambda: "does not hold" in wizard.start.message.text())
    assert wizard.isVisible() and list(empty.iterdir()) == []

    answer_dialog(QFileDialog, pick(workspace.folder))
    click(qtbot, next_button(wizard))
    controller = sign_in_window(qtbot, startup)
    assert controller.folder == workspace.folder
    assert not controller.signin.demo.isVisible()
    window = sign_in(qtbot, controller, "coord", PASSWORD)
    assert "Test Organisation" in window.windowTitle()
    lock(qtbot, controller, threaded_ops)

    again = second_start(qtbot, threaded_ops)
    assert again.folder == workspace.folder


def test_create_a_workspace_ends_signed_in_and_opens_it_next_time(
    qtbot: Any, home: Path, quick_kdf: None, threaded_ops: Operations
) -> None:
    startup, wizard = welcome_window(qtbot, threaded_ops)
    assert wizard.start.create_new.isChecked()
    click(qtbot, next_button(wizard))
    organisation = wizard.organisation
    qtbot.keyClicks(organisation.organisation, "Fangehjelpen Vest")
    assert Path(organisation.folder.text()) == recent.default_workspace_folder()
    # The office keeps it in a folder of its own choosing, so only remembering it can bring
    # its sign-in back on the next start.
    folder = home / "office" / "Homeward"
    organisation.folder.clear()
    qtbot.keyClicks(organisation.folder, str(folder))
    click(qtbot, next_button(wizard))
    account = wizard.account
    qtbot.keyClicks(account.display_name, "Kari Nordmann")
    qtbot.keyClicks(account.username, "kari")
    qtbot.keyClicks(account.password, PASSWORD)
    qtbot.keyClicks(account.repeat, PASSWORD)
    click(qtbot, next_button(wizard))
    qtbot.waitUntil(lambda: wizard.currentId() == firstrun.RECOVERY, timeout=PATIENCE_MS)
    assert wizard.recovery.code.text().count("-") == 7
    click(qtbot, wizard.recovery.stored)
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    controller = sign_in_window(qtbot, startup)
    assert controller.folder == folder and ws.has_workspace(folder)
    window = sign_in(qtbot, controller, "kari", PASSWORD)
    assert "Fangehjelpen Vest" in window.windowTitle()
    lock(qtbot, controller, threaded_ops)

    again = second_start(qtbot, threaded_ops)
    assert again.folder == folder
    assert isinstance(again.signin, SignInWindow) and not again.signin.demo.isVisible()


def test_while_the_demo_is_built_the_window_waits_for_it(
    qtbot: Any, home: Path, quick_kdf: None, threaded_ops: Operations, monkeypatch: Any
) -> None:
    release = threading.Event()
    build = firstrun.create_demo_workspace

    def slow_build(folder: Path, **kwargs: Any) -> Any:
        assert release.wait(PATIENCE_MS / 1000)
        return build(folder, **kwargs)

    monkeypatch.setattr(firstrun, "create_demo_workspace", slow_build)
    startup, wizard = welcome_window(qtbot, threaded_ops)
    click(qtbot, wizard.start.demo)
    click(qtbot, next_button(wizard))
    cancel = wizard.button(QWizard.WizardButton.CancelButton)
    assert wizard.start.message.text() == "Building the demo workspace…"
    assert not next_button(wizard).isEnabled() and not cancel.isEnabled()
    click(qtbot, next_button(wizard))  # a second click starts no second build
    wizard.reject()  # Escape, or the window's close button
    assert wizard.isVisible()
    qtbot.waitUntil(wizard.start.progress.isVisible)  # the stages, once it takes a while
    release.set()
    controller = sign_in_window(qtbot, startup)
    assert controller.folder == ws.default_demo_workspace()


def test_cancel_on_the_welcome_window_ends_the_app(
    qtbot: Any, home: Path, threaded_ops: Operations
) -> None:
    startup, wizard = welcome_window(qtbot, threaded_ops)
    with qtbot.waitSignal(startup.nothing_was_chosen, timeout=5000):
        click(qtbot, wizard.button(QWizard.WizardButton.CancelButton))
    assert startup.controller is None and not wizard.isVisible()
