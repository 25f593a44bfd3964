"""First run: no workspace yet. Offers the demo or opening an existing workspace folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from app.errors import HomewardError
from app.i18n import _
from app.services.workspace import default_demo_workspace, has_workspace


class WelcomeDialog(QDialog):
    def __init__(self, default: Path) -> None:
        super().__init__()
        self.chosen: Path | None = None
        self.setWindowTitle(_("Welcome to Homeward"))
        layout = QVBoxLayout(self)
        title = QLabel(_("Welcome to Homeward"))
        title.setStyleSheet("font-size:18pt;font-weight:600;")
        layout.addWidget(title)
        intro = QLabel(
            _(
                "There is no workspace on this computer yet. Try Homeward with made-up data, "
                "or open a workspace folder you already have. To create your organisation's "
                "workspace now, use: homeward init"
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        demo = QPushButton(_("Try the demo"))
        demo.clicked.connect(self._demo)
        layout.addWidget(demo)
        existing = QPushButton(_("Open an existing workspace…"))
        existing.clicked.connect(self._open_existing)
        layout.addWidget(existing)
        self.resize(460, 220)

    def _demo(self) -> None:
        from app.services.demo_workspace import create_demo_workspace

        folder = default_demo_workspace()
        if not has_workspace(folder):
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                create_demo_workspace(folder, cases=300, seed=1)
            except HomewardError as exc:
                QMessageBox.warning(self, _("Homeward"), str(exc))
                return
            finally:
                QGuiApplication.restoreOverrideCursor()
        self.chosen = folder
        self.accept()

    def _open_existing(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Choose a workspace folder"))
        if not folder:
            return
        if not has_workspace(Path(folder)):
            QMessageBox.warning(
                self, _("Homeward"), _("That folder does not hold a Homeward workspace.")
            )
            return
        self.chosen = Path(folder)
        self.accept()

    @classmethod
    def choose_workspace(cls, default: Path) -> Path | None:
        dialog = cls(default)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.chosen
        return None
