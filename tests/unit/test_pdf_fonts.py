"""Every PDF is set in Homeward's font through one module (app/features/reports/services/fonts.py).

ReportLab falls back to Helvetica — no Cyrillic — for any page, drawing or cell not told
otherwise, so a PDF writer that set up fonts on its own could print Russian as black boxes.
Only the fonts module registers fonts, measures text or names a font family; every document
template is built with its options and every drawing by it."""

from __future__ import annotations

import ast
from pathlib import Path

from app.features.reports.services import fonts

APP = Path(__file__).resolve().parents[2] / "app"
FONTS = "features/reports/services/fonts.py"
#: Font set-up that belongs to the fonts module alone.
SETUP_CALLS = {"registerFont", "addMapping", "TTFont", "stringWidth", "Drawing", "getFont"}


def _pdf_writers() -> list[Path]:
    return [
        path
        for path in sorted(APP.rglob("*.py"))
        if "reportlab" in path.read_text("utf-8") and path.relative_to(APP).as_posix() != FONTS
    ]


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _font_setup(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in SETUP_CALLS:
                found.append(f"calls {name}")
            keywords = {k.arg for k in node.keywords}
            if "initialFontName" in keywords:
                found.append(f"{name} sets its own initial font")
            if "pagesize" in keywords and not any(
                k.arg is None
                and isinstance(k.value, ast.Call)
                and _name(k.value.func) == "document_options"
                for k in node.keywords
            ):
                found.append(f"{name} is a document without fonts.document_options()")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.startswith(("Helvetica", "Times-", "Courier"))
        ):
            found.append(f"names {node.value[:30]!r}")
    return found


def test_the_pdf_writers_set_up_fonts_only_through_the_fonts_module() -> None:
    writers = _pdf_writers()
    names = {path.relative_to(APP).as_posix() for path in writers}
    assert {
        "features/privacy/services/subject_access_pdf.py",
        "features/reports/services/pdf.py",
    } <= names
    offenders = {
        path.relative_to(APP).as_posix(): found for path in writers if (found := _font_setup(path))
    }
    assert offenders == {}


def test_the_fonts_module_starts_documents_and_drawings_in_its_font() -> None:
    assert fonts.document_options(9.5) == {"initialFontName": fonts.REGULAR, "initialFontSize": 9.5}
    chart = fonts.drawing(100, 50, 7.5)
    assert (chart.initialFontName, chart.initialFontSize) == (fonts.REGULAR, 7.5)
    assert fonts.TABLE_FONT[-1] == fonts.REGULAR
    assert fonts.width("Свидания", 10) > fonts.width("Свидания", 5) > 0
    assert fonts.width("Ab", 10, bold=True) > fonts.width("Ab", 10)
