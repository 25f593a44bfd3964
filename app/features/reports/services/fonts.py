"""The font every PDF uses — the summary, its charts and the subject access pack — and the
one module that sets ReportLab up with it.

DejaVu Sans is shipped inside the package (``app/resources/fonts``, with its licence), so PDFs
look the same on every computer and cover Latin with Norwegian and Romanian letters
(ș ț ă î â, also the cedilla forms) and Cyrillic. ReportLab starts every page, drawing and
table cell in Helvetica, which has none of the Cyrillic: a PDF writer calls :func:`register`
before it makes its first paragraph style, builds its document with :func:`document_options`,
its drawings with :func:`drawing` and its tables with :data:`TABLE_FONT`, measures text with
:func:`width`, and names no other font. There is no fallback: without the font files,
:func:`register` fails and no PDF is written.
"""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Drawing
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "HomewardSans"
BOLD = "HomewardSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
#: A table's first style command: a cell that is plain text, not a paragraph, is set in it.
TABLE_FONT = ("FONTNAME", (0, 0), (-1, -1), REGULAR)
_lock = threading.Lock()


def font_dir() -> Path:
    return Path(str(resources.files("app").joinpath("resources", "fonts")))


def register() -> None:
    """Register the fonts with ReportLab once per process (thread-safe, idempotent)."""
    with _lock:
        if REGULAR in pdfmetrics.getRegisteredFontNames():
            return
        folder = font_dir()
        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)


def covers(text: str) -> bool:
    """Whether the regular font has a glyph for every character of ``text``."""
    register()
    font = pdfmetrics.getFont(REGULAR)
    known = font.face.charToGlyph  # type: ignore[attr-defined]
    return all(ord(ch) in known for ch in text if not ch.isspace() or ch == "\u00a0")


def width(text: str, size: float, *, bold: bool = False) -> float:
    """How wide ``text`` is at ``size`` points, in points (registers the fonts)."""
    register()
    return float(pdfmetrics.stringWidth(text, BOLD if bold else REGULAR, size))


def document_options(size: float | None = None) -> dict[str, Any]:
    """The keyword arguments of a ReportLab document template that start every page in
    Homeward's font (``size`` points, if given); registers the fonts."""
    register()
    options: dict[str, Any] = {"initialFontName": REGULAR}
    if size is not None:
        options["initialFontSize"] = size
    return options


def drawing(width: float, height: float, size: float) -> Drawing:
    """An empty drawing (a chart) whose text starts in Homeward's font at ``size`` points."""
    register()
    return Drawing(width, height, initialFontName=REGULAR, initialFontSize=size)
