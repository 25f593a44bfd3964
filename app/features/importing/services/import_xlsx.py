"""Reading an XLSX workbook for import, within bounds a hostile file cannot stretch.

An XLSX is a zip of XML: a few megabytes can unpack to gigabytes (a "zip bomb"), and a few
bytes of XML can claim a million rows or a cell in column XFD that ``openpyxl`` pads every
row out to. So before ``openpyxl`` parses anything, the archive is checked twice:

1. the sizes its directory declares, all members together, against :data:`MAX_UNPACKED`;
2. one streaming pass that inflates every member in chunks, **counting the bytes that
   actually come out** (a header can lie); counting the row and cell tags of the sheets,
   the shared strings, and every tag of the other parts (a style sheet of a million styles
   is as slow as a million rows); and measuring the longest run of text between tags —
   refused at the first limit passed, with memory held to one chunk.

Then, while ``openpyxl`` streams the rows (read-only, the sheet's claimed dimensions
ignored), rows — the gaps a sheet skips over included — and cells are counted again.
A refusal is a :class:`~app.kernel.errors.ValidationError` with a plain message (exit 2 from the
command line). Within the limits Homeward's own scale (100,000 cases) fits with room to
spare; beyond them, split the file or save it as CSV.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.kernel.errors import ValidationError
from app.kernel.i18n import _
from app.kernel.i18n_formats import number
from app.security.permissions import pure

#: All members of the archive together, once unpacked.
MAX_UNPACKED = 100 * 1024 * 1024
#: Rows of the sheet, counting the header and the blank rows a sheet skips over.
MAX_ROWS = 200_000
#: Cells of the sheet (in a row, up to its last non-empty one).
MAX_CELLS = 2_000_000
#: Columns: a row is as wide as its last cell, however far to the right (column XFD is 16,384).
MAX_COLUMNS = 1024
#: The longest text between two tags (one cell's text, in practice).
MAX_TEXT_RUN = 1024 * 1024
_CHUNK = MAX_TEXT_RUN  # a run longer than a chunk must cross a chunk's edge: see _scan
#: Tags in the parts that are neither a sheet nor the shared strings (styles, names, drawings…).
MAX_OTHER_TAGS = 1_000_000
_SHEET_ROOT = re.compile(rb"<(?:\w+:)?worksheet[\s/>]")
_STRINGS_ROOT = re.compile(rb"<(?:\w+:)?sst[\s/>]")
_DECLARATIONS = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_STRING_TAG = re.compile(rb"<(?:\w+:)?si[\s/>]")
# Tags with or without a namespace prefix: <row …>, <x:row>, <c r="A1">, <c/>.
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")
#: What ``openpyxl`` raises for a damaged or crafted workbook. SyntaxError: ElementTree's
#: ParseError (bad XML, or an entity expansion expat refused); IndexError: a shared string
#: that is not there; TypeError, AttributeError: parts of an unexpected shape.
_DAMAGED = (
    zipfile.BadZipFile,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    SyntaxError,
    EOFError,
    OSError,
)
_TAG_TAIL = 16  # bytes kept from a chunk's end, so a tag cut in two is still counted once


@pure
def too_large() -> ValidationError:
    return ValidationError(
        {
            "file": _(
                "The spreadsheet is too large to import: at most {rows} rows, {columns} "
                "columns, {cells} cells and {megabytes} MB once unpacked. Split it into smaller "
                "files, or save it as CSV."
            ).format(
                rows=number(MAX_ROWS),
                columns=number(MAX_COLUMNS),
                cells=number(MAX_CELLS),
                megabytes=number(MAX_UNPACKED // (1024 * 1024)),
            )
        }
    )


@pure
def unreadable() -> ValidationError:
    return ValidationError({"file": _("The file is not a readable XLSX workbook.")})


@pure
def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse an archive that unpacks, or claims to unpack, beyond the limits (see above)."""
    members = archive.infolist()
    if sum(info.file_size for info in members) > MAX_UNPACKED:
        raise too_large()
    unpacked = rows = cells = strings = others = 0
    for info in members:
        kind = ""  # a part is known by its root element, wherever the file puts it
        for fresh, text in _scan(archive, info):
            unpacked += fresh
            if unpacked > MAX_UNPACKED:
                raise too_large()
            kind = kind or _kind(text)
            if _DECLARATIONS.search(text):
                raise unreadable()  # Excel never writes one; entities only serve to expand
            if kind == "sheet":
                rows += len(_ROW_TAG.findall(text))
                cells += len(_CELL_TAG.findall(text))
            elif kind == "strings":
                strings += len(_STRING_TAG.findall(text))
            else:
                others += text.count(b"<")
            if rows > MAX_ROWS or max(cells, strings) > MAX_CELLS or others > MAX_OTHER_TAGS:
                raise too_large()


def _kind(head: bytes) -> str:
    if _SHEET_ROOT.search(head, 0, 4096):
        return "sheet"
    if _STRINGS_ROOT.search(head, 0, 4096):
        return "strings"
    return "other"


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[tuple[int, bytes]]:
    """The member in chunks: how many bytes each adds, and its text with the start of a tag
    the previous chunk cut in two (so the tag counts once). Refuses a run of text longer than
    :data:`MAX_TEXT_RUN`.

    Chunks are no longer than that limit, so a run inside one chunk is within it; only a run
    carried across chunk edges can pass it, and ``run`` follows that.
    """
    run = 0
    carry = b""
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            first = chunk.find(b"<")
            run += len(chunk) if first < 0 else first
            if run > MAX_TEXT_RUN:
                raise too_large()
            last = chunk.rfind(b"<")
            if last >= 0:
                run = len(chunk) - last - 1
            yield len(chunk), carry + chunk
            cut = chunk[last:] if last >= 0 else b""
            carry = cut if len(cut) < _TAG_TAIL and b">" not in cut else b""


@pure
def read_rows(path: Path, sheet: str | None) -> list[list[str]]:
    """Every row of the sheet as text (see :func:`cell_text`), trailing empty cells left out.
    Raises :class:`ValidationError` for a file that is not a workbook, or too large."""
    import openpyxl  # only needed for spreadsheets
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(archive)
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except ValidationError:
        raise
    except (InvalidFileException, *_DAMAGED):
        raise unreadable() from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ValidationError(
                {"sheet": _("The workbook has no sheet named {name}.").format(name=sheet)}
            )
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        return _rows(worksheet)
    except _DAMAGED:
        raise unreadable() from None
    finally:
        book.close()


def _rows(worksheet: Any) -> list[list[str]]:
    # The dimension a sheet claims ("A1:XFD1048576") would pad every row and add empty rows
    # up to it; without it each row is as wide as its last cell.
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()
    records: list[list[str]] = []
    cells = 0
    for rows, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
        if rows > MAX_ROWS or len(row) > MAX_COLUMNS:
            raise too_large()
        record = [cell_text(v) for v in row]
        while record and not record[-1]:
            record.pop()  # kept short: a row of empty cells costs nothing to hold
        cells += len(record)
        if cells > MAX_CELLS:
            raise too_large()
        records.append(record)
    while records and not any(records[-1]):
        records.pop()
    return records


@pure
def cell_text(value: Any) -> str:
    from datetime import date, datetime

    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == datetime.min.time()
            else value.isoformat(sep=" ")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
