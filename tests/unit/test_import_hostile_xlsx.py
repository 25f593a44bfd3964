"""Hostile spreadsheets: a zip bomb, lying headers, claimed dimensions, far-away cells and
expanding entities are refused fast, in little memory, with a plain message (exit 2).

Each file is read in a child process of its own, so time and peak memory (VmHWM) are the
reading's alone, and a regression cannot take the test run down with it.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from app.features.importing.services import import_xlsx
from app.kernel.errors import ValidationError
from tests import xlsx_bombs

ROOT = Path(__file__).resolve().parents[2]
CHILD = r"""
import json, sys, time
from app.cli import main

started = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - started
peak_kb = 0
with open("/proc/self/status") as status:
    for line in status:
        if line.startswith("VmHWM:"):
            peak_kb = int(line.split()[1])
print(json.dumps({"code": code, "seconds": seconds, "peak_mb": peak_kb / 1024}))
"""
LIMIT_SECONDS = 10
LIMIT_MB = 300


def import_dry_run(tmp_path: Path, file: Path) -> dict[str, Any]:
    """``homeward import --dry-run FILE`` in a child: exit code, seconds, peak MB, stderr.

    The file is read before any sign-in, so the workspace need not exist.
    """
    args = ["import", "--workspace", str(tmp_path / "ws"), "--user", "coord"]
    args += ["--password-stdin", "--dry-run", str(file)]
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *args],
            input="x\n",
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
            env={**os.environ, "LANGUAGE": "en", "PYTHONPATH": str(ROOT)},
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("reading the file took more than 60 s")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["stderr"] = done.stderr
    return result


def test_a_zip_bomb_is_refused_in_seconds_and_little_memory(tmp_path: Path) -> None:
    # 6.8 MB that unpacks to 1.46 GB of rows, as in the attack that ran 165 s and took 2 GB.
    bomb = xlsx_bombs.sheet_bomb(tmp_path / "bomb.xlsx", 1_460_000_000)
    assert bomb.stat().st_size < 10 * 1024 * 1024
    result = import_dry_run(tmp_path, bomb)
    assert result["code"] == 2
    assert "too large to import" in result["stderr"]
    assert "Traceback" not in result["stderr"]
    assert result["seconds"] < LIMIT_SECONDS
    assert result["peak_mb"] < LIMIT_MB


def test_a_bomb_whose_headers_claim_a_small_size_is_refused(tmp_path: Path) -> None:
    # The directory says 50 kB; the data would unpack to 1.46 GB.
    bomb = xlsx_bombs.sheet_bomb(tmp_path / "liar.xlsx", 1_460_000_000, declared=50_000)
    result = import_dry_run(tmp_path, bomb)
    assert result["code"] == 2
    assert "homeward: " in result["stderr"] and "Traceback" not in result["stderr"]
    assert result["seconds"] < LIMIT_SECONDS
    assert result["peak_mb"] < LIMIT_MB


def test_a_bomb_under_the_size_limit_is_stopped_by_its_rows(tmp_path: Path) -> None:
    # 50 MB unpacked is allowed; its 520,000 rows are not (and took 22 s and 251 MB to read).
    bomb = xlsx_bombs.sheet_bomb(tmp_path / "rows.xlsx", 50_000_000)
    result = import_dry_run(tmp_path, bomb)
    assert result["code"] == 2 and "too large to import" in result["stderr"]
    assert result["seconds"] < LIMIT_SECONDS
    assert result["peak_mb"] < LIMIT_MB


def test_a_claimed_dimension_is_ignored(tmp_path: Path) -> None:
    # A sheet that claims A1:XFD1048576: its 3,000 one-cell rows are not each padded to
    # 16,384 columns (400 MB of empty cells).
    rows_xml = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Ada</t></is></c></row>'
        for n in range(2, 3002)
    )
    path = xlsx_bombs.small_sheet(
        tmp_path / "claimed.xlsx", rows_xml, dimension='<dimension ref="A1:XFD1048576"/>'
    )
    result = import_dry_run(tmp_path, path)
    # Read as one row; the dry run then stops at the workspace that is not there.
    assert "too large" not in result["stderr"] and "not a readable" not in result["stderr"]
    assert result["code"] != 0 and "homeward: " in result["stderr"]
    assert result["seconds"] < LIMIT_SECONDS
    assert result["peak_mb"] < LIMIT_MB
    rows = import_xlsx.read_rows(path, None)
    assert len(rows) == 3001 and rows[-1] == ["Ada"]


@pytest.mark.parametrize(
    ("name", "rows_xml", "message"),
    [
        # One cell in the last row Excel has: a million empty rows before it.
        (
            "far-down",
            '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>Ada</t></is></c></row>',
            "too large to import",
        ),
        # Cells in column XFD: every row 16,384 wide.
        (
            "far-right",
            "".join(
                f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>'
                for n in range(2, 400)
            ),
            "too large to import",
        ),
        # A billion laughs: entities that expand to gigabytes.
        (
            "laughs",
            '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>',
            "not a readable XLSX",
        ),
        # A shared string that is not there.
        ("no-string", '<row r="2"><c r="A2" t="s"><v>7</v></c></row>', "not a readable XLSX"),
    ],
)
def test_crafted_sheets_are_refused_plainly(
    tmp_path: Path, name: str, rows_xml: str, message: str
) -> None:
    path = xlsx_bombs.small_sheet(tmp_path / f"{name}.xlsx", rows_xml, laughs=name == "laughs")
    result = import_dry_run(tmp_path, path)
    assert result["code"] == 2, result["stderr"]
    assert message in result["stderr"]
    assert result["seconds"] < LIMIT_SECONDS
    assert result["peak_mb"] < LIMIT_MB


def test_shared_strings_and_styles_are_bounded_too(tmp_path: Path) -> None:
    strings = xlsx_bombs.part_bomb(tmp_path / "strings.xlsx", "strings", 3_000_000)
    styles = xlsx_bombs.part_bomb(tmp_path / "styles.xlsx", "styles", 2_000_000)
    for path in (strings, styles):
        result = import_dry_run(tmp_path, path)
        assert result["code"] == 2 and "too large to import" in result["stderr"]
        assert result["seconds"] < LIMIT_SECONDS
        assert result["peak_mb"] < LIMIT_MB


class _LyingArchive:
    """An archive reader that, unlike Python's, would inflate past the declared size: the
    count of bytes that actually come out must stop it all the same."""

    def __init__(self, declared: int, actual: bytes) -> None:
        self.info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        self.info.file_size = declared
        self.actual = actual

    def infolist(self) -> list[zipfile.ZipInfo]:
        return [self.info]

    def open(self, info: zipfile.ZipInfo) -> io.BytesIO:
        return io.BytesIO(self.actual)


def test_the_bytes_that_come_out_are_counted_not_the_headers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(import_xlsx, "MAX_UNPACKED", 4 * 1024 * 1024)
    text = b"<worksheet><sheetData>" + b"<row><c><v>1</v></c></row>" * 200_000
    with pytest.raises(ValidationError, match="too large"):
        import_xlsx.check_archive(_LyingArchive(1000, text))  # type: ignore[arg-type]
    import_xlsx.check_archive(_LyingArchive(1000, text[: 3 * 1024 * 1024]))  # type: ignore[arg-type]


def test_a_long_run_of_text_is_refused_across_chunks() -> None:
    text = b"<worksheet><sheetData><row><c><is><t>" + b"x" * (3 * 1024 * 1024) + b"</t>"
    with pytest.raises(ValidationError, match="too large"):
        import_xlsx.check_archive(_LyingArchive(len(text), text))  # type: ignore[arg-type]


def test_an_ordinary_workbook_still_reads(tmp_path: Path) -> None:
    rows_xml = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Ada{n}</t></is></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>Lovelace</t></is></c></row>'
        for n in range(2, 2002)
    )
    path = xlsx_bombs.small_sheet(tmp_path / "ok.xlsx", rows_xml)
    rows = import_xlsx.read_rows(path, None)
    assert rows[0] == ["Given name", "Family name"]
    assert len(rows) == 2001 and rows[-1] == ["Ada2001", "Lovelace"]
