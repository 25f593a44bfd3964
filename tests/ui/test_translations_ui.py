"""Every window and dialog, in every language, offscreen: nothing left in English, nothing cut.

For nb, ru, ro and the pseudo-locale (``xx``, every string 40 % longer) this opens the
first-run wizard's pages, the sign-in window, the main window with each page, a case with each
of its tabs, and each dialog; then it reads every visible text. A text that is exactly an
English message the catalogue translates means a string that bypassed translation; a label,
button, tab, header or list entry narrower than its text means a clipped word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabBar,
    QTableWidget,
    QToolButton,
    QWidget,
    QWizard,
)

from app.demo.workspace import create_demo_workspace
from app.features.admin.services import users
from app.features.admin.ui.user_dialog import NewUserDialog
from app.features.cases.services import case_list, cases, meetings, needs, tasks
from app.features.cases.ui.case_view import CaseWorkspace, load_bundle
from app.features.cases.ui.dialogs import Choices, EditCaseDialog, NewCaseDialog, StatusDialog
from app.features.cases.ui.record_dialogs import (
    MeetingDialog,
    NeedDialog,
    PersonDialog,
    ReferralDialog,
    TaskDialog,
)
from app.features.cases.ui.relation_dialog import RelationDialog
from app.features.consent.services import referrals
from app.features.consent.ui.referrals import SendReferralDialog
from app.features.directory.services import directory
from app.features.people.services import people
from app.kernel.i18n import PSEUDO_LANGUAGE, _, current_language, pseudo
from app.models.enums import CaseKind, MeetingKind
from app.services.context import ServiceContext
from app.services.workspace import unlock
from app.shell.firstrun import FirstRunWizard
from app.shell.main_window import MainWindow
from app.shell.signin import SignInWindow
from app.shell.workspaces import OpenWorkspaceDialog
from app.store import instance_lock
from app.ui_kit import style
from app.ui_kit.language import apply_language
from app.ui_kit.operations import ChangeBus, SyncOperations
from tools import i18n as catalogues

LANGUAGES = ("nb", "ru", "ro", PSEUDO_LANGUAGE)
MAIN_SIZE = (1200, 780)
#: A line edit's frame and text margins around its text.
LINE_EDIT_PADDING = 12
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Demo:
    folder: Path
    ctx: ServiceContext
    case: cases.CaseView
    person: people.PersonView
    referral: referrals.ReferralView  # a draft for a client who gave no consent to share


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("i18n") / "demo"
    created, _stats = create_demo_workspace(folder, cases=30, seed=7, kdf_seconds=0)
    ctx = unlock(created.folder, "coordinator", "demo")
    rows = case_list.list_cases(ctx, case_list.CaseQuery(), limit=30)
    bundles = [load_bundle(ctx, row.id) for row in rows]
    richest = max(bundles, key=lambda b: (len(b.meetings) > 0) + len(b.needs) + len(b.tasks))
    _give_the_coordinator_a_day(ctx, richest.case.id)
    person = people.get_person(ctx, richest.case.client_id)
    yield Demo(created.folder, ctx, richest.case, person, _draft_without_consent(ctx))
    ctx.lock()


def _draft_without_consent(ctx: ServiceContext) -> referrals.ReferralView:
    client = people.create_person(ctx, people.PersonInput("Ion", "Lungu"))
    case = cases.open_case(ctx, cases.CaseInput(CaseKind.RELEASE_SUPPORT, client.id, date.today()))
    organisation = directory.list_organisations(ctx)[0]
    return referrals.create_referral(ctx, case.id, organisation.id, None, None)


def _give_the_coordinator_a_day(ctx: ServiceContext, case_id: Any) -> None:
    """Tasks (one overdue, with the longest date text) and a meeting, so Today has rows."""
    me = ctx.require_actor().id
    today = date.today()
    for title, due in (
        ("Call the housing office about the flat", today - timedelta(days=3)),
        ("Book a visit", today + timedelta(days=2)),
    ):
        tasks.create_task(ctx, tasks.TaskInput(title, due, me, case_id, None))
    when = (datetime.now() - timedelta(minutes=5)).replace(second=0, microsecond=0)
    meetings.record_meeting(
        ctx,
        meetings.MeetingInput(
            case_id=case_id,
            occurred_at=when,
            duration_minutes=45,
            kind=MeetingKind.PHONE,
            summary="Talked about the flat.",
        ),
    )


@pytest.fixture(scope="module", autouse=True)
def app_style(qapp: QApplication) -> Iterator[None]:
    """The app's own look (its font size decides what fits), undone afterwards."""
    before = (qapp.styleSheet(), qapp.font(), qapp.palette(), qapp.style().name())
    style.apply(qapp)
    yield
    qapp.setStyleSheet(before[0])
    qapp.setFont(before[1])
    qapp.setPalette(before[2])
    qapp.setStyle(before[3])


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    before = current_language()
    apply_language(request.param)
    yield request.param
    apply_language(before)


def english_messages(language: str) -> set[str]:
    """English texts the catalogue for ``language`` translates (into something else)."""
    if language == PSEUDO_LANGUAGE:
        template = catalogues.read(catalogues.TEMPLATE)
        return {m.id for m in template if isinstance(m.id, str) and m.id and pseudo(m.id) != m.id}
    catalog = catalogues.read(catalogues.po_path(language), language)
    found: set[str] = set()
    translations: set[str] = set()
    for m in catalog:
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        translations.update(s for s in strings if s)
        if ids[0] and any(s and s not in ids for s in strings):
            found.update(ids)
    # Romanian "Note" (notes) is English "Note": a translation is never "left in English".
    return found - translations


# -- reading what is on screen --


def _visible(root: QWidget) -> list[QWidget]:
    return [w for w in [root, *root.findChildren(QWidget)] if w.isVisible()]


def _header_texts(header: QHeaderView) -> list[str]:
    model = header.model()
    if model is None:
        return []
    return [
        str(model.headerData(i, header.orientation(), Qt.ItemDataRole.DisplayRole) or "")
        for i in range(header.count())
        if not header.isSectionHidden(i)
    ]


def texts_of(root: QWidget) -> list[tuple[str, str]]:
    """(text, where) for every text a person can see in ``root`` — but not table cells:
    those are records (a task made from a template keeps the words it was made with); the
    labels shown in them are checked in tests/unit/test_labels_translated.py."""
    found: list[tuple[str, str]] = [(root.windowTitle(), "window title")]
    for w in _visible(root):
        kind = type(w).__name__
        if isinstance(w, QLabel):
            found.append((_TAGS.sub("", w.text()), kind))
        elif isinstance(w, QAbstractButton):
            found.append((w.text(), kind))
        if isinstance(w, QGroupBox):
            found.append((w.title(), kind))
        if isinstance(w, QTabBar):
            found += [(w.tabText(i), kind) for i in range(w.count())]
        if isinstance(w, QHeaderView):
            found += [(t, kind) for t in _header_texts(w)]
        if isinstance(w, QLineEdit | QPlainTextEdit):
            found.append((w.placeholderText(), f"{kind} placeholder"))
        if isinstance(w, QComboBox):
            found += [(w.itemText(i), kind) for i in range(w.count())]
        if isinstance(w, QListWidget):
            found += [(w.item(i).text(), kind) for i in range(w.count())]
        if isinstance(w, QAbstractSpinBox):
            found.append((w.specialValueText(), kind))
        if isinstance(w, QSpinBox):
            found.append((w.suffix().strip(), kind))
        if isinstance(w, QWizard):
            page = w.currentPage()
            if page is not None:
                found += [(page.title(), "wizard title"), (page.subTitle(), "wizard subtitle")]
    return [(t.strip(), where) for t, where in found if t and t.strip()]


def untranslated(root: QWidget, english: set[str]) -> list[str]:
    return sorted({f"{where}: {text!r}" for text, where in texts_of(root) if text in english})


def clipped(root: QWidget) -> list[str]:
    """Texts narrower than they need: labels, buttons, tabs, headers, list entries; and
    wrapped labels (messages) shorter than their lines need."""
    found: list[str] = []
    for w in _visible(root):
        if isinstance(w, QLabel) and w.text() and not w.wordWrap() and w.pixmap().isNull():
            if w.sizeHint().width() > w.width() + 1:
                found.append(f"label {w.text()!r}: needs {w.sizeHint().width()}, has {w.width()}")
        elif isinstance(w, QLabel) and w.text() and w.wordWrap():
            need = w.heightForWidth(w.width())
            if need > w.height() + 1:
                found.append(f"message {w.text()[:40]!r}…: needs {need} high, has {w.height()}")
        elif (
            isinstance(w, QPushButton | QCheckBox | QRadioButton | QToolButton)
            and w.text()
            and w.sizeHint().width() > w.width() + 1
        ):
            found.append(f"{type(w).__name__} {w.text()!r}: needs {w.sizeHint().width()}")
        if isinstance(w, QTabBar) and w.count():
            for i in range(w.count()):
                if w.tabRect(i).width() < w.tabSizeHint(i).width() - 1:
                    found.append(f"tab {w.tabText(i)!r} elided")
        if isinstance(w, QHeaderView) and w.orientation() == Qt.Orientation.Horizontal:
            for i in range(w.count()):
                if w.isSectionHidden(i):
                    continue
                need = w.sectionSizeFromContents(i).width()
                if w.sectionSize(i) < need - 1:
                    text = _header_texts(w)[i] if i < len(_header_texts(w)) else i
                    found.append(f"header {text!r}: needs {need}, has {w.sectionSize(i)}")
        if isinstance(w, QLineEdit) and w.placeholderText() and not w.text():
            need = w.fontMetrics().horizontalAdvance(w.placeholderText()) + LINE_EDIT_PADDING
            if need > w.width():
                found.append(f"placeholder {w.placeholderText()!r}: needs {need}, has {w.width()}")
        if isinstance(w, QTableWidget):
            found += cut_words(w)
        if isinstance(w, QListWidget) and w.count():
            need = w.sizeHintForColumn(0)
            if need > w.viewport().width() + 1:
                found.append(f"list {w.accessibleName()!r}: needs {need}")
    return found


#: A table cell's margins around its text.
CELL_PADDING = 6


def cut_words(table: QTableWidget) -> list[str]:
    """Cells whose words cannot fit their column (a cell wraps between words, but a word
    wider than the column is cut: "Сте… Кон…")."""
    found: list[str] = []
    metrics = table.fontMetrics()
    for row in range(min(table.rowCount(), 50)):
        for column in range(table.columnCount()):
            item = table.item(row, column)
            if item is None or table.isColumnHidden(column) or not item.text():
                continue
            need = max(metrics.horizontalAdvance(word) for word in item.text().split() or [""])
            if need + CELL_PADDING > table.columnWidth(column):
                found.append(
                    f"cell {item.text()!r} in {table.accessibleName()!r}: a word needs "
                    f"{need + CELL_PADDING}, the column has {table.columnWidth(column)}"
                )
    return found


def check(root: QWidget, english: set[str], problems: list[str], name: str) -> None:
    QCoreApplication.processEvents()
    problems += [f"{name}: untranslated {p}" for p in untranslated(root, english)]
    problems += [f"{name}: clipped {p}" for p in clipped(root)]


# -- the walk --


def walk_first_run(tmp_path: Path, english: set[str], problems: list[str]) -> None:
    ops = SyncOperations()
    for page_id in (0, 1, 2, 3):
        wizard = FirstRunWizard(tmp_path / "new", ops)
        wizard.setStartId(page_id)
        wizard.restart()
        wizard.show()
        check(wizard, english, problems, f"first run, page {page_id}")
        wizard.hide()
        wizard.deleteLater()


def walk_main_window(demo: Demo, english: set[str], problems: list[str]) -> None:
    ops, bus = SyncOperations(), ChangeBus()
    window = MainWindow(demo.ctx, ops, bus, organisation="Demo")
    window.resize(*MAIN_SIZE)
    window.show()
    for key in window.pages:
        window.show_page(key)
        check(window, english, problems, f"main window, {key}")
    if window.width() > MAIN_SIZE[0] or window.height() > MAIN_SIZE[1]:
        problems.append(f"main window grew to {window.width()}×{window.height()}")
    cases_page: Any = window.show_page("cases")
    workspace: CaseWorkspace = cases_page.open_case(demo.case.id)
    for index in range(workspace.tabs.count()):
        workspace.tabs.setCurrentIndex(index)
        check(window, english, problems, f"case tab {workspace.tabs.tabText(index)}")
    window.clear()
    window.hide()
    window.deleteLater()


def walk_dialogs(demo: Demo, english: set[str], problems: list[str]) -> None:
    ctx, ops, case = demo.ctx, SyncOperations(), demo.case
    choices = Choices.load(ctx)
    staff = users.list_active_staff(ctx)
    case_needs = needs.list_case_needs(ctx, case.id)
    organisations = directory.list_organisations(ctx)
    dialogs: list[QWidget] = [
        MeetingDialog(None, ctx, ops, case.id),
        TaskDialog(None, ctx, ops, case.id, staff),
        NeedDialog(None, ctx, ops, case.id),
        ReferralDialog(None, ctx, ops, case.id, case_needs, organisations),
        PersonDialog(None, ctx, ops),
        PersonDialog(None, ctx, ops, demo.person),
        NewCaseDialog(None, ctx, ops, choices),
        EditCaseDialog(None, ctx, ops, choices, case),
        StatusDialog(None, ctx, ops, case),
        NewUserDialog(None, ctx, ops),
        RelationDialog(None, ctx, ops, demo.person.id),
        OpenWorkspaceDialog(demo.folder),
    ]
    for dialog in dialogs:
        dialog.show()
        check(dialog, english, problems, type(dialog).__name__)
        dialog.hide()
        dialog.deleteLater()
    walk_messages(demo, english, problems)


def walk_messages(demo: Demo, english: set[str], problems: list[str]) -> None:
    """The long messages: a refusal in a dialog, a message box, the sign-in's "already open"."""
    send = SendReferralDialog(None, demo.ctx, SyncOperations(), demo.referral)
    send.show()
    send.save()  # refused: no consent to share
    if not send.message.isVisible():
        problems.append("SendReferralDialog: the consent refusal is not shown")
    check(send, english, problems, "SendReferralDialog refused")
    send.hide()
    send.deleteLater()
    box = QMessageBox(
        QMessageBox.Icon.Question,
        _("Discard changes?"),
        _("You have typed something that is not saved yet. Discard it?"),
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
    )
    box.show()
    check(box, english, problems, "message box")
    box.hide()
    box.deleteLater()
    signin = SignInWindow(demo.folder, SyncOperations())
    signin.show()
    signin._failure(instance_lock._in_use(demo.folder))  # what a second Homeward is told
    check(signin, english, problems, "sign-in, workspace in use")
    signin.hide()
    signin.deleteLater()


def test_every_screen_is_translated_and_unclipped(
    qtbot: Any, demo: Demo, language: str, tmp_path: Path
) -> None:
    english = english_messages(language)
    assert english, "the catalogue is empty"
    problems: list[str] = []
    walk_first_run(tmp_path, english, problems)
    signin = SignInWindow(demo.folder, SyncOperations())
    signin.show()
    check(signin, english, problems, "sign-in")
    signin.hide()
    signin.deleteLater()
    walk_main_window(demo, english, problems)
    walk_dialogs(demo, english, problems)
    QApplication.processEvents()
    assert not problems, "\n".join(problems)


def test_the_walk_would_notice_english_and_clipping(qtbot: Any) -> None:
    from PySide6.QtWidgets import QHBoxLayout

    root = QWidget()
    qtbot.addWidget(root)
    layout = QHBoxLayout(root)
    english_label = QLabel("Sign in")
    squeezed = QPushButton("A very long button text that cannot fit")
    squeezed.setFixedWidth(40)
    layout.addWidget(english_label)
    layout.addWidget(squeezed)
    root.show()
    assert untranslated(root, {"Sign in"}) == ["QLabel: 'Sign in'"]
    assert any("A very long button" in p for p in clipped(root))
