"""The app opens on a real workspace: sign-in window, then the main window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from app.services.workspace import CreatedWorkspace
from app.ui import main as ui_main
from app.ui.main_window import MainWindow
from app.ui.signin import SignInDialog
from app.ui.welcome import WelcomeDialog
from tests.conftest import PASSWORD


def test_wrong_password_shows_a_message_and_keeps_the_dialog(
    qtbot: QtBot, workspace: CreatedWorkspace
) -> None:
    dialog = SignInDialog(workspace.folder)
    qtbot.addWidget(dialog)
    dialog.username.setText("coord")
    dialog.password.setText("not it")
    dialog._try_sign_in()
    assert "not right" in dialog.message.text()
    assert dialog.password.text() == "" and dialog.context is None
    dialog.password.setText(PASSWORD)
    dialog._try_sign_in()
    assert dialog.context is not None and dialog.result() == QDialog.DialogCode.Accepted
    dialog.context.lock()


def test_run_gui_signs_in_and_shows_the_main_window(
    qtbot: QtBot, workspace: CreatedWorkspace
) -> None:
    seen: dict[str, str] = {}

    def fill_sign_in() -> None:
        dialog = next(
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, SignInDialog) and w.isVisible()
        )
        dialog.username.setText("coord")
        dialog.password.setText(PASSWORD)
        dialog._try_sign_in()
        QTimer.singleShot(50, close_main)

    def close_main() -> None:
        window = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        seen["title"] = window.windowTitle()
        seen["count"] = window.findChild(QLabel, "caseCount").text()
        window.close()

    QTimer.singleShot(50, fill_sign_in)
    assert ui_main.run_gui(workspace.folder) == 0
    assert "Test Organisation" in seen["title"]
    assert seen["count"] == "0 cases in this workspace."


def test_welcome_offers_the_demo_and_an_existing_workspace(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = WelcomeDialog(tmp_path / "none")
    qtbot.addWidget(dialog)
    labels = {b.text() for b in dialog.findChildren(QPushButton)}
    assert {"Try the demo", "Open an existing workspace…"} <= labels
