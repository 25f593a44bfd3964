"""Hostile XLSX files, made in a fraction of a second.

A bomb's worksheet is one block of rows deflated once and repeated: with a full flush after
each block the compressor forgets its history, so every block compresses to the same bytes and
a 1.5 GB sheet costs one block's compression. The zip is written by hand so that the sizes in
its headers can be the true ones or lies.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}
SHEET = "xl/worksheets/sheet1.xml"
_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "{dimension}<sheetData>"
)
_TAIL = "</sheetData></worksheet>"
_HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Given name</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Family name</t></is></c></row>'
)
#: One data row; its number is left out (allowed by the format) so every block is the same.
_ROW = (
    '<row><c t="inlineStr"><is><t>Ada</t></is></c>'
    '<c t="inlineStr"><is><t>Lovelace</t></is></c></row>'
)


def _deflate_repeated(head: bytes, block: bytes, repeats: int, tail: bytes) -> bytes:
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = squeeze.compress(head) + squeeze.flush(zlib.Z_FULL_FLUSH)
    piece = squeeze.compress(block) + squeeze.flush(zlib.Z_FULL_FLUSH)
    again = squeeze.compress(block) + squeeze.flush(zlib.Z_FULL_FLUSH)
    assert piece == again  # the trick holds: a flushed block always compresses alike
    end = squeeze.compress(tail) + squeeze.flush()
    return start + piece * repeats + end


def _zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """Write ``(name, deflated bytes, crc, declared size)`` members as a zip archive."""
    out, directory = bytearray(), bytearray()
    for name, data, crc, size in members:
        raw = name.encode()
        offset = len(out)
        fields = (20, 0, 8, 0, 0, crc, len(data), size, len(raw))
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + raw + data
        directory += (
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset) + raw
        )
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(out), 0
    )
    path.write_bytes(bytes(out + directory + end))
    return path


def _small(name: str, text: str) -> tuple[str, bytes, int, int]:
    data = text.encode()
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, squeeze.compress(data) + squeeze.flush(), zlib.crc32(data), len(data)


def _repeated(
    name: str, head: str, unit: str, inflated: int, tail: str, declared: int | None = None
) -> tuple[str, bytes, int, int]:
    """A member of ``head``, then ``unit`` repeated to about ``inflated`` bytes, then ``tail``."""
    block = unit.encode() * max(1, 65536 // len(unit))
    repeats = max(1, (inflated - len(head) - len(tail)) // len(block))
    data = _deflate_repeated(head.encode(), block, repeats, tail.encode())
    size = len(head.encode()) + len(block) * repeats + len(tail.encode())
    crc = zlib.crc32(head.encode())
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail.encode(), crc)
    return name, data, crc, size if declared is None else declared


def sheet_bomb(
    path: Path,
    inflated: int,
    *,
    declared: int | None = None,
    row: str = _ROW,
) -> Path:
    """An XLSX whose first sheet inflates to about ``inflated`` bytes of repeated ``row``.

    ``declared`` is the size its headers claim (default: the truth).
    """
    head = _HEAD.format(dimension="") + _HEADER_ROW
    members = [_small(name, text) for name, text in _PARTS.items()]
    members.append(_repeated(SHEET, head, row, inflated, _TAIL, declared))
    return _zip(path, members)


_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i + 1} "' + f"&lol{i};" * 10 + '">' for i in range(9))
    + "]>"
)


def small_sheet(path: Path, rows_xml: str, *, dimension: str = "", laughs: bool = False) -> Path:
    """An XLSX whose sheet is exactly ``rows_xml`` (after the header row); with ``laughs``
    the sheet declares the "billion laughs" entities ``&lol0;`` to ``&lol9;`` (3 GB)."""
    head = _HEAD.format(dimension=dimension)
    if laughs:
        head = _LAUGHS + head.split("?>", 1)[1]
    text = head + _HEADER_ROW + rows_xml + _TAIL
    members = [_small(name, t) for name, t in _PARTS.items()] + [_small(SHEET, text)]
    return _zip(path, members)


_EXTRA = {
    "strings": (
        "xl/sharedStrings.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings",
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
        "<si><t>a</t></si>",
        "</sst>",
    ),
    "styles": (
        "xl/styles.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles",
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<cellXfs>",
        '<xf numFmtId="0"/>',
        "</cellXfs></styleSheet>",
    ),
}


def part_bomb(path: Path, part: str, count: int) -> Path:
    """An XLSX with an ordinary sheet and ``count`` shared strings or cell styles."""
    name, content_type, relation, head, unit, tail = _EXTRA[part]
    parts = dict(_PARTS)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        "</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>'
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        "</Relationships>",
        f'<Relationship Id="rId2" Type="{relation}" Target="{name[3:]}"/></Relationships>',
    )
    members = [_small(n, t) for n, t in parts.items()]
    members.append(_small(SHEET, _HEAD.format(dimension="") + _HEADER_ROW + _TAIL))
    members.append(_repeated(name, head, unit, count * len(unit), tail))
    return _zip(path, members)
