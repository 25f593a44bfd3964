"""Start the GUI and run its life cycle: the first window (:class:`Startup`: the sign-in of
the workspace opened last, or the welcome window) → sign in → main window → lock → sign in.

:class:`Controller` is the one object that knows about all windows of an open workspace.
Locking (by the Lock button, Ctrl+L, or idle time) first has every open dialog keep what is
typed as a draft (queued on the database thread ahead of everything below), then clears and
destroys the main window — every widget that showed client data — closes the database
connections and forgets the key on the database thread, and shows the sign-in window again.
After the same user signs in, their drafts are offered back (:mod:`app.shell.drafts`).
"""

from __future__ import annotations

import logging
import sys
import uuid
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox

from app.features.admin.services import backup, users
from app.features.admin.services import recent_workspaces as recent
from app.features.admin.services.integrity import OpenOutcome
from app.features.admin.services.recent_workspaces import RememberedServer
from app.kernel.errors import HomewardError
from app.kernel.i18n import LANGUAGES, _, current_language
from app.security.idle import IdleTimer
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.services.team import ServerAddress
from app.shell.crash_guard import GuiGarbageCollector, enable_fault_handler
from app.shell.drafts import keep_open_dialogs, offer_drafts
from app.shell.firstrun import FirstRunWizard
from app.shell.main_window import MainWindow, WindowState
from app.shell.servers import Connected
from app.shell.signin import SignInWindow
from app.shell.workspaces import WELCOME, OpenWorkspaceDialog, gone_text
from app.ui_kit import style
from app.ui_kit.language import apply_language, remember_language, remembered_language
from app.ui_kit.operations import ChangeBus, Operations, describe

log = logging.getLogger(__name__)

IDLE_POLL_MS = 5_000
#: The daily backup is checked for ten minutes after sign-in, then every hour. It runs
#: beside the database thread, but it still reads the whole database (a 2 GB workspace takes
#: about a minute to copy and verify), so it waits until the user is settled.
BACKUP_FIRST_MS = 10 * 60 * 1000
BACKUP_EVERY_MS = 60 * 60 * 1000
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Homeward")
        app.setOrganizationName("Homeward")
        enable_fault_handler()
        # Parented to the application, so it lives as long as the GUI thread's event loop.
        GuiGarbageCollector(app)
        style.apply(app)
        apply_language(remembered_language())
    return app


def remembered(server: RememberedServer) -> ServerAddress:
    return ServerAddress(host=server.host, database=server.database, port=server.port)


class Controller(QObject):
    """Signing in to one workspace folder or team server (``folder``), the main window
    while someone is signed in, locking, and the automatic backups."""

    def __init__(self, folder: Path | ServerAddress, ops: Operations, username: str = "") -> None:
        super().__init__()
        self.folder = folder
        self.ops = ops
        self.bus = ChangeBus()
        self.ctx: ServiceContext | None = None
        self.window: MainWindow | None = None
        self.idle = IdleTimer()
        self.signin = SignInWindow(folder, ops)
        if username:
            self.signin.set_folder(folder, username)
        self.signin.signed_in.connect(self._signed_in)
        self.signin.other_workspace_was_requested.connect(self.open_another_workspace)
        self._idle_poll = QTimer(self)
        self._idle_poll.setInterval(IDLE_POLL_MS)
        self._idle_poll.timeout.connect(self._check_idle)
        self._backup_timer = QTimer(self)
        self._backup_timer.setSingleShot(True)
        self._backup_timer.timeout.connect(self._backup_if_due)
        #: Banners for the main window: read-only (damaged database), location warning.
        self.notices: tuple[tuple[str, str], ...] = ()
        ops.failed.connect(self._show_failure)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def start(self) -> None:
        if isinstance(self.folder, Path):
            recent.remember_workspace(self.folder)
        self.signin.show()

    # -- another workspace --

    def open_another_workspace(self) -> None:
        """The sign-in window's "Open another workspace…": a remembered one, a folder, or the
        welcome window (the demo, a new workspace). Only while nobody is signed in."""
        if self.ctx is not None:
            return
        choice = OpenWorkspaceDialog.choose(self.folder, self.signin)
        if isinstance(choice, RememberedServer):
            self.switch_workspace(remembered(choice), choice.username)
        elif choice == WELCOME:
            chosen = FirstRunWizard.choose_workspace(
                recent.new_workspace_folder(), self.ops, self.signin, first_run=False
            )
            if isinstance(chosen, Connected):
                self.switch_workspace(chosen.address)
                self.signed_in_elsewhere(chosen.ctx)
                return
            if chosen is not None:
                self.switch_workspace(chosen)
        elif isinstance(choice, Path):
            self.switch_workspace(choice)
        self.signin.activateWindow()
        self.signin.focus_form()  # not left on the button: typing goes into the form

    def switch_workspace(self, folder: Path | ServerAddress, username: str = "") -> None:
        self.folder = folder
        self.signin.set_folder(folder, username)
        if isinstance(folder, Path):
            recent.remember_workspace(folder)

    def signed_in_elsewhere(self, ctx: ServiceContext) -> None:
        """Signed in already (the "Connect to my organisation's server" dialog): on as if
        through this sign-in window."""
        self.signin.username.setText(ctx.require_actor().username)  # kept when locked
        self.signin.reset()
        self._signed_in(ctx)

    # -- sign-in --

    def _signed_in(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.notices = notices(self.signin.outcome)
        actor = ctx.require_actor()
        if isinstance(self.folder, ServerAddress):
            # Where and who only: the list never holds a password or anything of a client.
            address = self.folder
            recent.remember_server(
                RememberedServer(address.host, address.port, address.database, actor.username)
            )
        language = actor.language
        chosen = self.signin.chosen_language
        if chosen in LANGUAGES and chosen != language:
            # Picked on the sign-in window just now: that is the user's language from now on.
            try:
                self.ops.call(lambda: users.set_own_language(ctx, chosen))
                language = chosen
            except HomewardError:
                pass
        apply_language(language)
        if actor.must_change_password:
            changed = self._change_temporary_password(ctx)
            self.signin.last_password = ""
            if not changed:
                self.lock()
                return
        self.window = self._open_window(ctx)
        self.signin.hide()
        self.window.show()
        self._idle_poll.start()
        self._backup_timer.start(BACKUP_FIRST_MS)
        offer_drafts(self.window)

    def _open_window(self, ctx: ServiceContext, state: WindowState | None = None) -> MainWindow:
        def load() -> tuple[str, int, dict[uuid.UUID, str]]:
            names = {u.id: u.display_name for u in users.list_active_staff(ctx)}
            return ws.organisation_name(ctx), ws.idle_lock_minutes(ctx), names

        organisation, minutes, names = self.ops.call(load)
        self.idle = IdleTimer(minutes)
        window = MainWindow(
            ctx,
            self.ops,
            self.bus,
            organisation=organisation,
            user_names=names,
            notices=self.notices,
        )
        window.lock_was_requested.connect(self.lock)
        window.idle_minutes_did_change.connect(lambda m: setattr(self, "idle", IdleTimer(m)))
        window.language_was_chosen.connect(self.change_language)
        if state is not None:
            window.restore_state(state)
        return window

    # -- language --

    def change_language(self, language: str) -> None:
        """The signed-in user chose another language: store it, then rebuild the main window
        in it, with the same page, open cases and searches (dialogs are modal, so nothing
        half-typed is open while the menu is used)."""
        ctx = self.ctx
        if ctx is None or self.window is None:
            return
        self.ops.run(
            lambda: users.set_own_language(ctx, language),
            lambda _done: self._rebuild_window(language),
            lambda exc: self._show_failure(str(exc)),
        )

    def _rebuild_window(self, language: str) -> None:
        old, ctx = self.window, self.ctx
        if old is None or ctx is None:
            return
        state = old.save_state()
        was_maximised = old.isMaximized()
        apply_language(language)
        remember_language(language)
        self.signin.show_language(current_language())
        window = self._open_window(ctx, state)
        self.window = window
        window.showMaximized() if was_maximised else window.show()
        old.clear()
        old.hide()
        old.deleteLater()

    def _change_temporary_password(self, ctx: ServiceContext) -> bool:
        while True:
            new, ok = QInputDialog.getText(
                self.signin,
                _("Choose your own password"),
                _(
                    "You signed in with a temporary password. Choose a new password (at least 8 characters):"
                ),
                QLineEdit.EchoMode.Password,
            )
            if not ok:
                return False
            try:
                self._change(ctx, self.signin.last_password, new)
            except HomewardError as exc:
                QMessageBox.warning(self.signin, _("Homeward"), str(exc))
                continue
            return True

    def _change(self, ctx: ServiceContext, current: str, new: str) -> None:
        self.ops.call(lambda: users.change_own_password(ctx, current, new))

    # -- locking --

    def lock(self) -> None:
        self._idle_poll.stop()
        self._backup_timer.stop()
        window, ctx = self.window, self.ctx
        self.window, self.ctx = None, None
        if ctx is not None:
            # Before anything is cleared or the lock is queued: the drafts are written with
            # the key that locking forgets.
            keep_open_dialogs(ctx)
        if window is not None:
            window.clear()
            window.hide()
            window.deleteLater()
        if ctx is not None:
            self._close_workspace(ctx)
        self.signin.reset()
        self.signin.show_language(current_language())
        self.signin.show()

    def _close_workspace(self, ctx: ServiceContext) -> None:
        """The backup on close, then locking: both on the database thread, in this order
        (the backup needs the key that locking forgets). ``backup_on_close`` never raises
        for a failed backup; it logs it."""
        self.ops.run(
            lambda: backup.backup_on_close(ctx), None, lambda _exc: None, label=_("Backing up…")
        )
        self.ops.run(lambda: ws.lock_workspace(ctx), None, lambda _exc: ctx.lock())

    # -- automatic backups --

    def _backup_if_due(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        self._backup_timer.start(BACKUP_EVERY_MS)

        def made(result: backup.BackupResult | None) -> None:
            if result is not None and self.ctx is ctx:
                self.ops.run(lambda: backup.record_backup(ctx), None, self._backup_failed)

        # Beside the database thread: the screens keep working while the copy is made and
        # checked (a minute at 100,000 cases). Its audit event is written on the database
        # thread afterwards.
        self.ops.run_aside(
            lambda: backup.daily_copy(ctx),
            made,
            self._backup_failed,
            label=_("Making the daily backup…"),
        )

    def _backup_failed(self, exc: BaseException) -> None:
        log.warning("the daily backup failed: %s", type(exc).__name__)
        if self.window is not None:
            self.window.statusBar().showMessage(
                _("The daily backup could not be made: {reason}").format(reason=describe(exc))
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self.idle.touch()
        return False

    def _check_idle(self) -> None:
        if self.window is not None and self.idle.expired():
            self.lock()

    def _show_failure(self, message: str) -> None:
        QMessageBox.warning(self.window or self.signin, _("Homeward"), message)

    def shutdown(self) -> None:
        self._idle_poll.stop()
        self._backup_timer.stop()
        ctx = self.ctx
        if ctx is not None:
            keep_open_dialogs(ctx)
            self._close_workspace(ctx)
        self.ops.wait_idle(timeout_ms=120_000)  # the backup on close of a big workspace
        self.ops.shutdown()


def notices(outcome: OpenOutcome | None) -> tuple[tuple[str, str], ...]:
    """Banners (text, details) for how the workspace was opened."""
    if outcome is None:
        return ()
    found: list[tuple[str, str]] = []
    if outcome.read_only:
        found.append(
            (
                _(
                    "Opened read-only because the database is damaged: you can read and print, "
                    "but not change anything. Restore from a backup (Admin → Backups) into a "
                    "new folder, and keep this folder as it is."
                ),
                "\n".join(outcome.problems),
            )
        )
    if outcome.audit_warning:
        found.append(
            (
                _(
                    "The audit trail does not match its record outside the database: records of "
                    "who did what may have been removed or changed. A coordinator should run "
                    "'homeward verify' and keep this folder as it is."
                ),
                outcome.audit_warning,
            )
        )
    if outcome.location_warning:
        found.append((outcome.location_warning, ""))
    return tuple(found)


class Startup(QObject):
    """The first window of a run: the sign-in of the workspace asked for (``--workspace``),
    else of the one opened last on this computer, else of the default folder's — or, when
    there is none, the welcome window, whose choice then opens its sign-in."""

    #: The welcome window closed without a workspace: nothing more to show.
    nothing_was_chosen = Signal()

    def __init__(self, ops: Operations) -> None:
        super().__init__()
        self.ops = ops
        self.wizard: FirstRunWizard | None = None
        self.controller: Controller | None = None

    def start(self, workspace: Path | None = None) -> None:
        if workspace is not None:
            if ws.has_workspace(workspace):
                self._open(workspace)
            else:
                self._welcome(workspace, ())
            return
        known = recent.remembered_workspaces()
        default = recent.default_workspace_folder()
        servers = recent.remembered_servers()
        if servers and (recent.last_opened_is_server() or not known.folders):
            self._open(remembered(servers[0]), known.dropped, servers[0].username)
        elif known.folders:
            self._open(known.folders[0], known.dropped)
        elif ws.has_workspace(default):
            self._open(default, known.dropped)
        else:
            self._welcome(default, known.dropped)

    def _open(
        self, folder: Path | ServerAddress, gone: tuple[Path, ...] = (), username: str = ""
    ) -> Controller:
        controller = Controller(folder, self.ops, username)
        self.controller = controller
        controller.start()
        if gone:
            controller.signin.message.setText(gone_text(gone))
        return controller

    def _welcome(self, default: Path, gone: tuple[Path, ...]) -> None:
        wizard = FirstRunWizard(default, self.ops, gone=gone)
        self.wizard = wizard
        wizard.finished.connect(self._welcome_finished)
        wizard.show()

    def _welcome_finished(self, _result: int) -> None:
        chosen = self.wizard.chosen if self.wizard is not None else None
        connected = self.wizard.connected if self.wizard is not None else None
        if connected is not None:
            self._open(connected.address).signed_in_elsewhere(connected.ctx)
        elif chosen is None:
            self.nothing_was_chosen.emit()
        else:
            self._open(chosen)

    def shutdown(self) -> None:
        if self.controller is not None:
            self.controller.shutdown()
        else:
            self.ops.shutdown()


def run_gui(workspace: Path | None = None) -> int:
    """Open the app on ``workspace``, or (``None``) on the workspace opened last."""
    app = application()
    startup = Startup(Operations())
    startup.nothing_was_chosen.connect(app.quit, Qt.ConnectionType.QueuedConnection)
    startup.start(workspace)
    try:
        return app.exec()
    finally:
        startup.shutdown()
