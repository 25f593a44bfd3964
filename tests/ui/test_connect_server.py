"""Connecting to the organisation's team server from the GUI, end to end against a real TLS
server (tests/team_server.py): the welcome window's "Connect to my organisation's server",
the certificate confirmed at first contact, the main window signed in; then a second window
on the same server (no single-instance lock), opened from the remembered server, sees the
meeting the first one recorded; and a wrong password or a changed certificate said plainly.

Login roles belong to the whole cluster: the names here are this test's own, dropped with
its database at the end.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from app.features.admin.services import recent_workspaces as recent
from app.features.cases.services import cases
from app.features.cases.services.meetings import MeetingInput, list_case_meetings, record_meeting
from app.features.people.services import people
from app.models.enums import CaseKind, MeetingKind, Role
from app.services import team
from app.services.team import ServerAddress
from app.services.workspace import NewUser
from app.shell.main import Startup
from app.shell.servers import CertificateChangedDialog, CertificateDialog, ConnectServerDialog
from app.store import tls
from app.store.local_server import LocalServer
from app.ui_kit.operations import SyncOperations
from tests.ui.conftest import answer_dialog

PASSWORD = "correct horse battery"
SUMMARY = "First talk after release"


def _admin(server: LocalServer, database: str = "postgres") -> psycopg.Connection[Any]:
    connection = server.connection()
    return psycopg.connect(
        host=str(connection.socket_dir),
        port=connection.port,
        user=connection.superuser,
        password=server.admin_password(),
        dbname=database,
        autocommit=True,
    )


@pytest.fixture(scope="module")
def server_db(team_server: LocalServer) -> Iterator[tuple[ServerAddress, str]]:
    """A fresh team server database on the TLS server, set up with a coordinator of this
    test's own name; its database, groups and logins dropped afterwards."""
    tag = secrets.token_hex(3)
    database, admin = f"gui_{tag}", f"gui_kari_{tag}"
    connection = team_server.connection()
    assert connection.host is not None
    with _admin(team_server) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        team.setup_server(
            f"postgresql+psycopg://{connection.superuser}@/{database}"
            f"?host={connection.socket_dir}&port={connection.port}",
            organisation="Demo",
            admin=NewUser(admin, "Kari Nordmann", Role.COORDINATOR, PASSWORD, "en"),
            kdf_seconds=0,
            password=team_server.admin_password(),
        )
        yield ServerAddress(connection.host, database, connection.port), admin
    finally:
        with _admin(team_server) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )
            for role in (admin, *(f"{database}_{r.value}" for r in Role)):
                with contextlib.suppress(psycopg.Error):
                    conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def _fill(dialog: ConnectServerDialog, pasted: str, username: str, password: str) -> None:
    dialog.host.setText(pasted)
    dialog.host.editingFinished.emit()
    dialog.username.setText(username)
    dialog.password.setText(password)


def test_connect_confirm_sign_in_and_a_second_window_sees_the_meeting(
    qtbot: Any, home: Path, server_db: tuple[ServerAddress, str]
) -> None:
    address, admin = server_db
    ops = SyncOperations()
    startup = Startup(ops)
    startup.start()
    wizard = startup.wizard
    assert wizard is not None  # nothing on this computer yet: the welcome window
    qtbot.addWidget(wizard)
    seen: dict[str, str] = {}

    def confirm(box: CertificateDialog) -> None:
        seen["fingerprint"] = box.fingerprint.text().replace("\n", ":")
        assert not box.trust_button.isDefault()  # Enter alone never trusts a certificate
        box.trust_button.click()

    def wrong_then_right(dialog: ConnectServerDialog) -> None:
        _fill(dialog, address.label, admin, "not the password")
        answer_dialog(CertificateDialog, confirm)
        dialog.connect_button.click()
        # The certificate is pinned now; the password was wrong: said in the dialog, the
        # typed address kept, the password cleared.
        assert "did not accept" in dialog.message.text()
        assert (dialog.host.text(), dialog.port.value()) == (address.host, address.port)
        assert dialog.database.text() == address.database
        assert dialog.username.text() == admin and dialog.password.text() == ""
        dialog.password.setText(PASSWORD)
        dialog.connect_button.click()

    wizard.start.server.setChecked(True)
    answer_dialog(ConnectServerDialog, wrong_then_right)
    wizard.next()
    assert wizard.connected is not None, "the dialog did not sign in"
    where = tls.Address(address.host, address.port)
    assert seen["fingerprint"] == tls.first_contact(where).fingerprint
    assert tls.PinStore().pinned(where) is not None

    controller = startup.controller
    assert controller is not None and controller.window is not None
    window, ctx = controller.window, controller.ctx
    assert ctx is not None and ctx.require_actor().username == admin
    qtbot.addWidget(window)
    assert window.isVisible()
    # The server is remembered: where and who, nothing more.
    remembered = recent.remembered_servers()
    assert remembered == (
        recent.RememberedServer(address.host, address.port, address.database, admin),
    )
    assert recent.last_opened_is_server()
    assert PASSWORD not in (home / "state" / recent.FILE_NAME).read_text()

    client = people.create_person(ctx, people.PersonInput("Ion", "Lungu"))
    case = cases.open_case(ctx, cases.CaseInput(CaseKind.RELEASE_SUPPORT, client.id, date.today()))
    record_meeting(
        ctx,
        MeetingInput(case.id, datetime.now() - timedelta(hours=1), 30, MeetingKind.PHONE, SUMMARY),
    )

    # A second window on the same server while the first stays signed in: the sign-in
    # window of the remembered server, its user name filled in.
    second = Startup(ops)
    second.start()
    other = second.controller
    assert other is not None and second.wizard is None
    qtbot.addWidget(other.signin)
    assert other.signin.username.text() == admin
    assert address.label in other.signin.workspace.toolTip()
    other.signin.password.setText(PASSWORD)
    other.signin.sign_in_button.click()
    assert other.window is not None and other.ctx is not None, other.signin.message.text()
    qtbot.addWidget(other.window)
    assert [m.summary for m in list_case_meetings(other.ctx, case.id)] == [SUMMARY]
    try:
        opened = other.window.open_case(case.id)
        qtbot.waitUntil(lambda: getattr(opened, "bundle", None) is not None, timeout=10_000)
        bundle = opened.bundle  # type: ignore[union-attr]
        assert [m.summary for m in bundle.meetings] == [SUMMARY]  # what the case tab lists
    finally:
        other.lock()
        controller.lock()
    # Locked: back at the server's sign-in window, the user name kept, the password not.
    assert controller.signin.username.text() == admin
    assert controller.signin.password.text() == ""


def test_a_changed_certificate_is_trusted_only_on_the_explicit_button(
    qtbot: Any,
    home: Path,
    server_db: tuple[ServerAddress, str],
    team_server: LocalServer,
) -> None:
    address, admin = server_db
    where = tls.Address(address.host, address.port)
    tls.PinStore().pin(where, tls.first_contact(where))
    old = tls.PinStore().pinned(where)
    assert old is not None
    team_server.renew_certificate()  # as an attacker in the middle would show another one
    ops = SyncOperations()
    dialog = ConnectServerDialog(ops)
    qtbot.addWidget(dialog)
    _fill(dialog, address.label, admin, PASSWORD)
    answer_dialog(CertificateChangedDialog, lambda box: box.reject())
    dialog.connect_button.click()
    assert dialog.connected is None
    assert "not trusted" in dialog.message.text()
    assert tls.PinStore().pinned(where) == old  # the pin stays until the user decides

    def trust(box: CertificateChangedDialog) -> None:
        assert box.cancel_button.isDefault() and not box.trust_button.isDefault()
        box.trust_button.click()

    dialog.password.setText(PASSWORD)
    answer_dialog(CertificateChangedDialog, trust)
    dialog.connect_button.click()
    assert dialog.connected is not None, dialog.message.text()
    dialog.connected.ctx.lock()
    pinned = tls.PinStore().pinned(where)
    assert pinned is not None and pinned.fingerprint != old.fingerprint


def test_open_another_workspace_lists_a_remembered_server_and_signs_in_there(
    qtbot: Any, home: Path
) -> None:
    from app.shell.main import Controller
    from app.shell.workspaces import OpenWorkspaceDialog

    folder = home / "laptop"
    folder.mkdir()
    (folder / "keyslots.json").write_text("{}")
    server = recent.RememberedServer("db.example.org", 5433, "office", "tove")
    recent.remember_server(server)
    controller = Controller(folder, SyncOperations())
    qtbot.addWidget(controller.signin)
    controller.start()  # the folder is remembered first, the server after it

    def choose_server(dialog: OpenWorkspaceDialog) -> None:
        rows = [dialog.list.item(r).text() for r in range(dialog.list.count())]
        assert rows == [f"{folder} (open now)", "db.example.org:5433/office (team server)"]
        dialog.list.setCurrentRow(1)
        dialog.open_button.click()

    answer_dialog(OpenWorkspaceDialog, choose_server)
    controller.open_another_workspace()
    assert controller.folder == ServerAddress("db.example.org", "office", 5433)
    assert controller.signin.workspace.text() == "Server: db.example.org:5433/office"
    assert controller.signin.username.text() == "tove"
    assert not controller.signin.demo.isVisible()


def test_an_unreachable_server_is_said_plainly_and_the_typed_values_stay(
    qtbot: Any, home: Path
) -> None:
    from tests.team_server import free_tcp_port

    port = free_tcp_port()  # nothing listens there
    dialog = ConnectServerDialog(SyncOperations())
    qtbot.addWidget(dialog)
    _fill(dialog, f"localhost:{port}/homeward", "kari", "secret words")
    dialog.connect_button.click()
    assert dialog.connected is None
    assert dialog.message.text() == f"The server localhost:{port} could not be reached."
    assert (dialog.host.text(), dialog.port.value(), dialog.username.text()) == (
        "localhost",
        port,
        "kari",
    )
    assert dialog.password.text() == "" and dialog.connect_button.isEnabled()
