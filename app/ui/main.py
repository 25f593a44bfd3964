"""Start the GUI: welcome (no workspace yet) → sign in → main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.i18n import _
from app.ui.main_window import MainWindow
from app.ui.signin import SignInDialog
from app.ui.welcome import WelcomeDialog


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Homeward")
        app.setApplicationDisplayName(_("Homeward"))
        app.setOrganizationName("Homeward")
    return app


def run_gui(workspace: Path) -> int:
    app = application()
    from app.services.workspace import has_workspace

    if not has_workspace(workspace):
        workspace = WelcomeDialog.choose_workspace(workspace)  # type: ignore[assignment]
        if workspace is None:
            return 0
    ctx = SignInDialog.sign_in(workspace)
    if ctx is None:
        return 0
    window = MainWindow(ctx)
    window.show()
    try:
        return app.exec()
    finally:
        ctx.lock()
