"""The sign-in window: user name and password (or this computer's keychain), a language
switch, clear messages for wrong passwords and lock-outs, the demo banner, the workspace
folder (or the team server), and "Open another workspace…"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.features.admin.services import integrity, keychain
from app.features.admin.services.backup_files import BackupInfo
from app.kernel.errors import HomewardError
from app.kernel.i18n import _
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.services.team import ServerAddress
from app.shell.servers import sign_in_to_server
from app.ui_kit.language import apply_language, language_combo, remember_language, select_language
from app.ui_kit.operations import Operations, describe
from app.ui_kit.widgets import banner, grow_to_fit, show_datetime

#: The workspace folder's path is shortened in the middle beyond this many pixels (the whole
#: path is in its tooltip).
FOLDER_WIDTH = 340


def backups_text(backups: tuple[BackupInfo, ...]) -> str:
    """The newest backups of a workspace that cannot be opened, and how to restore one."""
    if not backups:
        return _("No backups of this workspace were found.")
    lines = [
        _(
            "Restore the newest backup into a new folder with "
            "'homeward restore --from BACKUP --workspace NEW_FOLDER':"
        )
    ]
    for backup in backups:
        moment = backup.created_at.astimezone().replace(tzinfo=None)
        lines.append(f"  {show_datetime(moment)}  {backup.path}")
    return "\n".join(lines)


class SignInWindow(QWidget):
    signed_in = Signal(object)  # ServiceContext
    language_did_change = Signal(str)
    #: "Open another workspace…" was pressed (the controller asks which one).
    other_workspace_was_requested = Signal()

    def __init__(self, folder: Path | ServerAddress, ops: Operations) -> None:
        super().__init__()
        self.folder = folder
        self.ops = ops
        self._busy = False
        self.last_password = ""
        #: How the last sign-in went (read-only because damaged, location warning).
        self.outcome: integrity.OpenOutcome | None = None
        #: The language picked here before signing in (``None`` if untouched): it becomes
        #: the user's own language once they are in.
        self.chosen_language: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")
        layout.addWidget(self.heading)
        self.workspace = QLabel()
        self.workspace.setObjectName("workspaceFolder")
        self.workspace.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.workspace)
        self.demo = banner("")
        self.demo.setObjectName("banner")
        layout.addWidget(self.demo)
        form = QFormLayout()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.username_label, self.password_label = QLabel(), QLabel()
        self.username_label.setBuddy(self.username)
        self.password_label.setBuddy(self.password)
        form.addRow(self.username_label, self.username)
        form.addRow(self.password_label, self.password)
        self.language = language_combo()
        self.language_label = QLabel()
        self.language_label.setBuddy(self.language)
        form.addRow(self.language_label, self.language)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#b02a37;")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.keychain_button = QPushButton()
        self.keychain_button.hide()
        buttons.addWidget(self.keychain_button)
        buttons.addStretch(1)
        self.sign_in_button = QPushButton()
        self.sign_in_button.setProperty("primary", True)
        self.sign_in_button.setDefault(True)
        buttons.addWidget(self.sign_in_button)
        layout.addLayout(buttons)
        other = QHBoxLayout()
        self.other_button = QPushButton()
        self.other_button.setFlat(True)
        self.other_button.setAutoDefault(False)
        other.addWidget(self.other_button)
        other.addStretch(1)
        layout.addLayout(other)
        self.other_button.clicked.connect(self._other_workspace)
        self.sign_in_button.clicked.connect(self.try_sign_in)
        self.password.returnPressed.connect(self.try_sign_in)
        self.username.returnPressed.connect(self.password.setFocus)
        self.username.editingFinished.connect(self._check_keychain)
        self.keychain_button.clicked.connect(self._keychain_sign_in)
        self.language.currentIndexChanged.connect(self._language_changed)
        self.resize(420, 300)
        self.set_folder(folder)
        self.username.setFocus()

    def set_folder(self, folder: Path | ServerAddress, username: str = "") -> None:
        """Sign in to the workspace in ``folder`` (or the team server) from now on (an empty
        form, or the user name who signed in to the server last)."""
        self.folder = folder
        self.demo.setVisible(isinstance(folder, Path) and ws.is_demo_workspace(folder))
        self.keychain_button.hide()
        self.username.setText(username)
        self.reset()
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Sign in to Homeward"))
        self.heading.setText(_("Sign in"))
        folder = self.folder.label if isinstance(self.folder, ServerAddress) else str(self.folder)
        shown = self.workspace.fontMetrics().elidedText(
            folder, Qt.TextElideMode.ElideMiddle, FOLDER_WIDTH
        )
        self.workspace.setToolTip(folder)
        self.workspace.setText(
            _("Server: {server}").format(server=shown)
            if isinstance(self.folder, ServerAddress)
            else _("Workspace: {folder}").format(folder=shown)
        )
        self.other_button.setText(_("Open another workspace…"))
        self.demo.setText(
            _(
                "Demo workspace: made-up data only. User names: coordinator, worker, "
                "volunteer; password: demo"
            )
        )
        self.username_label.setText(_("&User name"))
        self.password_label.setText(_("&Password"))
        self.language_label.setText(_("&Language"))
        self.sign_in_button.setText(_("Sign in"))
        self.keychain_button.setText(_("Unlock with this computer's keychain"))
        grow_to_fit(self)  # the banner and messages wrap: longer in some languages
        for widget, name in (
            (self.username, _("User name")),
            (self.password, _("Password")),
            (self.language, _("Language")),
        ):
            widget.setAccessibleName(name)

    def _other_workspace(self) -> None:
        if not self._busy:
            self.other_workspace_was_requested.emit()

    def _language_changed(self, _index: int) -> None:
        code = self.language.currentData()
        apply_language(code)
        remember_language(code)
        self.chosen_language = code
        self.retranslate()
        self.language_did_change.emit(code)

    def show_language(self, code: str) -> None:
        """Show the window in ``code`` (the language of whoever signed in last)."""
        select_language(self.language, code)
        self.chosen_language = None
        self.retranslate()

    def _check_keychain(self) -> None:
        folder, name = self.folder, self.username.text().strip()
        if not name or isinstance(folder, ServerAddress):
            self.keychain_button.hide()
            return
        self.ops.run(
            lambda: keychain.keychain_offered(folder, name),
            self.keychain_button.setVisible,
            lambda _exc: self.keychain_button.hide(),
            key="keychain-offered",
        )

    def _start(self) -> None:
        self._busy = True
        self.message.setText(_("Unlocking…"))
        self.sign_in_button.setEnabled(False)

    def try_sign_in(self) -> None:
        if self._busy:
            return
        folder, name, password = self.folder, self.username.text(), self.password.text()
        self._start()
        if isinstance(folder, ServerAddress):
            # The server checks the password; a certificate is confirmed first if need be.
            sign_in_to_server(self.ops, self, folder, name, password, self._success, self._failure)
            return
        # A damaged database opens read-only (with the newest backups named), never silently.
        self.ops.run(
            lambda: integrity.open_workspace(folder, name, password),
            self._opened,
            self._failure,
        )

    def _keychain_sign_in(self) -> None:
        folder, name = self.folder, self.username.text()
        if self._busy or isinstance(folder, ServerAddress):
            return
        self._start()

        self.ops.run(
            lambda: integrity.open_workspace_with_keychain(folder, name),
            self._opened,
            self._failure,
        )

    def _opened(self, outcome: integrity.OpenOutcome) -> None:
        self.outcome = outcome
        self._success(outcome.ctx)

    def _success(self, ctx: ServiceContext) -> None:
        self._busy = False
        self.sign_in_button.setEnabled(True)
        # Kept only while a temporary password must be replaced (it unwraps the key slot).
        actor = ctx.actor
        self.last_password = self.password.text() if actor and actor.must_change_password else ""
        self.password.clear()
        self.message.clear()
        self.signed_in.emit(ctx)

    def _failure(self, exc: BaseException) -> None:
        self._busy = False
        self.sign_in_button.setEnabled(True)
        text = str(exc) if isinstance(exc, HomewardError) else describe(exc)
        if isinstance(exc, integrity.DamagedWorkspaceError):
            text += "\n" + backups_text(exc.backups)
        self.message.setText(text)
        grow_to_fit(self)
        self.password.clear()
        self.password.setFocus()

    def reset(self) -> None:
        """Back to an empty form (after a lock), keeping the user name."""
        self.chosen_language = None
        self.outcome = None
        self.password.clear()
        self.message.clear()
        self.focus_form()

    def focus_form(self) -> None:
        """The cursor where typing goes next: the user name, or the password once it is there."""
        self.password.setFocus() if self.username.text() else self.username.setFocus()
