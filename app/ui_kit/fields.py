"""Input fields that forgive the way people type: a date that may be unknown, and text areas
that refuse an overlong paste at once instead of freezing and failing at Save."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, QMimeData, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from app.kernel.errors import ValidationError
from app.kernel.i18n import _
from app.kernel.i18n_formats import editing_date_pattern, editing_date_text, number
from app.services.validation import LONG_TEXT_MAX

_DIGITS = re.compile(r"\d+")
#: A date people give for someone born today minus this many years is the likeliest one.
BIRTH_YEARS_AGO = 35


def years_ago(years: int, today: date | None = None) -> date:
    """The first of this month ``years`` years ago (a page for a calendar to open at)."""
    today = today or date.today()
    return date(today.year - years, today.month, 1)


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _order(pattern: str) -> str:
    """The order of day, month and year in a pattern ("dd.MM.yyyy" → "dMy")."""
    return "".join(ch for ch in dict.fromkeys(pattern) if ch in "dMy")


def parse_date(text: str, pattern: str) -> date | None:
    """A date typed the locale's way: "21.03.1985", "21/3/1985" or "21031985".

    Returns ``None`` for text that is not a date (the year must have four digits)."""
    order = _order(pattern)
    groups = _DIGITS.findall(text)
    if len(groups) == 1 and len(groups[0]) == 8:
        digits, groups = groups[0], []
        for part in order:
            size = 4 if part == "y" else 2
            groups.append(digits[:size])
            digits = digits[size:]
    if len(groups) != 3:
        return None
    values = dict(zip(order, groups, strict=True))
    if len(values["y"]) != 4:
        return None
    try:
        return date(int(values["y"]), int(values["M"]), int(values["d"]))
    except ValueError:
        return None


class DateField(QWidget):
    """A date typed in the user's format, with a calendar to pick from — or left empty.

    Empty is a state of its own ("not known", "not set"): the field shows its hint and the
    clear button empties it. The calendar opens at the date typed, or else at ``start`` (a
    plausible page: years back for a birth date, this month for most others)."""

    value_did_change = Signal()

    def __init__(
        self,
        value: date | None = None,
        *,
        empty_text: str | None = None,
        start: date | None = None,
        minimum: date = date(1900, 1, 1),
        maximum: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.pattern = editing_date_pattern()
        self.start, self.minimum, self.maximum = start, minimum, maximum
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(empty_text if empty_text is not None else _("not known"))
        self.edit.setToolTip(
            _("Type the date like {example}, or pick it from the calendar.").format(
                example=self.example()
            )
        )
        self.edit.textChanged.connect(lambda _text: self.value_did_change.emit())
        self.edit.editingFinished.connect(self._tidy)
        self.calendar_button = QToolButton()
        self.calendar_button.setArrowType(Qt.ArrowType.DownArrow)
        self.calendar_button.setAccessibleName(_("Choose from a calendar"))
        self.calendar_button.setToolTip(_("Choose from a calendar"))
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.calendar_button.clicked.connect(self.open_calendar)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(False)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        self._menu = QMenu(self)
        action = QWidgetAction(self._menu)
        action.setDefaultWidget(self.calendar)
        self._menu.addAction(action)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.edit, 1)
        row.addWidget(self.calendar_button)
        self.setFocusProxy(self.edit)
        self.set_value(value)

    def example(self) -> str:
        return editing_date_text(date(1985, 3, 21), self.pattern)

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)

    # -- value --

    def text(self) -> str:
        return self.edit.text().strip()

    def is_empty(self) -> bool:
        return not self.text()

    def set_value(self, value: date | None) -> None:
        text = editing_date_text(value, self.pattern) if value else ""
        self.edit.setText(text)

    def value(self) -> date | None:
        """The date typed, ``None`` when empty; :class:`ValueError` for text that is no date."""
        if self.is_empty():
            return None
        parsed = parse_date(self.text(), self.pattern)
        if parsed is None or parsed < self.minimum or (self.maximum and parsed > self.maximum):
            raise ValueError(self.problem())
        return parsed

    def problem(self) -> str:
        return _("Type the date like {example}.").format(example=self.example())

    def checked_value(self, field: str) -> date | None:
        """:meth:`value`, or a :class:`ValidationError` for ``field`` a dialog shows under it."""
        try:
            return self.value()
        except ValueError as exc:
            raise ValidationError({field: str(exc)}) from None

    def _tidy(self) -> None:
        """Show a date typed as "21031985" or "21.3.1985" the usual way once it is complete."""
        parsed = parse_date(self.text(), self.pattern) if self.text() else None
        if parsed is not None:
            self.set_value(parsed)

    # -- calendar --

    def open_calendar(self) -> None:
        try:
            shown = self.value()
        except ValueError:
            shown = None
        page = shown or self.start or date.today()
        self.calendar.setMinimumDate(_qdate(self.minimum))
        if self.maximum:
            self.calendar.setMaximumDate(_qdate(self.maximum))
        if shown:
            self.calendar.setSelectedDate(_qdate(shown))
        self.calendar.setCurrentPage(page.year, page.month)
        self._menu.popup(self.mapToGlobal(self.rect().bottomLeft()))

    def _picked(self, value: QDate) -> None:
        self._menu.hide()
        self.set_value(date(value.year(), value.month(), value.day()))
        self.edit.setFocus()


class LimitedTextEdit(QPlainTextEdit):
    """A text area that never holds more than ``limit`` characters: a paste that would pass
    the limit is cut at once (and says so), so a huge paste neither freezes the window nor
    fails only at Save. The limit is the service's own (:mod:`app.services.validation`)."""

    text_was_cut = Signal(str)

    def __init__(self, text: str = "", *, limit: int = LONG_TEXT_MAX) -> None:
        super().__init__(text)
        self.limit = limit
        self.setTabChangesFocus(True)

    def room(self) -> int:
        """How many characters may still be added (the selection is replaced, so it counts)."""
        selected = len(self.textCursor().selectedText())
        return max(0, self.limit - (self.document().characterCount() - 1) + selected)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if not source.hasText():
            super().insertFromMimeData(source)
            return
        text = source.text()
        room = self.room()
        if len(text) <= room:
            super().insertFromMimeData(source)
            return
        self.textCursor().insertText(text[:room])
        self.ensureCursorVisible()
        self.text_was_cut.emit(
            _("Cut to {limit} characters: this field holds no more.").format(
                limit=number(self.limit)
            )
        )
