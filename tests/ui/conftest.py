"""GUI test fixtures: real widgets, offscreen, a synchronous executor for database work.

Modal dialogs are driven by :func:`answer_dialog`, which schedules a function to run on the
next dialog that opens (it fills fields and presses Save, or Cancel).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace, unlock
from app.shell.main_window import MainWindow
from app.ui_kit.operations import ChangeBus, Operations, SyncOperations
from tests.conftest import PASSWORD


@pytest.fixture
def ops() -> SyncOperations:
    return SyncOperations()


@pytest.fixture
def bus() -> ChangeBus:
    return ChangeBus()


@pytest.fixture
def window(
    qtbot: Any, ctx: ServiceContext, ops: SyncOperations, bus: ChangeBus
) -> Iterator[MainWindow]:
    main = MainWindow(ctx, ops, bus, organisation="Test Organisation")
    qtbot.addWidget(main)
    main.show()
    yield main
    main.clear()


def answer_dialog(
    kind: type[QWidget], action: Callable[[Any], None], *, attempts: int = 50
) -> None:
    """Run ``action(dialog)`` on the next visible top-level widget of type ``kind``."""

    def attempt(left: int) -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, kind) and widget.isVisible():
                try:
                    action(widget)
                except BaseException:
                    # never leave a modal dialog open: the test would hang instead of failing
                    if isinstance(widget, QDialog):
                        widget.done(QDialog.DialogCode.Rejected)
                    raise
                return
        if left:
            QTimer.singleShot(20, lambda: attempt(left - 1))

    QTimer.singleShot(0, lambda: attempt(attempts))


def accept_message_box(button: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes) -> None:
    def press(box: QMessageBox) -> None:
        box.button(button).click()

    answer_dialog(QMessageBox, press)


def close_dialog(dialog: QDialog) -> None:
    dialog.reject()


@pytest.fixture
def signed_in(workspace: CreatedWorkspace) -> Iterator[ServiceContext]:
    context = unlock(workspace.folder, "coord", PASSWORD)
    yield context
    context.lock()


@pytest.fixture
def threaded_ops() -> Iterator[Operations]:
    """The real :class:`Operations`, with its database thread (waited for, then stopped)."""
    operations = Operations()
    yield operations
    operations.wait_idle()
    operations.shutdown()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh user's home: its own data folder (the default and the demo workspace) and
    state folder (the workspaces remembered on this computer)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOMEWARD_STATE_DIR", str(tmp_path / "state"))
    return tmp_path


@pytest.fixture
def quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The welcome window with the Argon2id floor instead of 0.5 s calibration, and a small
    demo: the same paths, only faster."""
    from app.demo.workspace import create_demo_workspace
    from app.shell import firstrun

    monkeypatch.setattr(firstrun, "DEMO_CASES", 20)
    monkeypatch.setattr(
        firstrun, "create_demo_workspace", functools.partial(create_demo_workspace, kdf_seconds=0)
    )
    monkeypatch.setattr(
        "app.shell.firstrun.ws.create_workspace",
        functools.partial(firstrun.ws.create_workspace, kdf_seconds=0),
    )
