"""A full disk while saving a meeting: the dialog stays open with everything typed in it and
says so plainly; once space is freed, Save records the meeting.

Real (a filled tmpfs) where the machine allows; the injected twin always runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3.dbapi2 as sqlcipher
from PySide6.QtWidgets import QDialog

from app.features.cases.services import meetings
from app.features.cases.ui.record_dialogs import MeetingDialog
from app.models.enums import MeetingKind
from app.security import audit
from app.services.context import ServiceContext
from app.services.workspace import unlock
from app.ui_kit.operations import SyncOperations
from tests.conftest import PASSWORD
from tests.disks import fill, small_disk
from tests.integration.helpers.casework import case_for, client
from tests.integration.test_disk_failures import new_workspace

TYPED = "Stefan found a room; he starts at the bakery on Monday."
NOTE = TYPED + " Grünerløkka, Țăranu."  # keyClicks types ASCII only
FOLLOW_UP = "Ring the bakery on Friday"
SHOWN = "The disk is full — nothing was lost; free some space and save again."

#: Makes the disk full and returns how to free it again.
MakeFull = Callable[[], Callable[[], None]]


@pytest.fixture(params=["real", "injected"])
def full_disk(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[ServiceContext, MakeFull]]:
    if request.param == "real":
        with small_disk(tmp_path / "disk") as disk:
            workspace = new_workspace(disk / "ws")
            with unlock(workspace.folder, "coord", PASSWORD) as ctx:

                def make_full() -> Callable[[], None]:
                    return fill(disk).unlink

                yield ctx, make_full
        return
    workspace = new_workspace(tmp_path / "ws")
    with unlock(workspace.folder, "coord", PASSWORD) as ctx:

        def make_full_injected() -> Callable[[], None]:
            def full(*args: object, **kwargs: object) -> Any:
                raise sqlcipher.OperationalError("database or disk is full")

            # every audit append (the meeting's: on its write cursor) fails as on a full disk
            monkeypatch.setattr(audit, "_append", full)
            monkeypatch.setattr(audit, "append_on_cursor", full)
            return monkeypatch.undo

        yield ctx, make_full_injected


def test_the_meeting_dialog_keeps_what_was_typed_when_the_disk_is_full(
    qtbot: Any, full_disk: tuple[ServiceContext, MakeFull]
) -> None:
    ctx, make_full = full_disk
    case = case_for(ctx, client(ctx).id)
    dialog = MeetingDialog(None, ctx, SyncOperations(), case.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.summary, TYPED)
    dialog.summary.insertPlainText(NOTE.removeprefix(TYPED))
    dialog.follow_up.setText(FOLLOW_UP)
    dialog.kind.setCurrentIndex(dialog.kind.findData(MeetingKind.PRISON_VISIT))
    free = make_full()
    try:
        dialog.save()

        assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
        assert dialog.message.isVisible() and dialog.message.text() == SHOWN
        assert dialog.summary.toPlainText() == NOTE
        assert dialog.follow_up.text() == FOLLOW_UP
        assert dialog.buttons.isEnabled()
        assert meetings.list_case_meetings(ctx, case.id) == []

        free()
        dialog.save()

        assert dialog.result() == QDialog.DialogCode.Accepted
        assert [m.summary for m in meetings.list_case_meetings(ctx, case.id)] == [NOTE]
    finally:
        if dialog.isVisible():  # closing a dialog with unsaved text would ask, and wait
            dialog.done(QDialog.DialogCode.Rejected)
