"""Fields that take what people type: dates in their own format (or none), and text areas
that cut an overlong paste at once."""

from __future__ import annotations

import time
import uuid
from datetime import date
from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QApplication, QLineEdit

from app.features.cases.ui.record_dialogs import MeetingDialog, PersonDialog, TaskDialog
from app.kernel.i18n import current_language
from app.services.context import ServiceContext
from app.services.validation import LONG_TEXT_MAX
from app.ui_kit.fields import DateField, LimitedTextEdit, parse_date
from app.ui_kit.language import apply_language
from app.ui_kit.operations import SyncOperations


def shown(qtbot: Any, dialog: Any) -> Any:
    """Show ``dialog``; at the end close it without asking to discard what the test typed."""
    qtbot.addWidget(dialog, before_close_func=lambda d: setattr(d, "_dirty", False))
    dialog.show()
    return dialog


def test_a_date_of_birth_is_typed_in_the_locales_format(
    qtbot: Any, ctx: ServiceContext, ops: SyncOperations
) -> None:
    before = current_language()
    apply_language("nb")
    try:
        dialog = shown(qtbot, PersonDialog(None, ctx, ops))
        birth = dialog.birth
        assert birth.is_empty() and birth.edit.placeholderText() == "ikke kjent"
        assert dialog.data().birth_date is None  # empty is "not known", not a date
        birth.edit.setFocus()
        qtbot.keyClicks(birth.edit, "21031985")
        birth.edit.editingFinished.emit()  # Tab, offscreen
        assert birth.edit.text() == "21.03.1985"
        assert dialog.data().birth_date == date(1985, 3, 21)
        birth.edit.clear()
        qtbot.keyClicks(birth.edit, "1.2.1979")
        assert dialog.data().birth_date == date(1979, 2, 1)
    finally:
        apply_language(before)


def test_not_known_is_a_state_of_its_own_and_nonsense_is_refused(
    qtbot: Any, ctx: ServiceContext, ops: SyncOperations
) -> None:
    dialog = shown(qtbot, PersonDialog(None, ctx, ops))
    dialog.given.setText("Ana")
    dialog.family.setText("Pop")
    qtbot.keyClicks(dialog.birth.edit, "not known01012030")
    dialog.save()
    error = dialog.form.errors["birth_date"]
    assert error.isVisible() and "21/03/1985" in error.text()
    assert dialog.result_value is None
    dialog.birth.edit.clear()  # the clear button: back to "not known"
    assert not error.isVisible()
    dialog.save()
    assert dialog.result_value is not None and dialog.result_value.birth_date is None


def test_the_calendar_opens_near_a_plausible_date(qtbot: Any, ctx: ServiceContext) -> None:
    dialog = shown(qtbot, PersonDialog(None, ctx, SyncOperations()))
    dialog.birth.open_calendar()
    today = date.today()
    assert 30 <= today.year - dialog.birth.calendar.yearShown() <= 40
    dialog.birth._menu.hide()
    other = DateField(empty_text="not set")
    qtbot.addWidget(other)
    other.open_calendar()
    assert (other.calendar.yearShown(), other.calendar.monthShown()) == (today.year, today.month)
    other._menu.hide()
    other.set_value(date(2031, 5, 4))
    other.open_calendar()
    assert (other.calendar.yearShown(), other.calendar.monthShown()) == (2031, 5)
    other._menu.hide()


def test_parse_date_follows_the_pattern() -> None:
    assert parse_date("03/21/1985", "MM/dd/yyyy") == date(1985, 3, 21)
    assert parse_date("1985-03-21", "yyyy-MM-dd") == date(1985, 3, 21)
    assert parse_date("19850321", "yyyy-MM-dd") == date(1985, 3, 21)
    assert parse_date("31.02.1985", "dd.MM.yyyy") is None
    assert parse_date("21.03.85", "dd.MM.yyyy") is None
    assert parse_date("not known", "dd.MM.yyyy") is None


def test_a_huge_paste_is_cut_at_once_and_says_so(
    qtbot: Any, ctx: ServiceContext, ops: SyncOperations
) -> None:
    dialog = shown(qtbot, MeetingDialog(None, ctx, ops, uuid.uuid4()))
    paste = QMimeData()
    paste.setText("word " * 400_000)  # 2 MB
    started = time.perf_counter()
    dialog.summary.insertFromMimeData(paste)
    QApplication.processEvents()
    assert time.perf_counter() - started < 1.0
    assert len(dialog.summary.toPlainText()) == LONG_TEXT_MAX
    error = dialog.form.errors["summary"]
    assert error.isVisible() and "50,000" in error.text()


def test_a_paste_that_fits_is_left_whole(qtbot: Any) -> None:
    edit = LimitedTextEdit("abc", limit=10)
    qtbot.addWidget(edit)
    paste = QMimeData()
    paste.setText("1234567")
    edit.insertFromMimeData(paste)
    assert edit.toPlainText() == "1234567abc"
    edit.insertFromMimeData(paste)
    assert edit.toPlainText() == "1234567abc"


def test_this_field_is_required_goes_once_typed(
    qtbot: Any, ctx: ServiceContext, ops: SyncOperations
) -> None:
    dialog = shown(qtbot, TaskDialog(None, ctx, ops, None, []))
    dialog.save()
    error = dialog.form.errors["title"]
    assert error.isVisible() and error.text() == "This field is required."
    qtbot.keyClicks(dialog.title_edit, "Call the housing office")
    assert not error.isVisible()


def test_the_meeting_form_keeps_its_order_keys_placeholder_and_focus(
    qtbot: Any, ctx: ServiceContext, ops: SyncOperations
) -> None:
    """The typed texts come from the meeting's declaration: in their place among the other
    fields, with their keys, the summary's hint, and the cursor in the summary."""
    before = current_language()
    apply_language("nb")
    try:
        dialog = shown(qtbot, MeetingDialog(None, ctx, ops, uuid.uuid4()))
        qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.summary)
        labels = {name: label.text() for name, label in dialog.form.labels.items()}
        assert list(labels) == [
            "occurred_at",
            "duration_minutes",
            "kind",
            "location",
            "summary",
            "wellbeing",
            "interpreter_used",
            "follow_up_title",
            "follow_up_due",
        ]
        assert (labels["location"], labels["summary"]) == ("S&ted", "S&ammendrag")
        assert dialog.summary.placeholderText() == "Hva skjedde, hva ble avtalt, hva skjer videre"
        assert dialog.summary.accessibleName() == "Sammendrag"
        assert isinstance(dialog.location, QLineEdit)
        assert isinstance(dialog.summary, LimitedTextEdit)
        assert dialog.summary.limit == LONG_TEXT_MAX
    finally:
        apply_language(before)
