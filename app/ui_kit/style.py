"""The look: one calm palette, one stylesheet, colours for statuses and kinds.

Colour never carries meaning alone: every coloured badge also shows its label.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from app.models.enums import CaseKind, CaseStatus

ACCENT = "#2f6f8f"
DANGER = "#b02a37"
WARNING_BG = "#fff3cd"
WARNING_FG = "#664d03"
MUTED = "#5f6b73"

STATUS_COLOURS: dict[CaseStatus, str] = {
    CaseStatus.REFERRAL: "#8a6d3b",
    CaseStatus.OPEN: "#2f6f8f",
    CaseStatus.ACTIVE: "#2e7d32",
    CaseStatus.ON_HOLD: "#b26a00",
    CaseStatus.CLOSED: "#6c757d",
}
KIND_COLOURS: dict[CaseKind, str] = {
    CaseKind.RELEASE_SUPPORT: "#3d5a99",
    CaseKind.CHILD_VISITS: "#8e4585",
    CaseKind.FOREIGN_INMATE: "#1f7a6d",
}

STYLESHEET = f"""
QWidget {{ font-size: 10pt; }}
QListWidget#sidebar {{ background: #24323a; color: #e8eef1; border: none; padding-top: 8px; }}
QListWidget#sidebar::item {{ padding: 10px 14px; border-radius: 4px; margin: 2px 6px; }}
QListWidget#sidebar::item:selected {{ background: {ACCENT}; color: white; }}
QLabel#pageTitle {{ font-size: 16pt; font-weight: 600; }}
QLabel#emptyState {{ color: {MUTED}; padding: 24px; }}
QLabel#fieldError {{ color: {DANGER}; }}
QLabel#banner {{ background: {WARNING_BG}; color: {WARNING_FG}; padding: 8px; border-radius: 4px; }}
QLabel#caseHeaderTitle {{ font-size: 14pt; font-weight: 600; }}
QLabel.badge {{ border-radius: 8px; padding: 2px 8px; color: white; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border-radius: 4px;
    padding: 6px 14px; border: 1px solid {ACCENT}; }}
QPushButton[primary="true"]:focus {{ border: 2px solid #0b3c52; }}
QTableView {{ gridline-color: #e3e7ea; selection-background-color: #cfe3ee;
    selection-color: black; alternate-background-color: #f6f8f9; }}
"""


def apply(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f4f6f7"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 10.0))
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
