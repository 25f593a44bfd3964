"""A form's field values as plain JSON, and back: what a draft of a dialog keeps.

Each kind of field widget is read and written the same way everywhere, so a dialog gets its
drafts for free from the names it gave its fields (``FormWithErrors.add``). Lists are kept by
their items' data, not their position, so a list that changed meanwhile (a new worker, an
organisation deactivated) still restores the right choice, or leaves the field as it is.
A widget of its own kind may offer ``draft_value()`` / ``set_draft_value(value)``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)


def _data_key(value: object) -> str | None:
    return None if value is None else str(value)


def read(widget: QWidget) -> Any:
    """The widget's value as JSON (``None`` for a widget Homeward does not know)."""
    own = getattr(widget, "draft_value", None)
    if callable(own):
        return own()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QAbstractButton):
        return widget.isChecked()
    if hasattr(widget, "codes"):  # the language picker
        return list(widget.codes())
    if isinstance(widget, QComboBox):
        return {"data": _data_key(widget.currentData())}
    if isinstance(widget, QDateTimeEdit):
        # A number, not text: drafts store the moment, never a date formatted for display.
        return widget.dateTime().toMSecsSinceEpoch()
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return widget.value()
    return None


def write(widget: QWidget, value: Any) -> None:
    """Put a value :func:`read` gave back into the widget; a value that no longer fits
    (an item gone from a list, a bad date) leaves the field as it is."""
    own = getattr(widget, "set_draft_value", None)
    if callable(own):
        own(value)
    elif isinstance(widget, QLineEdit) and isinstance(value, str):
        widget.setText(value)
    elif isinstance(widget, QPlainTextEdit) and isinstance(value, str):
        widget.setPlainText(value)
    elif isinstance(widget, QAbstractButton) and isinstance(value, bool):
        widget.setChecked(value)
    elif hasattr(widget, "set_codes") and isinstance(value, list):
        widget.set_codes([str(code) for code in value])
    elif isinstance(widget, QComboBox) and isinstance(value, dict):
        wanted = value.get("data")
        for index in range(widget.count()):
            if _data_key(widget.itemData(index)) == wanted:
                widget.setCurrentIndex(index)
                break
    elif isinstance(widget, QDateTimeEdit) and isinstance(value, int):
        widget.setDateTime(QDateTime.fromMSecsSinceEpoch(value))
    elif isinstance(widget, QSpinBox) and isinstance(value, int):
        widget.setValue(value)
    elif isinstance(widget, QDoubleSpinBox) and isinstance(value, int | float):
        widget.setValue(float(value))


def read_all(fields: dict[str, QWidget]) -> dict[str, Any]:
    return {name: read(widget) for name, widget in fields.items()}


def write_all(fields: dict[str, QWidget], values: dict[str, Any]) -> None:
    for name, value in values.items():
        widget = fields.get(name)
        if widget is not None and value is not None:
            write(widget, value)
