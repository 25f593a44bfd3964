"""Small widgets every page uses: titles, empty states, badges, field errors, dates, text
areas and rows of buttons."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.kernel.i18n import babel_locale
from app.kernel.i18n_formats import (
    date_text,
    datetime_text,
    editing_date_pattern,
    editing_time_pattern,
)
from app.ui_kit.fields import DateField, LimitedTextEdit

W = TypeVar("W", bound=QWidget)
E = TypeVar("E", bound=QDateTimeEdit)


def locale() -> str:
    return babel_locale()


def show_date(value: date | None) -> str:
    return date_text(value)


def show_datetime(value: datetime | None) -> str:
    return datetime_text(value)


def localise_date_edit(edit: E) -> E:
    """Show the date the user's way ("21.03.2025", "21/03/2025"), with a calendar popup."""
    pattern = editing_date_pattern()
    if not isinstance(edit, QDateEdit):
        pattern += " " + editing_time_pattern()
    edit.setDisplayFormat(pattern)
    edit.setCalendarPopup(True)
    return edit


def today_edit() -> QDateEdit:
    """A date field set to today, shown the user's way."""
    return localise_date_edit(QDateEdit(to_qdate(date.today())))


def text_area(text: str = "", *, limit: int | None = None) -> LimitedTextEdit:
    """A multi-line text field that Tab leaves (for notes, reasons, outcomes in forms), cut at
    the service's limit for long text unless ``limit`` says otherwise."""
    return LimitedTextEdit(text) if limit is None else LimitedTextEdit(text, limit=limit)


def change_signal(widget: QWidget) -> Any:
    """The signal a field sends when the user changes it (``None`` for other widgets)."""
    if isinstance(widget, QLineEdit):
        return widget.textEdited
    if isinstance(widget, QPlainTextEdit):
        return widget.textChanged
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, QDateTimeEdit):
        return widget.dateTimeChanged
    if isinstance(widget, QSpinBox):
        return widget.valueChanged
    if isinstance(widget, QAbstractButton):
        return widget.toggled
    if isinstance(widget, DateField):
        return widget.value_did_change
    return getattr(widget, "value_did_change", None)


def data_index(combo: QComboBox, value: object) -> int:
    """The row of ``combo`` whose data equals ``value``, or -1. ``QComboBox.findData`` compares
    Python objects by identity, so an id read again (a new ``UUID``) would never be found."""
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)


def two_lines(text: str) -> str:
    """A heading broken at the space nearest its middle ("Last activity" → "Last / activity")."""
    spaces = [n for n, ch in enumerate(text) if ch == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda n: abs(n - len(text) / 2))
    return text[:cut] + "\n" + text[cut + 1 :]


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    """The buttons side by side from the left."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


#: A line edit's frame and margins around its text, plus the clear button.
_LINE_EDIT_EXTRA = 36


def fit_placeholder(edit: QLineEdit) -> None:
    """Make ``edit`` at least wide enough to show its whole hint."""
    width = edit.fontMetrics().horizontalAdvance(edit.placeholderText()) + _LINE_EDIT_EXTRA
    edit.setMinimumWidth(width)


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
        self.labels: dict[str, QLabel] = {}
        #: The field widgets by name (what a draft keeps: see ``ServiceDialog``).
        self.fields: dict[str, QWidget] = {}

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
        self.fields[name] = widget
        # A message about what was typed goes as soon as the field changes: never stale.
        signal = change_signal(widget)
        if signal is not None:
            signal.connect(lambda *_args, e=error: e.hide())
        if isinstance(widget, LimitedTextEdit):
            widget.text_was_cut.connect(lambda message, e=error: _show_error(e, message))
        label = QLabel(text)
        label.setBuddy(widget)
        widget.setAccessibleName(text.replace("&", ""))
        self.labels[name] = label
        self.form.addRow(label, holder)
        return widget

    def set_label(self, name: str, text: str) -> None:
        """Change a field's label (a retranslation)."""
        label = self.labels[name]
        label.setText(text)
        buddy = label.buddy()
        if buddy is not None:
            buddy.setAccessibleName(text.replace("&", ""))

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


def grow_to_fit(window: QWidget) -> None:
    """Make ``window`` tall enough for its wrapped text (a window's size ignores how tall its
    word-wrapped labels need to be at its width, so a long message would be cut off)."""
    layout = window.layout()
    if layout is None:
        return
    layout.activate()
    width = window.width()
    need = layout.totalMinimumSize().height()
    if layout.hasHeightForWidth():
        need = max(need, layout.totalHeightForWidth(width))
    if need > window.height():
        window.resize(width, need)


def _show_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.show()


def warn(parent: QWidget | None, text: str) -> None:
    from app.kernel.i18n import _

    QMessageBox.warning(parent, _("Homeward"), text)
