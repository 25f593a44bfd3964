"""Admin → Import lists the first 100 problems of a file and counts the rest."""

from __future__ import annotations

import csv
from pathlib import Path

from app.features.admin.ui.page import AdminPage
from app.shell.main_window import MainWindow


def test_the_problem_list_stops_at_a_hundred_and_says_how_many_more(
    window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Given name", "Family name", "Date of birth"])
        out.writerows([f"A{i}", "B", "31.02.1990"] for i in range(1_500))
    page = window.show_page("admin")
    assert isinstance(page, AdminPage)
    tab = page.importer
    tab.load_file(path)
    tab.check_button.click()
    assert tab.problems.table.rowCount() == 101
    last = [tab.problems.table.item(100, c).text() for c in range(3)]
    assert last == ["", "", "… and 1,400 more problems"]
    assert "1,500 problems to fix" in tab.summary.text()
    assert not tab.import_button.isEnabled()
