"""Connecting to the organisation's team server: the "Connect to my organisation's server"
dialog, the certificate confirmations (first contact, a changed certificate), and the
sign-in itself, which the sign-in window uses too for a remembered server.

Everything that touches the network (:func:`app.services.team.sign_in`, reading the
server's certificate, writing a pin) runs through :class:`Operations`; only the answers
come back to the GUI thread, where the dialogs ask the user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.features.admin.services.recent_workspaces import RememberedServer
from app.kernel.errors import HomewardError, ValidationError
from app.kernel.i18n import _
from app.services import team
from app.services.context import ServiceContext
from app.services.team import CertificateChanged, CertificateInfo, NotPinned, ServerAddress
from app.ui_kit.operations import Operations, describe
from app.ui_kit.widgets import grow_to_fit, show_datetime

DEFAULT_DATABASE = "homeward"


@dataclass(frozen=True)
class Connected:
    """Signed in to a team server: where, and the context of the signed-in user."""

    address: ServerAddress
    ctx: ServiceContext


def fingerprint_lines(fingerprint: str) -> str:
    """The 32 pairs of a fingerprint in two lines of 16, as people compare them."""
    pairs = fingerprint.split(":")
    return ":".join(pairs[:16]) + "\n" + ":".join(pairs[16:]) if len(pairs) > 16 else fingerprint


def _monospace(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class CertificateDialog(QDialog):
    """The first connection to a server: its certificate, for the user to compare with what
    their coordinator gave them before anything is sent to it."""

    def __init__(self, server: str, info: CertificateInfo, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Confirm the server's certificate"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Homeward has not connected to {server} before. Check that this matches "
                "what your coordinator gave you:"
            ).format(server=server)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.fingerprint = _monospace(fingerprint_lines(info.fingerprint))
        self.fingerprint.setAccessibleName(_("Fingerprint (SHA-256)"))
        form.addRow(_("Fingerprint (SHA-256):"), self.fingerprint)
        subject = QLabel(info.subject)
        subject.setWordWrap(True)
        subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(_("Issued to:"), subject)
        validity = QLabel(
            _("from {start} to {end}").format(
                start=show_datetime(info.not_before.astimezone().replace(tzinfo=None)),
                end=show_datetime(info.not_after.astimezone().replace(tzinfo=None)),
            )
        )
        form.addRow(_("Valid:"), validity)
        layout.addLayout(form)
        layout.addSpacing(6)
        warning = QLabel(
            _("If it does not match, press Cancel and tell your coordinator: nothing was sent.")
        )
        warning.setWordWrap(True)
        layout.addWidget(warning)
        self.trust_button = QPushButton(_("It matches: connect"))
        self.trust_button.setProperty("primary", True)
        self.trust_button.setAutoDefault(False)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setDefault(True)  # Enter alone never trusts a certificate
        layout.addSpacing(6)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.trust_button)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.trust_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        self.setMinimumWidth(self.fingerprint.sizeHint().width() + 200)
        grow_to_fit(self)
        self.cancel_button.setFocus()

    @classmethod
    def confirm(cls, server: str, info: CertificateInfo, parent: QWidget | None) -> bool:
        return cls(server, info, parent).exec() == QDialog.DialogCode.Accepted


class CertificateChangedDialog(QDialog):
    """The server shows another certificate than the one confirmed before: a plain warning,
    both fingerprints, and trusting the new one only on an explicit, non-default button."""

    def __init__(self, error: CertificateChanged, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("The server's certificate has changed"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        text = QLabel(
            _(
                "The certificate of {server} is not the one you confirmed before. Someone "
                "may be intercepting the connection, or the server's administrator replaced "
                "the certificate. Ask your coordinator before you trust the new one. Nothing "
                "was sent to the server."
            ).format(server=error.address.label)
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        form.addRow(_("Before:"), _monospace(fingerprint_lines(error.old)))
        form.addRow(_("Now:"), _monospace(fingerprint_lines(error.new)))
        layout.addLayout(form)
        layout.addSpacing(6)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setDefault(True)
        self.trust_button = QPushButton(_("Trust the new certificate"))
        self.trust_button.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.trust_button)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.trust_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        grow_to_fit(self)
        self.cancel_button.setFocus()  # Space or Enter alone never trusts the new one

    @classmethod
    def trust(cls, error: CertificateChanged, parent: QWidget | None) -> bool:
        return cls(error, parent).exec() == QDialog.DialogCode.Accepted


class CertificateDeclined(HomewardError):
    """The user did not trust the server's certificate: nothing was sent to it."""


def sign_in_to_server(
    ops: Operations,
    parent: QWidget | None,
    address: ServerAddress,
    username: str,
    password: str,
    done: Callable[[ServiceContext], None],
    failed: Callable[[BaseException], None],
) -> None:
    """Sign in to ``address`` on the database thread; a certificate never confirmed is shown
    for confirmation (then pinned), a changed one warned about, before trying again.
    ``done`` or ``failed`` is called once, on the GUI thread."""

    def attempt() -> None:
        ops.run(lambda: team.sign_in(address, username, password), done, refused)

    def refused(exc: BaseException) -> None:
        if isinstance(exc, NotPinned | CertificateChanged):
            ops.run(
                lambda: team.server_certificate(address), lambda info: decide(exc, info), failed
            )
        else:
            failed(exc)

    def decide(exc: BaseException, info: CertificateInfo | None) -> None:
        if info is None:  # a Unix socket: no certificate to confirm
            failed(exc)
            return
        changed = isinstance(exc, CertificateChanged)
        if isinstance(exc, CertificateChanged):
            shown = CertificateChanged(exc.address, exc.old, info.fingerprint)
            if not CertificateChangedDialog.trust(shown, parent):
                failed(CertificateDeclined(_("The new certificate was not trusted.")))
                return
        elif not CertificateDialog.confirm(address.label, info, parent):
            failed(CertificateDeclined(_("The server's certificate was not confirmed.")))
            return
        ops.run(
            lambda: team.trust_certificate(address, info, replace=changed),
            lambda _done: attempt(),
            failed,
        )

    attempt()


class ConnectServerDialog(QDialog):
    """Where the organisation's server is and who signs in: a host (or a pasted address such
    as ``server.example.org:5432/homeward``), port, database, user name and password."""

    def __init__(
        self, ops: Operations, parent: QWidget | None = None, server: RememberedServer | None = None
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.connected: Connected | None = None
        self._busy = False
        self.setWindowTitle(_("Connect to my organisation's server"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Your coordinator gives you the server's address, your user name and a "
                "password. You can paste the whole address into Server."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.host = QLineEdit()
        self.host.setPlaceholderText("server.example.org")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(team.DEFAULT_PORT)
        self.port.setMaximumWidth(120)
        self.database = QLineEdit(DEFAULT_DATABASE)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for label, widget, name in (
            (_("&Server:"), self.host, _("Server")),
            (_("P&ort:"), self.port, _("Port")),
            (_("&Database:"), self.database, _("Database")),
            (_("&User name:"), self.username, _("User name")),
            (_("&Password:"), self.password, _("Password")),
        ):
            buddy = QLabel(label)
            buddy.setBuddy(widget)
            widget.setAccessibleName(name)
            form.addRow(buddy, widget)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#b02a37;")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.connect_button = QPushButton(_("Connect"))
        self.connect_button.setProperty("primary", True)
        self.connect_button.setDefault(True)
        self.cancel_button = QPushButton(_("Cancel"))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.connect_button)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.host.editingFinished.connect(self._split_address)
        self.connect_button.clicked.connect(self.try_connect)
        self.cancel_button.clicked.connect(self.reject)
        if server is not None:
            self.host.setText(server.host)
            self.port.setValue(server.port)
            self.database.setText(server.database)
            self.username.setText(server.username)
        self.setMinimumWidth(480)
        grow_to_fit(self)

    def _split_address(self) -> None:
        """A pasted ``host:port/database`` (or a ``postgresql://`` address) fills the fields."""
        text = self.host.text().strip()
        if "/" not in text or text.startswith("/"):
            return
        try:
            found = ServerAddress.parse(text)
        except ValidationError as exc:
            self.message.setText(" ".join(exc.errors.values()))
            return
        self.host.setText(found.host)
        self.port.setValue(found.port)
        self.database.setText(found.database)
        self.message.clear()

    def address(self) -> ServerAddress | None:
        self._split_address()
        host, database = self.host.text().strip(), self.database.text().strip()
        if not host or not database:
            self.message.setText(_("Enter the server's name and its database."))
            return None
        return ServerAddress(host=host, database=database, port=self.port.value())

    def try_connect(self) -> None:
        if self._busy:
            return
        address = self.address()
        if address is None:
            return
        if not self.username.text().strip() or not self.password.text():
            self.message.setText(_("Enter your user name and password."))
            return
        self._set_busy(True)
        self.message.setText(_("Connecting…"))
        sign_in_to_server(
            self.ops,
            self,
            address,
            self.username.text(),
            self.password.text(),
            lambda ctx: self._connected(address, ctx),
            self._failed,
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.connect_button.setEnabled(not busy)
        for field in (self.host, self.port, self.database, self.username, self.password):
            field.setEnabled(not busy)

    def _connected(self, address: ServerAddress, ctx: ServiceContext) -> None:
        self._set_busy(False)
        self.password.clear()
        self.connected = Connected(address, ctx)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.message.setText(str(exc) if isinstance(exc, HomewardError) else describe(exc))
        grow_to_fit(self)
        self.password.clear()
        self.password.setFocus()

    def reject(self) -> None:
        if not self._busy:
            super().reject()

    @classmethod
    def connect_to_server(
        cls, ops: Operations, parent: QWidget | None = None, server: RememberedServer | None = None
    ) -> Connected | None:
        """Signed in to a server, or ``None`` (cancelled)."""
        dialog = cls(ops, parent, server)
        dialog.exec()
        return dialog.connected
