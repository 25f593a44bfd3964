"""Nothing typed is lost: a half-typed meeting survives the lock and comes back to its author
only; drafts are written while typing, and go once saved or discarded."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any
from uuid import uuid4

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit, QPushButton

from app.features.cases.services import cases, meetings
from app.features.cases.ui.case_view import CaseWorkspace
from app.features.cases.ui.record_dialogs import (
    MeetingDialog,
    NeedDialog,
    PersonDialog,
    TaskDialog,
)
from app.features.people.services import people
from app.models.enums import CaseKind, MeetingKind, Role
from app.security.idle import IdleTimer
from app.services import drafts
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace, NewUser, unlock
from app.shell.main import Controller
from app.shell.main_window import MainWindow
from app.ui_kit import dialog_base, field_values
from app.ui_kit.operations import Operations, SyncOperations
from tests.conftest import PASSWORD
from tests.integration.helpers.casework import case_for, client
from tests.ui.conftest import answer_dialog

TYPED_KEYS = "Ivan: the flat in Bergen fell through."
#: Typed keys reach Qt's test driver only in ASCII; the rest arrives as a paste would.
PASTED = " Иван просит помощи 🙏 — call NAV on Monday"
TYPED = TYPED_KEYS + PASTED
OTHER_PASSWORD = "walter's long password"


@pytest.fixture
def folder_and_case(
    make_workspace: Callable[..., CreatedWorkspace],
) -> tuple[CreatedWorkspace, cases.CaseView]:
    created = make_workspace(
        users=(NewUser("walter", "Walter Worker", Role.SOCIAL_WORKER, OTHER_PASSWORD),)
    )
    ctx = unlock(created.folder, "coord", PASSWORD)
    try:
        person = people.create_person(
            ctx, people.PersonInput(given_name="Ivan", family_name="Petrov")
        )
        case = cases.open_case(
            ctx,
            cases.CaseInput(
                kind=CaseKind.RELEASE_SUPPORT, client_id=person.id, opened_on=date(2026, 1, 5)
            ),
        )
    finally:
        ctx.lock()
    return created, case


@pytest.fixture
def controller(
    qtbot: Any, folder_and_case: tuple[CreatedWorkspace, cases.CaseView]
) -> Iterator[Controller]:
    created, _case = folder_and_case
    control = Controller(created.folder, SyncOperations())
    qtbot.addWidget(control.signin)
    control.start()
    yield control
    if control.window is not None:
        control.lock()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def sign_in(control: Controller, username: str, password: str) -> MainWindow:
    control.signin.username.setText(username)
    control.signin.password.setText(password)
    control.signin.try_sign_in()
    assert control.window is not None
    return control.window


def quietly(dialog: Any) -> None:
    """Close a dialog left open by a failing test without asking (no event loop to answer)."""
    dialog._dirty = False


def type_summary(qtbot: Any, dialog: MeetingDialog) -> None:
    qtbot.keyClicks(dialog.summary, TYPED_KEYS)
    dialog.summary.insertPlainText(PASTED)


def record_button(workspace: CaseWorkspace) -> QPushButton:
    return next(b for b in workspace.findChildren(QPushButton) if b.text() == "Record meeting…")


def offers_seen(control: Controller) -> list[str]:
    """Answer every draft offer with "Not now", keeping the question asked."""
    seen: list[str] = []

    def later(box: QMessageBox) -> None:
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == "Not now").click()

    for _ in range(3):
        answer_dialog(QMessageBox, later, attempts=5)
    return seen


def type_meeting_then_lock(
    qtbot: Any, control: Controller, case: cases.CaseView, lock: Callable[[MeetingDialog], None]
) -> None:
    window = sign_in(control, "coord", PASSWORD)
    workspace = window.open_case(case.id)
    assert isinstance(workspace, CaseWorkspace)

    def type_and_lock(dialog: MeetingDialog) -> None:
        type_summary(qtbot, dialog)
        dialog.wellbeing.setValue(7)
        dialog.location.setText("Bergen prison")
        choose_kind(dialog)
        lock(dialog)

    answer_dialog(MeetingDialog, type_and_lock)
    record_button(workspace).click()  # returns once the lock closed the dialog
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert control.window is None and control.signin.isVisible()


def press_ctrl_l(dialog: MeetingDialog) -> None:
    dialog.activateWindow()
    for _ in range(100):
        if dialog.isActiveWindow():
            break
        QTest.qWait(20)
    assert dialog.isActiveWindow()
    QTest.keyClick(dialog.summary, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)


def test_the_lock_keeps_the_meeting_and_the_same_user_continues_it(
    qtbot: Any, controller: Controller, folder_and_case: tuple[CreatedWorkspace, cases.CaseView]
) -> None:
    _created, case = folder_and_case
    type_meeting_then_lock(qtbot, controller, case, press_ctrl_l)

    asked: list[str] = []

    def go_on(box: QMessageBox) -> None:
        asked.append(box.text() + "\n" + box.informativeText())
        next(b for b in box.buttons() if b.text() == "Continue").click()

    restored: list[tuple[object, str, int, str]] = []

    def check_and_save(dialog: MeetingDialog) -> None:
        restored.append(
            (
                dialog.draft_case_id(),
                dialog.summary.toPlainText(),
                dialog.wellbeing.value(),
                dialog.location.text(),
            )
        )
        dialog.save()

    answer_dialog(QMessageBox, go_on)
    answer_dialog(MeetingDialog, check_and_save, attempts=100)
    window = sign_in(controller, "coord", PASSWORD)
    assert len(asked) == 1
    assert f"“Record a meeting” for {case.reference}" in asked[0]
    assert "When Homeward locked" in asked[0] and TYPED[:40] in asked[0]
    assert restored == [(case.id, TYPED, 7, "Bergen prison")]
    # reopened on the right case, saved, and the draft is gone
    current = window.pages["cases"].tabs.currentWidget()  # type: ignore[attr-defined]
    assert isinstance(current, CaseWorkspace) and current.case_id == case.id
    ctx = controller.ctx
    assert ctx is not None
    assert [m.summary for m in meetings.list_case_meetings(ctx, case.id)] == [TYPED]
    assert drafts.my_drafts(ctx) == []


def test_another_user_is_never_offered_the_draft(
    qtbot: Any, controller: Controller, folder_and_case: tuple[CreatedWorkspace, cases.CaseView]
) -> None:
    _created, case = folder_and_case

    def lock_now(_dialog: MeetingDialog) -> None:  # the idle lock: time ran out
        controller.idle = IdleTimer(0)
        controller._check_idle()

    type_meeting_then_lock(qtbot, controller, case, lock_now)

    seen = offers_seen(controller)
    window = sign_in(controller, "walter", OTHER_PASSWORD)
    qtbot.wait(300)  # every answerer has looked, and gives up
    assert seen == []
    assert window.ctx.actor is not None and window.ctx.actor.username == "walter"
    assert drafts.my_drafts(window.ctx) == []
    controller.lock()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    # the author still has it (so the silence above was not for want of a draft)
    seen = offers_seen(controller)
    window = sign_in(controller, "coord", PASSWORD)
    assert len(seen) == 1 and case.reference in seen[0]
    [kept] = drafts.my_drafts(window.ctx)
    assert kept.payload["fields"]["summary"] == TYPED and kept.case_id == case.id


def test_a_draft_is_written_while_typing_and_goes_when_discarded(
    qtbot: Any, window: MainWindow, ctx: ServiceContext
) -> None:
    case = case_for(ctx, client(ctx).id)
    dialog = MeetingDialog(window, ctx, window.ops, case.id)
    qtbot.addWidget(dialog, before_close_func=quietly)
    dialog.show()
    type_summary(qtbot, dialog)
    assert dialog._draft_timer.isActive()
    assert dialog._draft_timer.interval() == dialog_base.DRAFT_AFTER_MS == 3_000
    assert drafts.my_drafts(ctx) == []  # not on every keystroke
    qtbot.waitUntil(lambda: len(drafts.my_drafts(ctx)) == 1, timeout=6_000)
    [kept] = drafts.my_drafts(ctx)
    assert kept.kind == "meeting" and kept.case_id == case.id
    assert kept.payload["fields"]["summary"] == TYPED and kept.payload["locked"] is False

    answer_dialog(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Discard).click())
    dialog.reject()
    assert not dialog.isVisible()
    assert drafts.my_drafts(ctx) == []


def choose_kind(dialog: MeetingDialog) -> None:
    """The case's custody says nothing, so the worker chooses what kind of meeting it was."""
    dialog.kind.setCurrentIndex(dialog.kind.findData(MeetingKind.PRISON_VISIT))


def test_saving_deletes_the_draft_written_while_typing(
    qtbot: Any, window: MainWindow, ctx: ServiceContext
) -> None:
    case = case_for(ctx, client(ctx).id)
    dialog = MeetingDialog(window, ctx, window.ops, case.id)
    qtbot.addWidget(dialog, before_close_func=quietly)
    dialog.show()
    type_summary(qtbot, dialog)
    choose_kind(dialog)
    dialog.write_draft()  # what the timer does
    assert len(drafts.my_drafts(ctx)) == 1
    dialog.save()
    assert dialog.result_value is not None
    assert drafts.my_drafts(ctx) == []


@pytest.mark.parametrize("kind", ["task", "need", "person"])
def test_every_field_comes_back_from_a_draft(
    qtbot: Any, window: MainWindow, ctx: ServiceContext, kind: str
) -> None:
    case = case_for(ctx, client(ctx).id)
    make: dict[str, Callable[[], Any]] = {
        "task": lambda: TaskDialog(window, ctx, window.ops, case.id, []),
        "need": lambda: NeedDialog(window, ctx, window.ops, case.id),
        "person": lambda: PersonDialog(window, ctx, window.ops),
    }
    first = make[kind]()
    qtbot.addWidget(first, before_close_func=quietly)
    for widget in first.form.fields.values():
        if hasattr(widget, "setPlainText"):
            widget.setPlainText(f"{TYPED}\nsecond line")
        elif hasattr(widget, "setText") and hasattr(widget, "textEdited"):
            widget.setText("Ștefan Ørjan")
        elif hasattr(widget, "setCurrentIndex") and hasattr(widget, "count"):
            widget.setCurrentIndex(widget.count() - 1)
    first._mark_dirty()
    first.write_draft()
    [draft] = drafts.my_drafts(ctx)
    second = type(first).from_draft(window, ctx, window.ops, draft)
    assert second is not None
    qtbot.addWidget(second, before_close_func=quietly)
    second.restore_draft(draft)
    assert field_values.read_all(second.form.fields) == field_values.read_all(first.form.fields)
    assert TYPED in str(field_values.read_all(second.form.fields))


def test_locking_while_a_draft_is_offered_hides_it_and_keeps_it(
    qtbot: Any, controller: Controller, folder_and_case: tuple[CreatedWorkspace, cases.CaseView]
) -> None:
    _created, case = folder_and_case
    type_meeting_then_lock(qtbot, controller, case, press_ctrl_l)
    boxes: list[QMessageBox] = []

    def lock_while_asked(box: QMessageBox) -> None:
        boxes.append(box)
        controller.lock()  # the idle lock, with the question still open

    answer_dialog(QMessageBox, lock_while_asked)
    controller.signin.username.setText("coord")
    controller.signin.password.setText(PASSWORD)
    controller.signin.try_sign_in()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(boxes) == 1 and controller.window is None
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert visible == [controller.signin]  # the question (naming the case) went with the lock

    seen = offers_seen(controller)
    sign_in(controller, "coord", PASSWORD)
    assert len(seen) == 1 and case.reference in seen[0]


TEXT_FIELDS = (
    "summary",
    "notes",
    "reason",
    "child_reaction",
    "follow_up",
    "outcome",
    "description",
    "address",
)


def test_every_kind_of_draft_reopens_its_dialog_with_the_text(
    qtbot: Any, window: MainWindow, ctx: ServiceContext
) -> None:
    from sqlalchemy import select

    from app.models import ChildVisit, DiscriminationReport, Referral
    from app.shell.drafts import draft_dialogs, resume
    from tests.integration.helpers.gdpr_data import make_client

    a = make_client(ctx, "A")
    with ctx.uow() as uow:
        s = uow.session
        target = {
            "visit_id": str(s.scalar(select(ChildVisit.id).where(ChildVisit.case_id == a.case_id))),
            "action": "cancel",
            "report_id": str(s.scalar(select(DiscriminationReport.id))),
            "referral_id": str(s.scalar(select(Referral.id))),
        }
    kinds = draft_dialogs()
    assert len(kinds) >= 17
    reopened: dict[str, list[str]] = {}
    for kind, cls in kinds.items():
        about_case = kind not in ("person", "new_case")
        draft = drafts.DraftView(
            id=uuid4(),
            kind=kind,
            case_id=a.case_id if about_case else None,
            case_reference=None,
            person_id=a.person_id if kind in ("person", "consent") else None,
            payload={"title": kind, "fields": dict.fromkeys(TEXT_FIELDS, TYPED), "target": target},
            updated_at=datetime(2026, 12, 7),
        )

        def look(dialog: Any, kind: str = kind) -> None:
            texts = [
                name
                for name, widget in dialog.form.fields.items()
                if isinstance(widget, QPlainTextEdit) and widget.toPlainText() == TYPED
            ]
            reopened[kind] = [type(dialog).__name__, *texts]
            dialog._dirty = False
            dialog.reject()

        answer_dialog(cls, look)
        assert resume(window, cls, draft) is None, kind
    assert {k: v[0] for k, v in reopened.items()} == {k: c.__name__ for k, c in kinds.items()}
    assert [k for k, v in reopened.items() if len(v) < 2] == []  # each got its text back


def test_with_the_real_database_thread_the_draft_is_written_before_the_lock(
    qtbot: Any, folder_and_case: tuple[CreatedWorkspace, cases.CaseView]
) -> None:
    created, case = folder_and_case
    ops = Operations()
    control = Controller(created.folder, ops)
    qtbot.addWidget(control.signin)
    try:
        control.start()
        control.signin.username.setText("coord")
        control.signin.password.setText(PASSWORD)
        control.signin.try_sign_in()
        qtbot.waitUntil(lambda: control.window is not None, timeout=30_000)
        window = control.window
        assert window is not None
        ctx = window.ctx
        workspace = window.open_case(case.id)
        assert isinstance(workspace, CaseWorkspace)
        qtbot.waitUntil(lambda: workspace.bundle is not None, timeout=10_000)

        def type_and_lock(dialog: MeetingDialog) -> None:
            dialog.summary.setPlainText(TYPED)
            control.lock()  # the backup on close and the lock are queued right behind the draft

        answer_dialog(MeetingDialog, type_and_lock)
        assert MeetingDialog.record(workspace, ctx, ops, case.id) is None
        ops.wait_idle(timeout_ms=60_000)
        qtbot.waitUntil(lambda: ctx.locked, timeout=10_000)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    finally:
        ops.wait_idle(timeout_ms=60_000)
        ops.shutdown()
    again = unlock(created.folder, "coord", PASSWORD)
    try:
        [kept] = drafts.my_drafts(again)
    finally:
        again.lock()
    assert kept.case_id == case.id and kept.payload["locked"] is True
    assert kept.payload["fields"]["summary"] == TYPED


def test_after_a_crash_the_last_autosaved_draft_is_offered(
    qtbot: Any, controller: Controller, folder_and_case: tuple[CreatedWorkspace, cases.CaseView]
) -> None:
    created, case = folder_and_case
    # What the 3-second save left behind when the power went: a draft, never locked.
    ctx = unlock(created.folder, "coord", PASSWORD)
    try:
        drafts.save_draft(
            ctx,
            uuid4(),
            "meeting",
            {"title": "Record a meeting", "fields": {"summary": TYPED}, "locked": False},
            case_id=case.id,
        )
    finally:
        ctx.lock()
    seen = offers_seen(controller)
    sign_in(controller, "coord", PASSWORD)
    assert seen == [
        f"When Homeward last stopped, you were writing in “Record a meeting” for "
        f"{case.reference}. Continue where you left off?"
    ]
