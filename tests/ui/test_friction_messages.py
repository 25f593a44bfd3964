"""Long messages wrap and are shown whole: the window grows to them."""

from __future__ import annotations

import re
import uuid
from typing import Any

from app.features.cases.ui.record_dialogs import NeedDialog
from app.kernel.errors import HomewardError
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from app.shell.signin import SignInWindow
from app.store import instance_lock
from app.ui_kit.operations import SyncOperations

LONG = (
    "The client has not given consent to sharing with partners. Record the client's consent "
    "on the Consent tab first, then send the referral again; nothing was sent."
)


def whole(label: Any) -> bool:
    return label.isVisible() and label.height() >= label.heightForWidth(label.width())


def test_a_dialogs_refusal_is_shown_whole(
    qtbot: Any, ctx: ServiceContext, ops: SyncOperations
) -> None:
    dialog = NeedDialog(None, ctx, ops, uuid.uuid4())
    qtbot.addWidget(dialog)
    dialog.resize(360, 200)
    dialog.show()
    dialog._failed(HomewardError(LONG))
    assert whole(dialog.message)


def test_already_open_by_is_whole_and_in_the_locales_time(
    qtbot: Any, workspace: CreatedWorkspace, ctx: ServiceContext
) -> None:
    window = SignInWindow(workspace.folder, SyncOperations())
    qtbot.addWidget(window)
    window.show()
    # what another process is told while ``ctx`` holds the workspace open
    window._failure(instance_lock._in_use(workspace.folder))
    text = window.message.text()
    assert "already open by" in text
    assert not re.search(r"\d{4}-\d\d-\d\d", text)  # not ISO: the one style, "7 Dec 2026, 11:45"
    assert re.search(r"since \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d\.", text)
    assert whole(window.message)
