"""What an edit dialog shows when a colleague saved the same record first.

"Changed by Ola Hansen at 14:02 — review their change", then each field both changed with
their version beside the one typed here, the fields only they changed (theirs are kept), and
two ways on: keep editing on top of their version (what is typed stays in the form) or save
what is typed over theirs. Nothing typed is ever thrown away here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.kernel.errors import EditConflict
from app.kernel.i18n import _


class ConflictPanel(QFrame):
    """Shown inside the edit dialog (not a second modal window) until the user chooses."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.headline = QLabel()
        self.headline.setObjectName("fieldError")
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.grid_host)
        self.kept = QLabel()
        self.kept.setWordWrap(True)
        layout.addWidget(self.kept)
        row = QHBoxLayout()
        self.keep_editing = QPushButton(_("Keep editing on their version"))
        self.keep_editing.setToolTip(
            _("Your typing stays in the form; saving then puts it over their version.")
        )
        self.save_mine = QPushButton(_("Save mine over theirs"))
        row.addWidget(self.keep_editing)
        row.addWidget(self.save_mine)
        row.addStretch(1)
        layout.addLayout(row)
        self._on_keep_editing: Callable[[], None] = _nothing
        self._on_save_mine: Callable[[], None] = _nothing
        self.keep_editing.clicked.connect(lambda: self._choose(self._on_keep_editing))
        self.save_mine.clicked.connect(lambda: self._choose(self._on_save_mine))
        self.hide()

    def show_conflict(
        self,
        conflict: EditConflict,
        keep_editing: Callable[[], None],
        save_mine: Callable[[], None],
    ) -> None:
        """Show ``conflict``; the buttons call back once and hide the panel."""
        self.headline.setText(str(conflict))
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for column, text in enumerate(("", _("Their version"), _("Your version"))):
            heading = QLabel(f"<b>{text}</b>" if text else "")
            self.grid.addWidget(heading, 0, column)
        for row, field in enumerate(conflict.fields, start=1):
            for column, text in enumerate((field.label, field.theirs, field.yours)):
                cell = QLabel(text)
                cell.setTextFormat(Qt.TextFormat.PlainText)
                cell.setWordWrap(True)
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                cell.setObjectName(f"conflict-{field.name}-{('label', 'theirs', 'yours')[column]}")
                self.grid.addWidget(cell, row, column)
        self.kept.setText(
            _("Also changed by them, and kept: {fields}.").format(fields=", ".join(conflict.kept))
            if conflict.kept
            else ""
        )
        self.kept.setVisible(bool(conflict.kept))
        self._on_keep_editing, self._on_save_mine = keep_editing, save_mine
        self.show()
        self.keep_editing.setFocus()

    def _choose(self, fn: Callable[[], None]) -> None:
        self.hide()
        fn()


def _nothing() -> None:
    pass
