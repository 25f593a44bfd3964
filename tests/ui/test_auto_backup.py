"""Automatic backups from the app, and the banners for a workspace opened read-only or in a
risky place."""

from __future__ import annotations

from typing import Any

from app.features.admin.services import backup_files
from app.features.admin.services.integrity import OpenOutcome
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from app.shell.main import Controller, notices
from app.shell.main_window import MainWindow
from app.ui_kit.operations import ChangeBus, SyncOperations
from tests.conftest import PASSWORD


def test_locking_makes_a_backup_first_and_the_daily_one_is_due_once(
    qtbot: Any, workspace: CreatedWorkspace
) -> None:
    ops = SyncOperations()
    controller = Controller(workspace.folder, ops)
    qtbot.addWidget(controller.signin)
    controller.signin.username.setText("coord")
    controller.signin.password.setText(PASSWORD)
    controller.signin.try_sign_in()
    assert controller.window is not None and controller.ctx is not None
    qtbot.addWidget(controller.window)
    assert controller.window.notices == []  # a healthy workspace in a plain folder
    controller._backup_if_due()
    controller._backup_if_due()  # the newest is minutes old: not due again
    made = backup_files.list_backups(workspace.folder)
    assert [b.reason for b in made] == ["daily"]
    controller.lock()
    assert controller.ctx is None
    made = backup_files.list_backups(workspace.folder)
    assert made[0].reason == "on_close"  # (one a day is kept: it replaced the daily one)
    assert all(backup_files.check_backup(b.path).intact for b in made)
    controller.shutdown()


def test_read_only_and_location_banners(qtbot: Any, ctx: ServiceContext) -> None:
    outcome = OpenOutcome(
        ctx,
        True,
        ("*** in database main *** Page 7: btreeInitPage() returns error code 11",),
        "damaged",
        (),
        "This workspace is in a folder that Dropbox synchronises.",
    )
    window = MainWindow(ctx, SyncOperations(), ChangeBus(), notices=notices(outcome))
    qtbot.addWidget(window)
    texts = [n.text() for n in window.notices]
    assert len(texts) == 2
    assert "read-only" in texts[0] and "Admin → Backups" in texts[0]
    assert "btreeInitPage" in window.notices[0].toolTip()
    assert "Dropbox" in texts[1]
    window.clear()
