"""A form's typed texts, built from their record's declaration (:mod:`app.kernel.record_labels`).

A field declared with a ``limit`` (:class:`~app.kernel.record_types.F`) is a line (short) or a
text area (long) in the form, labelled and with the placeholder its declaration gives, in the
declaration's order; what was typed is read back by name: as typed when required (the service
says when it is empty), else trimmed, ``None`` when empty.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from app.kernel import records
from app.kernel.i18n import _
from app.kernel.record_types import F
from app.ui_kit.dialog_base import optional
from app.ui_kit.fields import LimitedTextEdit
from app.ui_kit.widgets import FormWithErrors, text_area


class DeclaredTexts:
    """The typed texts ``table`` declares, added to ``form`` where this is made."""

    def __init__(self, form: FormWithErrors, table: str) -> None:
        self.specs: dict[str, F] = dict(records.text_fields(table))
        self.widgets: dict[str, QLineEdit | LimitedTextEdit] = {}
        for name, spec in self.specs.items():
            widget = text_area(limit=spec.limit) if spec.multiline else QLineEdit()
            if spec.placeholder:
                widget.setPlaceholderText(_(spec.placeholder))
            self.widgets[name] = form.add(name, _(spec.form or spec.label), widget)

    def line(self, name: str) -> QLineEdit:
        widget = self.widgets[name]
        assert isinstance(widget, QLineEdit), f"{name} is declared a long text"
        return widget

    def area(self, name: str) -> LimitedTextEdit:
        widget = self.widgets[name]
        assert isinstance(widget, LimitedTextEdit), f"{name} is declared a short text"
        return widget

    def all(self) -> tuple[QWidget, ...]:
        """The widgets, in the form's order (to watch them)."""
        return tuple(self.widgets.values())

    def values(self) -> dict[str, Any]:
        """What was typed, by field name."""
        typed = {
            name: w.toPlainText() if isinstance(w, LimitedTextEdit) else w.text()
            for name, w in self.widgets.items()
        }
        return {
            name: text if self.specs[name].required else optional(text)
            for name, text in typed.items()
        }
