"""The font every PDF uses: DejaVu Sans, shipped inside the package (``app/resources/fonts``,
with its licence), so reports look the same on every computer and cover Latin with
Norwegian and Romanian letters (ș ț ă î â, also the cedilla forms) and Cyrillic."""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "HomewardSans"
BOLD = "HomewardSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
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
