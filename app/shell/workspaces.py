"""Choosing a workspace folder: the sign-in window's "Open another workspace…" dialog, the
folder picker, and the message for remembered folders that are gone.

Only folder paths are shown and remembered (``app.features.admin.services.recent_workspaces``); a folder
that no longer holds a workspace is dropped from the list with a plain message, never created.
Team servers signed in to are listed after the folders: their address only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.features.admin.services import recent_workspaces as recent
from app.features.admin.services.recent_workspaces import RememberedServer
from app.kernel.i18n import _, ngettext, pgettext
from app.services import workspace as ws

#: What :meth:`OpenWorkspaceDialog.choose` returns for "Try the demo or create a workspace…".
WELCOME: Final = "welcome"
Choice = Path | RememberedServer | Literal["welcome"] | None
FOLDER_ROLE = Qt.ItemDataRole.UserRole
SERVER_ROLE = Qt.ItemDataRole.UserRole + 1


def gone_text(folders: tuple[Path, ...]) -> str:
    """The plain message for remembered workspace folders that are no longer there."""
    if not folders:
        return ""
    return ngettext(
        "There is no longer a workspace in {folders}. It was removed from the list.",
        "There are no longer workspaces in {folders}. They were removed from the list.",
        len(folders),
    ).format(folders=", ".join(str(f) for f in folders))


def not_a_workspace_text() -> str:
    return _("That folder does not hold a Homeward workspace.")


def choose_folder(parent: QWidget | None) -> Path | None:
    """Ask for a folder (tests replace this function)."""
    folder = QFileDialog.getExistingDirectory(parent, _("Choose a workspace folder"))
    return Path(folder) if folder else None


class OpenWorkspaceDialog(QDialog):
    """The workspaces opened on this computer; or browse for a folder; or the welcome window."""

    def __init__(self, current: Path | object | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Open another workspace"))
        self.setModal(True)
        self.choice: Choice = None
        layout = QVBoxLayout(self)
        heading = QLabel(_("Workspaces opened on this computer:"))
        layout.addWidget(heading)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Workspaces opened on this computer"))
        heading.setBuddy(self.list)
        layout.addWidget(self.list)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.browse_button = QPushButton(_("Browse for a folder…"))
        self.welcome_button = QPushButton(_("Try the demo or create a workspace…"))
        self.open_button = QPushButton(pgettext("verb", "Open"))
        self.open_button.setProperty("primary", True)
        self.open_button.setDefault(True)
        self.cancel_button = QPushButton(_("Cancel"))
        others = QHBoxLayout()
        others.addWidget(self.browse_button)
        others.addWidget(self.welcome_button)
        others.addStretch(1)
        layout.addLayout(others)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_button)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.browse_button.clicked.connect(self.browse)
        self.welcome_button.clicked.connect(self.welcome)
        self.open_button.clicked.connect(self.open_selected)
        self.cancel_button.clicked.connect(self.reject)
        self.list.itemActivated.connect(lambda _item: self.open_selected())
        self.list.currentRowChanged.connect(lambda row: self.open_button.setEnabled(row >= 0))
        self._fill(current)
        self.resize(560, 360)

    def _fill(self, current: Path | object | None) -> None:
        here = current.expanduser().absolute() if isinstance(current, Path) else None
        known = recent.remembered_workspaces()
        for folder in known.folders:
            text = str(folder)
            if ws.is_demo_workspace(folder):
                text = _("{folder} (demo)").format(folder=folder)
            if folder == here:
                text = _("{folder} (open now)").format(folder=text)
            item = QListWidgetItem(text)
            item.setData(FOLDER_ROLE, str(folder))
            self.list.addItem(item)
        for server in recent.remembered_servers():
            item = QListWidgetItem(_("{server} (team server)").format(server=server.label))
            item.setData(SERVER_ROLE, server)
            self.list.addItem(item)
        self.message.setText(gone_text(known.dropped))
        # The first one that is not open now: the one a user most likely wants.
        rows = [r for r in range(self.list.count()) if self._folder(r) != here]
        self.list.setCurrentRow(rows[0] if rows else self.list.count() - 1)
        self.open_button.setEnabled(self.list.currentRow() >= 0)

    def _folder(self, row: int) -> Path | None:
        item = self.list.item(row)
        folder = item.data(FOLDER_ROLE) if item is not None else None
        return Path(folder) if folder else None

    def open_selected(self) -> None:
        row = self.list.currentRow()
        item = self.list.item(row)
        server = item.data(SERVER_ROLE) if item is not None else None
        if isinstance(server, RememberedServer):
            self.choice = server
            self.accept()
            return
        folder = self._folder(row)
        if folder is None:
            return
        if not ws.has_workspace(folder):
            # Gone since the list was read (a USB stick pulled out, a folder deleted).
            recent.forget_workspace(folder)
            self.list.takeItem(row)
            self.message.setText(gone_text((folder,)))
            return
        self.choice = folder
        self.accept()

    def browse(self) -> None:
        folder = choose_folder(self)
        if folder is None:
            return
        if not ws.has_workspace(folder):
            self.message.setText(not_a_workspace_text())
            return
        self.choice = folder
        self.accept()

    def welcome(self) -> None:
        self.choice = WELCOME
        self.accept()

    @classmethod
    def choose(cls, current: Path | object | None, parent: QWidget | None = None) -> Choice:
        """A folder that holds a workspace, a remembered server, :data:`WELCOME`, or ``None``
        (cancelled)."""
        dialog = cls(current, parent)
        dialog.exec()
        return dialog.choice if dialog.result() == QDialog.DialogCode.Accepted else None
