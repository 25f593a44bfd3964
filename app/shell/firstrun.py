"""The welcome window: create the organisation's workspace (with the recovery code shown
once), open an existing workspace folder, connect to the organisation's team server, or try
the demo.

Creating goes through the next pages. Opening a folder and trying the demo finish the wizard
from the first page: the demo is built on the database thread (through :class:`Operations`,
with its progress shown), and the wizard closes with ``chosen`` set once it is ready.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.demo.workspace import create_demo_workspace
from app.kernel.errors import HomewardError
from app.kernel.i18n import LANGUAGES, _, current_language
from app.models.enums import Role
from app.services import workspace as ws
from app.shell.servers import Connected, ConnectServerDialog
from app.shell.workspaces import choose_folder, gone_text, not_a_workspace_text
from app.ui_kit.language import apply_language, language_combo, remember_language
from app.ui_kit.operations import Operations, describe
from app.ui_kit.progress import ProgressPanel, run_job
from app.ui_kit.widgets import FormWithErrors

START, ORGANISATION, ACCOUNT, RECOVERY = range(4)
DEMO_CASES = 300


class StartPage(QWizardPage):
    """Create a workspace (the next pages), or open a folder or the demo (the wizard then
    finishes from here, once the folder is known or the demo is built)."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.busy = False
        layout = QVBoxLayout(self)
        self.create_new = QRadioButton()
        self.open = QRadioButton()
        self.demo = QRadioButton()
        self.server = QRadioButton()
        self.create_new.setChecked(True)
        for button in (self.create_new, self.open, self.server, self.demo):
            layout.addWidget(button)
        self.language = language_combo()
        row = QHBoxLayout()
        self.language_label = QLabel()
        self.language_label.setBuddy(self.language)
        row.addWidget(self.language_label)
        row.addWidget(self.language)
        row.addStretch(1)
        layout.addLayout(row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.progress = ProgressPanel()
        self.progress.cancel_button.setVisible(False)  # building the demo cannot stop halfway
        layout.addWidget(self.progress)
        layout.addStretch(1)
        self.language.currentIndexChanged.connect(
            lambda _i: wizard.change_language(self.language.currentData())
        )
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Welcome to Homeward"))
        self.setSubTitle(
            _("There is no workspace on this computer yet. What would you like to do?")
            if self.wizard_.first_run
            else _("What would you like to do?")
        )
        self.create_new.setText(_("Create a workspace for my organisation"))
        self.open.setText(_("Open an existing workspace folder"))
        self.demo.setText(_("Try the demo, with made-up people and cases"))
        self.server.setText(_("Connect to my organisation's server"))
        self.language_label.setText(_("&Language:"))
        self.language.setAccessibleName(_("Language"))
        self.message.setText(gone_text(self.wizard_.gone))

    def nextId(self) -> int:
        # Never -1: Next stays Next for every choice; the wizard finishes itself for the demo
        # and for an existing folder (see FirstRunWizard.validateCurrentPage).
        return ORGANISATION

    def isComplete(self) -> bool:
        return not self.busy

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.create_new, self.open, self.server, self.demo, self.language):
            widget.setEnabled(not busy)
        self.completeChanged.emit()


class OrganisationPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.form = FormWithErrors()
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        self.organisation = QLineEdit()
        self.form.add("organisation", "", self.organisation)
        self.folder = QLineEdit(str(wizard.default_folder))
        self.form.add("folder", "", self.folder)
        self.registerField("organisation*", self.organisation)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Your organisation"))
        self.form.set_label("organisation", _("Organisation &name"))
        self.form.set_label("folder", _("Workspace &folder"))


class AccountPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.form = FormWithErrors()
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        self.display_name = QLineEdit()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.repeat = QLineEdit()
        for field in (self.password, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.add("display_name", "", self.display_name)
        self.form.add("username", "", self.username)
        self.form.add("password", "", self.password)
        self.form.add("repeat", "", self.repeat)
        self.registerField("display_name*", self.display_name)
        self.registerField("username*", self.username)
        self.registerField("password*", self.password)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("The coordinator's account"))
        self.setSubTitle(
            _("The coordinator manages users, backups and reports. Choose a long password.")
        )
        self.form.set_label("display_name", _("Full &name"))
        self.form.set_label("username", _("&User name"))
        self.form.set_label("password", _("&Password"))
        self.form.set_label("repeat", _("&Repeat the password"))


class RecoveryPage(QWizardPage):
    """Shows the recovery code once; the wizard cannot finish until it is stored."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        layout = QVBoxLayout(self)
        # In the page, not the wizard's sub-title: the header cuts a third line (ru).
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        self.code = QLabel()
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(16)
        self.code.setFont(font)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.code)
        self.print_button = QPushButton()
        layout.addWidget(self.print_button, alignment=Qt.AlignmentFlag.AlignLeft)
        self.stored = QCheckBox()
        layout.addWidget(self.stored)
        self.stored.toggled.connect(lambda _on: self.completeChanged.emit())
        self.print_button.clicked.connect(self._print)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Your recovery code"))
        self.explanation.setText(
            _(
                "If every password is forgotten, this code is the only way back into your data. "
                "It is shown only now. Print it or write it down, and keep it somewhere safe."
            )
        )
        self.code.setAccessibleName(_("Recovery code"))
        self.print_button.setText(_("Print…"))
        self.stored.setText(_("I have stored the recovery code somewhere safe"))

    def initializePage(self) -> None:
        self.code.setText(self.wizard_.recovery_code)

    def isComplete(self) -> bool:
        return self.stored.isChecked()

    def _print(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec():
            document = QTextDocument()
            document.setHtml(
                "<h2>{title}</h2><p style='font-family:monospace;font-size:20pt'>{code}</p>"
                "<p>{note}</p>".format(
                    title=_("Homeward recovery code"),
                    code=self.wizard_.recovery_code,
                    note=_("Keep this paper somewhere safe, away from the computer."),
                )
            )
            document.print_(printer)


class FirstRunWizard(QWizard):
    """The welcome window. ``chosen`` is the workspace folder to sign in to once it closes
    (``None`` if nothing was chosen)."""

    def __init__(
        self,
        default_folder: Path,
        ops: Operations,
        parent: QWidget | None = None,
        *,
        first_run: bool = True,
        gone: tuple[Path, ...] = (),
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.default_folder = default_folder
        #: False when opened from "Open another workspace…": there is a workspace already.
        self.first_run = first_run
        #: Remembered workspace folders found gone on the way here (said on the first page).
        self.gone = gone
        self.chosen: Path | None = None
        #: Signed in to a team server from the first page (then ``chosen`` stays ``None``).
        self.connected: Connected | None = None
        self.recovery_code = ""
        self._finishing = False
        self._working = False
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.start = StartPage(self)
        self.organisation = OrganisationPage(self)
        self.account = AccountPage()
        self.recovery = RecoveryPage(self)
        self.setPage(START, self.start)
        self.setPage(ORGANISATION, self.organisation)
        self.setPage(ACCOUNT, self.account)
        self.setPage(RECOVERY, self.recovery)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.retranslate()
        self.resize(680, 500)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Homeward"))
        buttons = QWizard.WizardButton
        for button, text in (
            (buttons.BackButton, _("< &Back")),
            (buttons.NextButton, _("&Next >")),
            (buttons.FinishButton, _("&Finish")),
            (buttons.CancelButton, _("Cancel")),
        ):
            self.setButtonText(button, text)
        for page in (self.start, self.organisation, self.account, self.recovery):
            page.retranslate()

    def change_language(self, code: str) -> None:
        """The language chosen on the first page: the whole wizard switches at once, and it
        becomes the coordinator's language."""
        apply_language(code)
        remember_language(code)
        self.retranslate()

    def validateCurrentPage(self) -> bool:
        if self._finishing:
            return True  # QWizard.done() asks once more on the way out
        if self.currentId() == START and not self.start.create_new.isChecked():
            if self.start.demo.isChecked():
                self.try_demo()
            elif self.start.server.isChecked():
                self.connect_server()
            else:
                self.open_folder()
            return False  # the wizard finishes itself once the folder is known
        if self.currentId() == ACCOUNT:
            return self._create_workspace()
        return super().validateCurrentPage()

    def _finish(self, folder: Path) -> None:
        self.chosen = folder
        self._finishing = True
        self.accept()

    def reject(self) -> None:
        if self.start.busy or self._working:
            return  # a workspace is being made on the database thread: wait for it
        super().reject()

    # -- an existing folder --

    def open_folder(self) -> None:
        self.start.message.clear()
        folder = choose_folder(self)
        if folder is None:
            return
        if not ws.has_workspace(folder):
            self.start.message.setText(not_a_workspace_text())
            return
        self._finish(folder)

    # -- the organisation's team server --

    def connect_server(self) -> None:
        self.start.message.clear()
        connected = ConnectServerDialog.connect_to_server(self.ops, self)
        if connected is None:
            return
        self.connected = connected
        self._finishing = True
        self.accept()

    # -- the demo --

    def try_demo(self) -> None:
        if self.start.busy:
            return
        folder = ws.default_demo_workspace()
        if ws.has_workspace(folder):
            self._finish(folder)  # built on an earlier run
            return
        self._set_busy(True)
        self.start.message.setText(_("Building the demo workspace…"))
        run_job(
            self.ops,
            self.start.progress,
            lambda state: create_demo_workspace(
                folder, cases=DEMO_CASES, seed=1, progress=state.progress
            ),
            lambda _made: self._demo_built(folder),
            self._demo_failed,
            label=_("Building the demo workspace…"),
        )

    def _set_busy(self, busy: bool) -> None:
        self.start.set_busy(busy)
        self.button(QWizard.WizardButton.CancelButton).setEnabled(not busy)

    def _demo_built(self, folder: Path) -> None:
        self._set_busy(False)
        self._finish(folder)

    def _demo_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.start.message.setText(describe(exc))

    # -- a new workspace --

    def _create_workspace(self) -> bool:
        account, org = self.account, self.organisation
        account.form.clear_errors()
        org.form.clear_errors()
        if account.password.text() != account.repeat.text():
            account.form.show_errors({"repeat": _("The two passwords are not the same.")})
            return False
        folder = Path(org.folder.text()).expanduser()
        admin = ws.NewUser(
            username=account.username.text(),
            display_name=account.display_name.text(),
            role=Role.COORDINATOR,
            password=account.password.text(),
            language=current_language() if current_language() in LANGUAGES else LANGUAGES[0],
        )
        name = org.organisation.text()
        # While the key is derived (about a second) the buttons wait, so a second click on
        # Next cannot start a second workspace in the same folder.
        self._set_buttons_enabled(False)
        try:
            created = self.ops.call(
                lambda: ws.create_workspace(folder, organisation=name, admin=admin)
            )
        except HomewardError as exc:
            errors = getattr(exc, "errors", {"username": str(exc)})
            if not account.form.show_errors(errors) and not org.form.show_errors(errors):
                account.form.show_errors({"username": str(exc)})
            return False
        except Exception as exc:  # a bug or a full disk: say so, keep the wizard open
            account.form.show_errors({"username": describe(exc)})
            return False
        finally:
            self._set_buttons_enabled(True)
        account.password.clear()
        account.repeat.clear()
        self.recovery_code = created.recovery_code
        self.chosen = created.folder
        return True

    def _set_buttons_enabled(self, enabled: bool) -> None:
        self._working = not enabled
        buttons = QWizard.WizardButton
        for which in (buttons.BackButton, buttons.NextButton, buttons.CancelButton):
            self.button(which).setEnabled(enabled)

    @classmethod
    def choose_workspace(
        cls,
        default_folder: Path,
        ops: Operations,
        parent: QWidget | None = None,
        *,
        first_run: bool = True,
    ) -> Path | Connected | None:
        """The workspace folder to sign in to, a team server signed in to, or ``None``."""
        wizard = cls(default_folder, ops, parent, first_run=first_run)
        wizard.exec()
        return wizard.connected or wizard.chosen
