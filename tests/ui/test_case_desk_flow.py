"""A social worker's day, through the real widgets: first run → sign in → person → case →
meeting → task → find the case without typing the diacritic → lock → unlock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QWizard,
)

from app.features.cases.ui.case_view import CaseWorkspace
from app.features.cases.ui.dialogs import NewCaseDialog
from app.features.cases.ui.record_dialogs import MeetingDialog, PersonDialog, TaskDialog
from app.models.enums import CaseKind, MeetingKind
from app.shell.firstrun import RECOVERY, FirstRunWizard
from app.shell.main import Controller
from app.shell.main_window import MainWindow
from app.ui_kit.operations import SyncOperations
from tests.ui.conftest import answer_dialog

CLIENT_GIVEN, CLIENT_FAMILY = "Ștefan", "Țăranu-Ølstad"
NOTE = "Talked about the housing application at NAV."
PASSWORD = "a long coordinator password"


def all_texts() -> list[str]:
    """Every piece of text any live widget holds (labels, fields, tables, item models)."""
    texts: list[str] = []
    for widget in QApplication.allWidgets():
        if isinstance(widget, (QLabel, QLineEdit)):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QTableWidget):
            texts += [
                widget.item(r, c).text()
                for r in range(widget.rowCount())
                for c in range(widget.columnCount())
                if widget.item(r, c)
            ]
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            texts += [
                str(model.data(model.index(r, c)))
                for r in range(model.rowCount())
                for c in range(model.columnCount())
            ]
        texts.append(widget.windowTitle())
    return texts


def first_run(qtbot: Any, folder: Path, ops: SyncOperations) -> Path:
    wizard = FirstRunWizard(folder, ops)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.organisation.organisation.setText("Fangehjelpen Vest")
    wizard.organisation.folder.setText(str(folder))
    wizard.next()
    account = wizard.account
    account.display_name.setText("Kari Nordmann")
    account.username.setText("kari")
    account.password.setText(PASSWORD)
    account.repeat.setText(PASSWORD)
    wizard.next()
    assert wizard.currentId() == RECOVERY
    code = wizard.recovery.code.text()
    assert code.count("-") == 7
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()  # not until the code is stored
    wizard.recovery.stored.setChecked(True)
    assert finish.isEnabled()
    wizard.accept()
    assert wizard.chosen == folder
    return folder


def test_a_day_at_the_case_desk(qtbot: Any, tmp_path: Path) -> None:
    ops = SyncOperations()
    folder = first_run(qtbot, tmp_path / "workspace", ops)

    controller = Controller(folder, ops)
    controller.start()
    signin = controller.signin
    qtbot.addWidget(signin)
    signin.username.setText("kari")
    signin.password.setText("wrong password")
    signin.try_sign_in()
    assert "not right" in signin.message.text() and controller.window is None
    signin.password.setText(PASSWORD)
    signin.try_sign_in()
    window = controller.window
    assert isinstance(window, MainWindow) and window.isVisible()
    assert "Fangehjelpen Vest" in window.windowTitle()

    # a new person
    people_page = window.show_page("people")

    def fill_person(dialog: PersonDialog) -> None:
        dialog.given.setText(CLIENT_GIVEN)
        dialog.family.setText(CLIENT_FAMILY)
        dialog.nationality.set_code("RO")
        dialog.save()

    answer_dialog(PersonDialog, fill_person)
    people_page.new_person.click()
    assert people_page.panel.name.text() == f"{CLIENT_GIVEN} {CLIENT_FAMILY}"

    # a release-support case for them
    cases_page = window.show_page("cases")

    def fill_case(dialog: NewCaseDialog) -> None:
        dialog.client.search.setText("taranu")
        dialog.client._find()
        assert dialog.client.results.count() == 1
        dialog.fields.kind.setCurrentIndex(list(CaseKind).index(CaseKind.RELEASE_SUPPORT))
        dialog.save()

    answer_dialog(NewCaseDialog, fill_case)
    cases_page.list.new_case.click()
    workspace = cases_page.tabs.currentWidget()
    assert isinstance(workspace, CaseWorkspace)
    assert workspace.bundle is not None and workspace.bundle.case.kind == CaseKind.RELEASE_SUPPORT
    reference = workspace.bundle.case.reference

    # record a meeting, keyboard-first: the summary has focus
    def fill_meeting(dialog: MeetingDialog) -> None:
        assert dialog.focusWidget() in (dialog.summary, None)
        qtbot.keyClicks(dialog.summary, NOTE)
        dialog.kind.setCurrentIndex(dialog.kind.findData(MeetingKind.PHONE))  # custody unknown
        dialog.follow_up.setText("Call the housing office")
        dialog.save()

    answer_dialog(MeetingDialog, fill_meeting)
    workspace.tabs.setCurrentIndex(2)
    record = next(
        b
        for b in workspace.findChildren(type(cases_page.list.new_case))
        if b.text() == "Record meeting…"
    )
    record.click()
    assert workspace.meetings.texts()[-1].startswith("Talked about the housing")
    assert "Call the housing office" in workspace.tasks.texts()

    # and a task
    def fill_task(dialog: TaskDialog) -> None:
        dialog.title_edit.setText("Book the ID appointment")
        dialog.save()

    answer_dialog(TaskDialog, fill_task)
    add_task = next(b for b in workspace.findChildren(type(record)) if b.text() == "Add task…")
    add_task.click()
    assert "Book the ID appointment" in workspace.tasks.texts()

    # find the case by typing part of the name without its diacritics
    cases_page.tabs.setCurrentIndex(0)
    qtbot.keyClicks(cases_page.list.search, "stefan")
    cases_page._apply_filters()
    model = cases_page.model
    assert model.rowCount() == 1
    assert model.data(model.index(0, 0)) == reference

    # lock: nothing of the client remains in any widget, and the database is closed
    ctx = controller.ctx
    assert ctx is not None
    window.lock_button.click()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert controller.window is None and ctx.locked
    leftover = [
        t
        for t in all_texts()
        if any(s in t for s in (CLIENT_FAMILY, CLIENT_GIVEN, reference, "housing"))
    ]
    assert leftover == []
    assert signin.isVisible() and signin.password.text() == ""

    # unlock again
    signin.password.setText(PASSWORD)
    signin.try_sign_in()
    assert controller.window is not None and controller.window.isVisible()
    today = controller.window.pages["today"]
    assert any(reference in t for t in today.recent.texts())
    controller.window.close()
    controller.shutdown()


def test_ctrl_f_focuses_search_and_enter_opens(qtbot: Any, window: MainWindow) -> None:
    page = window.show_page("cases")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.list.search.hasFocus() or QApplication.focusWidget() is page.list.search
