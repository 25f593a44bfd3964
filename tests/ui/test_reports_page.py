"""Reports page: a coordinator previews the anonymised summary (small numbers shown as "<5",
marked), exports the CSV through the page and sees the export in the history."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from app.demo.workspace import create_demo_workspace
from app.features.reports.services.periods import year
from app.features.reports.ui.page import ReportsPage
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace, unlock
from app.shell.main_window import MainWindow
from app.ui_kit.operations import ChangeBus, SyncOperations


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> CreatedWorkspace:
    folder = tmp_path_factory.mktemp("reports") / "demo"
    created, _stats = create_demo_workspace(folder, cases=120, seed=1, kdf_seconds=0)
    return created


@pytest.fixture
def page(qtbot: Any, demo: CreatedWorkspace) -> Iterator[ReportsPage]:
    ctx: ServiceContext = unlock(demo.folder, "coordinator", "demo")
    main = MainWindow(ctx, SyncOperations(), ChangeBus(), organisation="Demo")
    qtbot.addWidget(main)
    main.show()
    reports = main.show_page("reports")
    assert isinstance(reports, ReportsPage)
    yield reports
    main.clear()
    ctx.lock()


def _busiest_year(page: ReportsPage) -> None:
    """The demo's data lie around today; the current year always has cases."""
    from datetime import date

    page.set_period(year(date.today().year))


def test_preview_marks_small_numbers(page: ReportsPage) -> None:
    _busiest_year(page)
    page.preview_button.click()
    view = page.view()
    assert view is not None and view.sections
    assert page.preview_view.tables  # one table widget per table of the view
    hidden = page.preview_view.suppressed_items()
    assert hidden, "120 cases over a year leave some small numbers to hide"
    small = [item for item in hidden if item.text() == "<5"]
    assert small
    for item in small:
        assert item.background().style() == Qt.BrushStyle.BDiagPattern  # hatched
        assert "could identify someone" in item.toolTip()
    # the method note is on the page too
    texts = [label.text() for label in page.preview_view.widget().findChildren(type(page.result))]
    assert any("How the figures were made" in t for t in texts)


def test_export_csv_through_the_page(
    page: ReportsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "summary.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    before = page.history.table.rowCount()
    page.csv_button.click()
    assert target.is_file()
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    assert str(target) in page.result.text() and digest in page.result.text()
    assert page.history.table.rowCount() == before + 1
    assert digest in page.history.texts() and "CSV" in page.history.texts()
    assert not page.progress.isVisible()
