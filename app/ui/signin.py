"""The sign-in window: user name and password for one workspace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from app.errors import HomewardError
from app.i18n import _
from app.services import workspace as ws
from app.services.context import ServiceContext


class SignInDialog(QDialog):
    def __init__(self, folder: Path, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.folder = folder
        self.context: ServiceContext | None = None
        self.setWindowTitle(_("Sign in to Homeward"))
        layout = QVBoxLayout(self)
        if ws.is_demo_workspace(folder):
            banner = QLabel(_("Demo workspace: synthetic data only. Password for every user: demo"))
            banner.setObjectName("demoBanner")
            banner.setStyleSheet("background:#fff3cd;color:#664d03;padding:8px;border-radius:4px;")
            banner.setWordWrap(True)
            layout.addWidget(banner)
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setAccessibleName(_("User name"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(_("Password"))
        form.addRow(_("User name"), self.username)
        form.addRow(_("Password"), self.password)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#b02a37;")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Sign in"))
        buttons.accepted.connect(self._try_sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.username.setFocus()

    def _try_sign_in(self) -> None:
        # Placeholder until the case-desk issue moves this onto the database worker.
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.context = ws.unlock(self.folder, self.username.text(), self.password.text())
        except HomewardError as exc:
            self.message.setText(str(exc))
            self.password.clear()
            self.password.setFocus()
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.password.clear()
        self.accept()

    @classmethod
    def sign_in(cls, folder: Path) -> ServiceContext | None:
        dialog = cls(folder)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.context
        return None
