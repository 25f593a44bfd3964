"""The base of every editing dialog: a form with errors under each field, saving through the
database worker, and no silent loss of what was typed.

A subclass builds its fields into ``self.form`` (a :class:`FormWithErrors`), implements
:meth:`work` (returns a function that runs on the database thread) and exposes a class method
that returns the saved value or ``None`` — so tests can drive it or replace it.

Nothing typed is lost. A dialog that names a ``draft_kind`` keeps what is typed as a draft in
the encrypted database (:mod:`app.services.drafts`), for the signed-in user only: through the
database thread :data:`DRAFT_AFTER_MS` after the last change, and once more when Homeward
locks (:meth:`ServiceDialog.close_for_lock`). Saving the dialog or discarding what was typed
deletes the draft, in the same job as the save. After the same user signs in again,
:mod:`app.shell.drafts` offers the draft back and reopens the dialog with it
(:meth:`ServiceDialog.from_draft`, :meth:`ServiceDialog.restore_draft`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.kernel.errors import DiskFullError, EditConflict, HomewardError, ValidationError
from app.kernel.i18n import _
from app.services import drafts
from app.services.context import ServiceContext
from app.ui_kit import field_values
from app.ui_kit.conflict_panel import ConflictPanel
from app.ui_kit.operations import Operations, describe
from app.ui_kit.widgets import FormWithErrors, change_signal, grow_to_fit

log = logging.getLogger(__name__)

#: A draft is written this long after the last change (typing pauses), so a crash or a power
#: cut loses a few seconds of typing at most.
DRAFT_AFTER_MS = 3_000


class ServiceDialog(QDialog):
    #: Dialogs whose typing is kept as a draft name its kind ("meeting"…); ``None``: no drafts.
    draft_kind: ClassVar[str | None] = None
    #: The page a draft about no case reopens on.
    draft_page: ClassVar[str] = "today"

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
        #: An edit dialog's record as the form opened it (its view): passed to the service as
        #: ``base`` so a colleague's save in between is never overwritten unseen
        #: (:mod:`app.services.edits`); after a conflict, the record to edit on.
        self.base: Any = None
        self.conflict = ConflictPanel(self)
        layout.addWidget(self.conflict)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setToolTip(_("Save (Ctrl+Enter)"))
        layout.addWidget(self.buttons)
        self.draft_id = uuid.uuid4()
        #: A digest of each field as the form showed it before any typing (taken when first
        #: shown): a draft keeps them, so reopening it restores only what was typed.
        self._opened: dict[str, str] | None = None
        #: A draft may exist in the database (written, being written, or reopened from one).
        self._draft_kept = False
        #: Set on the database thread once the dialog's record is saved: a draft written after
        #: that (the lock's, queued behind the save) would be offered back for nothing.
        self._stored = threading.Event()
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_AFTER_MS)
        self._draft_timer.timeout.connect(self.write_draft)
        # The main window's Ctrl+L cannot reach past a modal dialog: the dialog passes it on.
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self._request_lock)

    def showEvent(self, event: QShowEvent) -> None:
        if self._opened is None:
            self._opened = _digests(field_values.read_all(self.form.fields))
        super().showEvent(event)

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
        if self.draft_kind is not None and not self._saving:
            self._draft_timer.start()

    # -- drafts --

    def draft_case_id(self) -> uuid.UUID | None:
        """The case the dialog is about: its own ``case_id``, or the case it was opened from."""
        widget: Any = self
        while widget is not None:
            case_id = getattr(widget, "case_id", None)
            if isinstance(case_id, uuid.UUID):
                return case_id
            widget = widget.parentWidget()
        return None

    def draft_person_id(self) -> uuid.UUID | None:
        """The person the dialog is about, if not (only) a case: erasure removes the draft."""
        return None

    def draft_target(self) -> dict[str, str]:
        """What else reopening the dialog needs (the visit or referral it is about…)."""
        return {}

    @classmethod
    def from_draft(
        cls, parent: QWidget, ctx: ServiceContext, ops: Operations, draft: drafts.DraftView
    ) -> ServiceDialog | None:
        """The dialog again, for ``draft``, without its values (see :meth:`restore_draft`);
        ``None`` if what it was about is gone. This default suits dialogs made with
        ``(parent, ctx, ops, case_id)``."""
        return cls(parent, ctx, ops, draft.case_id)  # type: ignore[arg-type]

    def restore_draft(self, draft: drafts.DraftView) -> None:
        """Fill the fields with what the draft kept; saving or discarding deletes it."""
        fields = draft.payload.get("fields")
        opened = draft.payload.get("opened")
        now = _digests(field_values.read_all(self.form.fields))
        if isinstance(fields, dict) and isinstance(opened, dict):
            # Only what was typed comes back: a field the draft did not change shows the
            # record as it is now, so saving never puts back a value someone has changed
            # since. A field changed on both sides is named, to be checked before saving.
            typed = {k: v for k, v in fields.items() if k in now and opened.get(k) != _digest(v)}
            both = [k for k in typed if now[k] not in (opened.get(k), _digest(typed[k]))]
            fields = typed
            if both:
                labels = self.form.labels
                names = ", ".join(labels[k].text().replace("&", "") for k in both if k in labels)
                self.message.setText(
                    _(
                        "Changed by someone else since your draft: {fields}. Your draft's "
                        "text is in the form; check it before saving."
                    ).format(fields=names)
                )
                self.message.show()
        if isinstance(fields, dict):
            field_values.write_all(self.form.fields, fields)
        self._opened = now
        self.draft_id = draft.id
        self._draft_kept = True
        self._draft_timer.stop()
        self._dirty = True

    def write_draft(self, *, locked: bool = False) -> None:
        """Keep what is typed as a draft, through the database thread. The values are read
        here, on the GUI thread; the work function holds only plain values."""
        self._draft_timer.stop()
        kind = self.draft_kind
        if kind is None or not self._dirty or self._saving:
            return
        payload = {
            "title": self.windowTitle(),
            "fields": field_values.read_all(self.form.fields),
            "opened": self._opened,
            "target": self.draft_target(),
            "locked": locked,
        }
        ctx, draft_id, stored = self.ctx, self.draft_id, self._stored
        case_id, person_id = self.draft_case_id(), self.draft_person_id()

        def keep() -> None:
            if not stored.is_set():
                drafts.save_draft(
                    ctx, draft_id, kind, payload, case_id=case_id, person_id=person_id
                )

        self._draft_kept = True
        self.ops.run(keep, None, _draft_failed, key=f"draft-{draft_id}")

    def _discard_draft(self) -> None:
        self._draft_timer.stop()
        if self._draft_kept:
            self._draft_kept = False
            ctx, draft_id = self.ctx, self.draft_id
            self.ops.run(lambda: drafts.discard_draft(ctx, draft_id), None, _draft_failed)

    def close_for_lock(self) -> None:
        """Homeward is locking: keep what is typed as a draft (queued before the lock on the
        database thread, so it is written while the key is still there), then close without
        asking and without deleting the draft."""
        self.write_draft(locked=True)
        self._draft_timer.stop()
        self._draft_kept = False  # the draft stays for the next sign-in
        self._dirty = False
        self.done(QDialog.DialogCode.Rejected)

    def _request_lock(self) -> None:
        widget = self.parentWidget()
        while widget is not None:
            top = widget.window()
            signal = getattr(top, "lock_was_requested", None)
            if signal is not None:
                signal.emit()
                return
            widget = top.parentWidget()

    # -- saving --

    def work(self) -> Callable[[], Any]:
        raise NotImplementedError

    def save(self) -> None:
        if self._saving:
            return
        self.form.clear_errors()
        self.message.hide()
        self.conflict.hide()
        try:
            fn = self.work()
        except ValidationError as exc:  # a field the dialog itself could not parse
            self._failed(exc)
            return
        self._saving = True
        self._draft_timer.stop()
        self.buttons.setEnabled(False)
        self.ops.run(self._with_draft_gone(fn), self._saved, self._failed)

    def _with_draft_gone(self, fn: Callable[[], Any]) -> Callable[[], Any]:
        """``fn``, then (on the database thread, once it saved) the draft deleted."""
        if self.draft_kind is None:
            return fn
        ctx, draft_id, stored, kept = self.ctx, self.draft_id, self._stored, self._draft_kept

        def save() -> Any:
            result = fn()
            stored.set()
            if kept:
                try:
                    drafts.discard_draft(ctx, draft_id)
                except Exception as exc:  # the record is saved; a stray draft is only offered
                    _draft_failed(exc)
            return result

        return save

    def _saved(self, value: Any) -> None:
        self._saving = False
        self.buttons.setEnabled(True)
        self.result_value = value
        self._dirty = False
        self._draft_kept = False  # deleted with the save
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
        elif isinstance(exc, EditConflict):
            self._conflicted(exc)
        elif isinstance(exc, DiskFullError):
            # What was typed stays in the fields: the user frees space and presses Save again.
            self.message.setText(
                _("The disk is full — nothing was lost; free some space and save again.")
            )
            self.message.show()
        else:
            self.message.setText(str(exc) if isinstance(exc, HomewardError) else describe(exc))
            self.message.show()
        grow_to_fit(self)

    def _conflicted(self, conflict: EditConflict) -> None:
        """A colleague saved first: nothing was written and what is typed stays in the form
        (and is kept as a draft now). The user reviews both versions, then keeps editing on
        theirs or saves what is typed over theirs."""
        self._dirty = True
        self.write_draft()

        def rebase() -> None:
            self.base = conflict.base

        def save_mine() -> None:
            rebase()
            self.save()

        self.conflict.show_conflict(conflict, rebase, save_mine)

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
        self._discard_draft()
        super().reject()

    def run_modal(self) -> Any:
        return self.result_value if self.exec() == QDialog.DialogCode.Accepted else None


def _digest(value: Any) -> str:
    """A short fingerprint of a field's value: enough to tell whether it changed, and small,
    so keeping the opened form beside the typed one never makes a draft too long to keep."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _digests(values: dict[str, Any]) -> dict[str, str]:
    return {name: _digest(value) for name, value in values.items()}


def _draft_failed(exc: BaseException) -> None:
    # Never the draft's text: only that keeping it failed, and why in kind.
    log.warning("a draft could not be kept or deleted: %s", type(exc).__name__)


def optional(text: str) -> str | None:
    text = text.strip()
    return text or None
