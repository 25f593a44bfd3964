"""The base of every editing dialog: a form with errors under each field, saving through the
database worker, and no silent loss of what was typed.

A subclass builds its fields into ``self.form`` (a :class:`FormWithErrors`), implements
:meth:`work` (returns a function that runs on the database thread) and exposes a class method
that returns the saved value or ``None`` — so tests can drive it or replace it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import HomewardError, ValidationError
from app.i18n import _
from app.services.context import ServiceContext
from app.ui.operations import Operations, describe
from app.ui.widgets import FormWithErrors, change_signal, grow_to_fit


class ServiceDialog(QDialog):
    def __init__(
        self, parent: QWidget | None, ctx: ServiceContext, ops: Operations, title: str
    ) -> None:
        super().__init__(parent)
        self.ctx, self.ops = ctx, ops
        self.setWindowTitle(title)
        self.setModal(True)
        self.result_value: Any = None
        self._dirty = False
        self._saving = False
        layout = QVBoxLayout(self)
        self.form = FormWithErrors()
        layout.addWidget(self.form)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setToolTip(_("Save (Ctrl+Enter)"))
        layout.addWidget(self.buttons)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Ctrl+Enter saves from any field (a text area keeps plain Enter for new lines)."""
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.buttons.isEnabled():
                self.save()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- fields --

    def watch(self, *widgets: QWidget) -> None:
        """Mark the dialog dirty when any of these change."""
        for widget in widgets:
            signal = change_signal(widget)
            if signal is not None:
                signal.connect(self._mark_dirty)

    def _mark_dirty(self, *_args: object) -> None:
        self._dirty = True

    # -- saving --

    def work(self) -> Callable[[], Any]:
        raise NotImplementedError

    def save(self) -> None:
        if self._saving:
            return
        self.form.clear_errors()
        self.message.hide()
        try:
            fn = self.work()
        except ValidationError as exc:  # a field the dialog itself could not parse
            self._failed(exc)
            return
        self._saving = True
        self.buttons.setEnabled(False)
        self.ops.run(fn, self._saved, self._failed)

    def _saved(self, value: Any) -> None:
        self._saving = False
        self.buttons.setEnabled(True)
        self.result_value = value
        self._dirty = False
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.buttons.setEnabled(True)
        if isinstance(exc, ValidationError):
            shown = self.form.show_errors(exc.errors)
            unknown = [m for f, m in exc.errors.items() if f not in self.form.errors]
            if unknown or not shown:
                self.message.setText(" ".join(unknown) or str(exc))
                self.message.show()
        else:
            self.message.setText(str(exc) if isinstance(exc, HomewardError) else describe(exc))
            self.message.show()
        grow_to_fit(self)

    def reject(self) -> None:
        if self._dirty:
            answer = QMessageBox.question(
                self,
                _("Discard changes?"),
                _("You have typed something that is not saved yet. Discard it?"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        self._dirty = False
        super().reject()

    def run_modal(self) -> Any:
        return self.result_value if self.exec() == QDialog.DialogCode.Accepted else None


def optional(text: str) -> str | None:
    text = text.strip()
    return text or None
