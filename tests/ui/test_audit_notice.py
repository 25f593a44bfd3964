"""A sign-in that finds the audit trail cut says so in a banner, with the finding beneath."""

from __future__ import annotations

from typing import Any

from app.features.admin.services.integrity import OpenOutcome
from app.services.context import ServiceContext
from app.shell.main import notices
from app.shell.main_window import MainWindow
from app.ui_kit.operations import ChangeBus, SyncOperations


def test_a_cut_audit_trail_shows_a_banner(qtbot: Any, ctx: ServiceContext) -> None:
    finding = "The audit trail ends at event 29, but the witness file recorded event 39."
    outcome = OpenOutcome(ctx, False, (), None, (), None, finding)
    window = MainWindow(ctx, SyncOperations(), ChangeBus(), notices=notices(outcome))
    qtbot.addWidget(window)
    texts = [n.text() for n in window.notices]
    assert len(texts) == 1
    assert "homeward verify" in texts[0]
    assert finding in window.notices[0].toolTip()
    window.clear()
