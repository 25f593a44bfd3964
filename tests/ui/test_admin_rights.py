"""Admin → Backups, Clients' rights and Import, driven through the real widgets."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from app.features.admin.services import backup_files
from app.features.admin.ui.page import AdminPage
from app.features.people.services import people
from app.features.privacy.ui.rights_page import ErasureConfirmDialog
from app.services.context import ServiceContext
from app.shell.main_window import MainWindow
from tests.ui.conftest import answer_dialog


def admin(window: MainWindow) -> AdminPage:
    page = window.show_page("admin")
    assert isinstance(page, AdminPage)
    return page


def test_backup_now_lists_a_verified_backup(window: MainWindow) -> None:
    tab = admin(window).backups
    assert tab.backups.table.rowCount() == 0
    tab.backup_button.click()
    assert "checked" in tab.result.text()
    assert tab.backups.table.rowCount() == 1
    listed = tab.backups.selected() or tab.backups._payloads[0]
    assert backup_files.check_backup(listed.path).intact
    assert "Made by hand" in tab.backups.texts()


def _person(ctx: ServiceContext, given: str, family: str) -> people.PersonView:
    return people.create_person(ctx, people.PersonInput(given_name=given, family_name=family))


def _name(ctx: ServiceContext, person: people.PersonView) -> str:
    view = people.get_person(ctx, person.id)
    return f"{view.given_name} {view.family_name}"


def _choose(tab: Any, name: str) -> None:
    tab.search.setText(name.split()[0])
    rows = tab.people.table
    for r in range(rows.rowCount()):
        if rows.item(r, 0).text() == name:
            rows.selectRow(r)
            rows.setCurrentCell(r, 0)
            return
    raise AssertionError(f"{name} not listed")


def test_erasure_needs_two_confirmations(
    window: MainWindow, ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    person = _person(ctx, "Ilinca", "Vasilescu")
    tab = admin(window).rights
    _choose(tab, "Ilinca Vasilescu")

    # the real first dialog lists who goes; cancelling it stops everything
    seen: list[str] = []

    def cancel_first(dialog: ErasureConfirmDialog) -> None:
        seen.append(dialog.windowTitle())
        dialog.reject()

    answer_dialog(ErasureConfirmDialog, cancel_first)
    tab.erase_button.click()
    assert seen and "Ilinca Vasilescu" in seen[0]
    assert _name(ctx, person) == "Ilinca Vasilescu"

    # first confirmed, second (type the name) cancelled: the person stays
    monkeypatch.setattr(ErasureConfirmDialog, "ask", classmethod(lambda cls, p, pre: True))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    tab.erase_button.click()
    assert _name(ctx, person) == "Ilinca Vasilescu"
    assert "receipt" not in tab.output.toPlainText().lower()

    # a wrong name erases nothing either
    warned: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _p, _t, text, *a: warned.append(text))
    )
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Ilinca", True)))
    tab.erase_button.click()
    assert warned and "did not match" in warned[0]
    assert _name(ctx, person) == "Ilinca Vasilescu"

    # both confirmed: erased, and the receipt is shown and can be saved
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: (" ilinca  vasilescu ", True))
    )
    tab.erase_button.click()
    assert "Vasilescu" not in _name(ctx, person)  # only an anonymous counting stub is left
    text = tab.output.toPlainText()
    assert "Erasure receipt" in text and "Vasilescu" not in text
    assert "Ilinca Vasilescu" not in tab.people.texts()
    target = tmp_path / "receipt.txt"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    assert tab.save_receipt_button.isEnabled()
    tab.save_receipt_button.click()
    assert "Erasure receipt" in target.read_text(encoding="utf-8")


def test_subject_access_pack_shows_where_it_went(
    window: MainWindow, ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _person(ctx, "Oleksandr", "Bondarenko")
    tab = admin(window).rights
    _choose(tab, "Oleksandr Bondarenko")
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(tmp_path))
    )
    tab.pack_button.click()
    text = tab.output.toPlainText()
    pdfs = list(tmp_path.glob("subject-access-*.pdf"))
    assert len(pdfs) == 1 and str(pdfs[0]) in text


HEADER = ["Client number", "Given name", "Family name", "Date of birth", "Case kind", "Opened"]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        out.writerows(rows)
    return path


def test_import_dry_run_lists_problems_and_keeps_import_disabled(
    window: MainWindow, tmp_path: Path
) -> None:
    messy = _write(
        tmp_path / "messy.csv",
        [
            ["A1", "Maria", "", "31.02.1990", "release_support", "2026-01-05"],
            ["A2", "", "Popescu", "1988-04-01", "no such kind", "yesterday"],
        ],
    )
    tab = admin(window).importer
    assert not tab.check_button.isEnabled() and not tab.import_button.isEnabled()
    tab.load_file(messy)
    combo = tab.combo("Given name")
    assert combo is not None and combo.currentData() == "given_name"  # suggested
    tab.check_button.click()
    rows = tab.problems.table.rowCount()
    assert rows >= 3
    cells = tab.problems.texts()
    assert "2" in cells and "3" in cells  # spreadsheet row numbers
    assert "Date of birth" in cells
    assert not tab.import_button.isEnabled()


def test_clean_import_then_again_creates_nobody_twice(
    window: MainWindow, ctx: ServiceContext, tmp_path: Path
) -> None:
    clean = _write(
        tmp_path / "clean.csv",
        [
            ["B1", "Ana", "Munteanu", "1990-05-17", "release_support", "2026-01-05"],
            ["B2", "Pavel", "Sokolov", "1979-09-30", "foreign_inmate", "2026-02-10"],
        ],
    )
    tab = admin(window).importer
    tab.load_file(clean)
    tab.check_button.click()
    assert tab.problems.table.rowCount() == 0 and tab.import_button.isEnabled()
    # changing the mapping needs a new dry run
    combo = tab.combo("Client number")
    assert combo is not None
    combo.setCurrentIndex(0)
    assert not tab.import_button.isEnabled()
    combo.setCurrentIndex(combo.findData("external_id"))
    tab.check_button.click()
    tab.import_button.click()
    assert "2 new people" in tab.summary.text()
    before = len(people.list_people(ctx, "", limit=100))
    tab.check_button.click()
    assert "0 new people, 2 already here" in tab.summary.text()
    tab.import_button.click()
    assert len(people.list_people(ctx, "", limit=100)) == before
