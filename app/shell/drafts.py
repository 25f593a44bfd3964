"""Drafts on screen: what is typed survives a lock (or a crash) and comes back to its author.

When Homeward locks, :func:`keep_open_dialogs` has every open dialog of the session queue its
draft on the database thread — before the lock, which closes the connections and forgets the
key — and close without asking. After the same user signs in again, :func:`offer_drafts`
asks about each of their drafts: Continue reopens the dialog on its case with what was typed,
Discard deletes the draft, Not now keeps it for the next sign-in. Drafts written every few
seconds while typing (see :mod:`app.ui_kit.dialog_base`) are offered the same way after a crash.
Another user never sees them: the service returns only the signed-in user's own.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from shiboken6 import isValid

from app.kernel.errors import HomewardError
from app.kernel.i18n import _, pgettext
from app.services import drafts
from app.services.context import ServiceContext
from app.ui_kit.dialog_base import ServiceDialog
from app.ui_kit.widgets import warn

if TYPE_CHECKING:
    from app.shell.main_window import MainWindow

log = logging.getLogger(__name__)

#: How much of the typed text the question shows, so the user knows which draft it is.
PREVIEW_CHARS = 160


def draft_dialogs() -> dict[str, type[ServiceDialog]]:
    """Every dialog whose typing is kept, by its draft kind."""
    from app.features.cases.ui.dialogs import EditCaseDialog, NewCaseDialog
    from app.features.cases.ui.record_dialogs import (
        MeetingDialog,
        NeedDialog,
        PersonDialog,
        ReferralDialog,
        TaskDialog,
    )
    from app.features.consent.ui.consent import ConsentDialog
    from app.features.consent.ui.referrals import ReferralResponseDialog
    from app.features.foreign.ui.foreign import (
        ConsularDialog,
        DiscriminationDialog,
        FamilyAbroadDialog,
        ImmigrationDialog,
        OutcomeDialog,
    )
    from app.features.visits.ui.visits import AfterVisitDialog, AssessmentDialog, ReasonDialog

    classes: tuple[type[ServiceDialog], ...] = (
        MeetingDialog,
        TaskDialog,
        NeedDialog,
        ReferralDialog,
        PersonDialog,
        NewCaseDialog,
        EditCaseDialog,
        ReasonDialog,
        AssessmentDialog,
        AfterVisitDialog,
        ConsularDialog,
        ImmigrationDialog,
        FamilyAbroadDialog,
        DiscriminationDialog,
        OutcomeDialog,
        ReferralResponseDialog,
        ConsentDialog,
    )
    return {cls.draft_kind: cls for cls in classes if cls.draft_kind is not None}


def keep_open_dialogs(ctx: ServiceContext) -> int:
    """Homeward is locking: every open dialog of this session keeps its draft and closes.
    Call it before the lock is queued on the database thread. Returns how many closed.

    Open message boxes close first, as if cancelled (they may name a client: a draft's
    question, likely duplicates), so the dialogs under them close too."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            widget.done(QMessageBox.StandardButton.Cancel.value)
    dialogs = [
        widget
        for widget in QApplication.topLevelWidgets()
        if isinstance(widget, ServiceDialog) and widget.ctx is ctx and widget.isVisible()
    ]
    for dialog in dialogs:
        dialog.close_for_lock()
    return len(dialogs)


def offer_drafts(window: MainWindow) -> None:
    """Look up the signed-in user's drafts (database thread), then offer each back."""
    ctx = window.ctx

    def failed(exc: BaseException) -> None:
        log.warning("drafts could not be read: %s", type(exc).__name__)

    window.ops.run(lambda: drafts.my_drafts(ctx), lambda found: _offer(window, found), failed)


def question(draft: drafts.DraftView) -> str:
    """What the user is asked about one draft."""
    title = str(draft.payload.get("title") or _("a form"))
    locked = bool(draft.payload.get("locked"))
    reference = draft.case_reference
    if locked and reference:
        text = _(
            "When Homeward locked, you were writing in “{title}” for {reference}. "
            "Continue where you left off?"
        )
    elif locked:
        text = _(
            "When Homeward locked, you were writing in “{title}”. Continue where you left off?"
        )
    elif reference:
        text = _(
            "When Homeward last stopped, you were writing in “{title}” for {reference}. "
            "Continue where you left off?"
        )
    else:
        text = _(
            "When Homeward last stopped, you were writing in “{title}”. "
            "Continue where you left off?"
        )
    return text.format(title=title, reference=reference)


def preview(draft: drafts.DraftView) -> str:
    """The longest text typed, cut short: how the user recognises the draft."""
    fields = draft.payload.get("fields")
    texts = [v for v in fields.values() if isinstance(v, str)] if isinstance(fields, dict) else []
    longest = max(texts, key=len, default="").strip()
    if len(longest) > PREVIEW_CHARS:
        longest = longest[:PREVIEW_CHARS].rstrip() + "…"
    return longest


def _offer(window: MainWindow, found: list[drafts.DraftView]) -> None:
    kinds = draft_dialogs()
    for draft in found:
        if not _alive(window):
            return  # Homeward locked again: the rest wait for the next sign-in
        cls = kinds.get(draft.kind)
        if cls is None:  # a kind this version no longer knows: left as it is
            continue
        box = QMessageBox(QMessageBox.Icon.Question, _("Homeward"), question(draft), parent=window)
        box.setObjectName("draftOffer")
        box.setInformativeText(preview(draft))
        go_on = box.addButton(pgettext("draft", "Continue"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(
            pgettext("draft", "Discard"), QMessageBox.ButtonRole.DestructiveRole
        )
        later = box.addButton(pgettext("draft", "Not now"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(go_on)
        box.setEscapeButton(later)
        box.exec()
        if not (_alive(window) and isValid(box)):
            return  # Homeward locked while asking: the draft is offered at the next sign-in
        chosen = box.clickedButton()
        box.deleteLater()
        if chosen is go_on:
            resume(window, cls, draft)
        elif chosen is discard:
            _discard(window, draft)


def _gone(window: MainWindow, draft: drafts.DraftView) -> None:
    """What the draft was about is gone: show its text to copy, then discard it."""
    fields = draft.payload.get("fields")
    texts = (
        [v for v in fields.values() if isinstance(v, str) and v.strip()]
        if isinstance(fields, dict)
        else []
    )
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _("Homeward"),
        _(
            "What this draft was about no longer exists, so it cannot be reopened. "
            "Its text is in the details, to copy; then the draft is discarded."
        ),
        parent=window,
    )
    box.setDetailedText("\n\n".join(texts))
    box.exec()
    if not (_alive(window) and isValid(box)):
        return  # locked while showing it: kept for the next sign-in
    box.deleteLater()
    _discard(window, draft)


def _alive(window: MainWindow) -> bool:
    """The main window is still there and shown (not locked meanwhile)."""
    return isValid(window) and window.isVisible()


def _discard(window: MainWindow, draft: drafts.DraftView) -> None:
    ctx, draft_id = window.ctx, draft.id

    def failed(exc: BaseException) -> None:  # offered again at the next sign-in, no harm
        log.warning("a draft could not be discarded: %s", type(exc).__name__)

    window.ops.run(lambda: drafts.discard_draft(ctx, draft_id), None, failed)


def resume(window: MainWindow, cls: type[ServiceDialog], draft: drafts.DraftView) -> object:
    """Reopen the dialog of ``draft`` on its case (or page) with what was typed; after it is
    saved, the screens hear what changed from its service. Returns what the dialog saved, or
    ``None``."""
    ctx, ops = window.ctx, window.ops
    host: QWidget = (
        window.open_case(draft.case_id)
        if draft.case_id is not None
        else window.show_page(cls.draft_page if cls.draft_page in window.pages else "today")
    )
    try:
        dialog = cls.from_draft(host, ctx, ops, draft)
    except HomewardError as exc:
        warn(window, str(exc))
        return None
    if dialog is None:
        _gone(window, draft)
        return None
    dialog.restore_draft(draft)
    result = dialog.run_modal()
    if (
        result is not None
        and _alive(window)
        and cls.draft_page == "cases"
        and isinstance(result, uuid.UUID)
    ):
        window.open_case(result)  # a new case opens in its tab, as from the Cases page
    return result
