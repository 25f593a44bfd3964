"""Starting the app: sign-in messages, the demo banner, language switch, lock-outs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from app.demo.workspace import create_demo_workspace
from app.kernel.i18n import current_language, set_language
from app.services.workspace import CreatedWorkspace
from app.shell.main import Controller
from app.shell.signin import SignInWindow
from app.ui_kit.operations import SyncOperations
from tests.conftest import PASSWORD


def test_wrong_password_then_right_one(qtbot: Any, workspace: CreatedWorkspace) -> None:
    ops = SyncOperations()
    window = SignInWindow(workspace.folder, ops)
    qtbot.addWidget(window)
    signed: list[object] = []
    window.signed_in.connect(signed.append)
    window.username.setText("coord")
    window.password.setText("not it")
    window.try_sign_in()
    assert "not right" in window.message.text()
    assert window.password.text() == "" and signed == []
    assert not window.demo.isVisible()
    window.password.setText(PASSWORD)
    window.try_sign_in()
    assert len(signed) == 1 and window.message.text() == ""
    signed[0].lock()  # type: ignore[attr-defined]


def test_lock_out_message_after_five_failures(qtbot: Any, workspace: CreatedWorkspace) -> None:
    window = SignInWindow(workspace.folder, SyncOperations())
    qtbot.addWidget(window)
    window.username.setText("coord")
    for _ in range(5):
        window.password.setText("wrong")
        window.try_sign_in()
    window.password.setText(PASSWORD)
    window.try_sign_in()
    # 30 s from the fifth failure; a slow machine may already be a second into it
    assert re.search(r"Try again in (29|30) seconds", window.message.text())


def test_demo_banner_and_language_switch(qtbot: Any, tmp_path: Path) -> None:
    created, _stats = create_demo_workspace(tmp_path / "demo", cases=20, seed=2, kdf_seconds=0)
    window = SignInWindow(created.folder, SyncOperations())
    qtbot.addWidget(window)
    window.show()
    assert window.demo.isVisible() and "demo" in window.demo.text()
    before = current_language()
    try:
        window.language.setCurrentIndex(window.language.findData("ru"))
        assert current_language() == "ru"
    finally:
        set_language(before)


def test_controller_opens_the_main_window_for_a_volunteer(qtbot: Any, tmp_path: Path) -> None:
    created, _stats = create_demo_workspace(tmp_path / "demo", cases=40, seed=3, kdf_seconds=0)
    ops = SyncOperations()
    controller = Controller(created.folder, ops)
    qtbot.addWidget(controller.signin)
    controller.signin.username.setText("volunteer")
    controller.signin.password.setText("demo")
    controller.signin.try_sign_in()
    window = controller.window
    assert window is not None
    qtbot.addWidget(window)
    # no Reports, no Admin; Visits shows only their own cases' visits
    assert set(window.pages) == {"today", "cases", "people", "tasks", "visits"}
    cases_page = window.show_page("cases")
    assert 0 < cases_page.model.total < 40  # only the volunteer's own cases
    controller.lock()
    assert controller.ctx is None and controller.signin.isVisible()
    controller.shutdown()
