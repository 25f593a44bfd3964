"""Small widgets every page uses: titles, empty states, badges, field errors, dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypeVar

from babel.dates import format_date, format_datetime
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.i18n import current_language

W = TypeVar("W", bound=QWidget)


def locale() -> str:
    return {"nb": "nb_NO", "ru": "ru_RU", "ro": "ro_RO"}.get(current_language(), "en_GB")


def show_date(value: date | None) -> str:
    return format_date(value, format="medium", locale=locale()) if value else ""


def show_datetime(value: datetime | None) -> str:
    return format_datetime(value, format="short", locale=locale()) if value else ""


def overdue_cell(value: date | None) -> tuple[str, str]:
    """An overdue date: in red *and* marked with a sign, so colour is not the only cue."""
    from app.i18n import _

    return _("⚠ {date} (overdue)").format(date=show_date(value)), "#b02a37"


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("pageTitle")
    label.setAccessibleName(text)
    return label


def banner(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("banner")
    label.setWordWrap(True)
    return label


def empty_state(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("emptyState")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def badge(text: str, colour: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("class", "badge")
    label.setStyleSheet(f"background:{colour};color:white;border-radius:8px;padding:2px 8px;")
    label.setAccessibleName(text)
    return label


class FormWithErrors(QWidget):
    """A form whose fields each have an error line right under them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.form)
        self.errors: dict[str, QLabel] = {}

    def add(self, name: str, text: str, widget: W) -> W:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = QLabel()
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        self.errors[name] = error
        label = QLabel(text)
        label.setBuddy(widget)
        widget.setAccessibleName(text.replace("&", ""))
        self.form.addRow(label, holder)
        return widget

    def show_errors(self, errors: dict[str, str]) -> bool:
        """Show each message under its field; returns True if any was for a known field."""
        shown = False
        for name, label in self.errors.items():
            message = errors.get(name)
            label.setText(message or "")
            label.setVisible(bool(message))
            shown = shown or bool(message)
        return shown

    def clear_errors(self) -> None:
        self.show_errors({})


def warn(parent: QWidget | None, text: str) -> None:
    from app.i18n import _

    QMessageBox.warning(parent, _("Homeward"), text)
