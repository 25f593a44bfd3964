"""Exports are offered in the user's Documents folder, then in the last folder they chose
(only the folder is remembered)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog

from app.shell.main_window import MainWindow
from app.ui_kit import export_folder


@pytest.fixture(autouse=True)
def no_remembered_folder() -> Iterator[None]:
    settings = QSettings()
    before = settings.value(export_folder.SETTINGS_KEY)
    settings.remove(export_folder.SETTINGS_KEY)
    yield
    if before is None:
        settings.remove(export_folder.SETTINGS_KEY)
    else:
        settings.setValue(export_folder.SETTINGS_KEY, before)


def test_a_report_export_starts_in_documents_then_the_last_folder(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[Path] = []
    answers = iter([str(tmp_path / "out" / "summary.csv"), ""])

    def save_dialog(_parent: Any, _caption: str, start: str, *_rest: Any) -> tuple[str, str]:
        offered.append(Path(start).parent)
        return next(answers), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    (tmp_path / "out").mkdir()
    page: Any = window.show_page("reports")
    page.export("csv")
    page.export("csv")
    assert offered == [export_folder.documents_folder(), tmp_path / "out"]
    assert QSettings().value(export_folder.SETTINGS_KEY) == str(tmp_path / "out")  # no file


def test_a_folder_that_is_gone_falls_back_to_documents(tmp_path: Path) -> None:
    gone = tmp_path / "usb-stick"
    gone.mkdir()
    export_folder.remember(gone / "receipt.txt")
    assert export_folder.export_folder() == gone
    gone.rmdir()
    assert export_folder.export_folder() == export_folder.documents_folder()
    assert Path.cwd() != export_folder.export_folder()
