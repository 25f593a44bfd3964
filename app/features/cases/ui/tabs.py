"""Action bars for the case tabs: what you can do with needs, meetings, tasks, documents…"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.features.admin.services import attachments, exports
from app.features.cases.services import needs, tasks
from app.features.cases.ui.host import CaseHost
from app.kernel.i18n import _
from app.models.enums import NeedStatus, ReferralStatus
from app.ui_kit import export_folder
from app.ui_kit.tables import ListTable
from app.ui_kit.widgets import button_row, warn


def actions_for(workspace: CaseHost, key: str, table: ListTable[Any]) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 6, 0, 0)
    builder = _BUILDERS.get(key)
    if builder is not None:
        layout.addLayout(builder(workspace, table))
    layout.addWidget(table, 1)
    return page


def _needs(ws: CaseHost, table: ListTable[Any]) -> QHBoxLayout:
    from app.features.cases.ui.record_dialogs import NeedDialog

    add = QPushButton(_("Add need…"))
    met = QPushButton(_("Mark as met"))
    progress = QPushButton(_("Mark in progress"))
    for button in (add, met, progress):
        button.setVisible(ws.can_edit)

    def add_need() -> None:
        NeedDialog.add(ws, ws.ctx, ws.ops, ws.case_id)

    def set_status(status: NeedStatus) -> None:
        need = table.selected()
        if need is None:
            warn(ws, _("Choose a need in the list first."))
            return
        ctx = ws.ctx
        ws.ops.run(lambda: needs.set_need_status(ctx, need.id, status))

    add.clicked.connect(add_need)
    met.clicked.connect(lambda: set_status(NeedStatus.MET))
    progress.clicked.connect(lambda: set_status(NeedStatus.IN_PROGRESS))
    return button_row(add, progress, met)


def _meetings(ws: CaseHost, table: ListTable[Any]) -> QHBoxLayout:
    from app.features.cases.ui.record_dialogs import MeetingDialog

    record = QPushButton(_("Record meeting…"))
    record.setProperty("primary", True)

    def record_meeting() -> None:
        custody = ws.bundle.case.custody_status if ws.bundle else None
        MeetingDialog.record(ws, ws.ctx, ws.ops, ws.case_id, custody)

    record.clicked.connect(record_meeting)
    return button_row(record)


def _tasks(ws: CaseHost, table: ListTable[Any]) -> QHBoxLayout:
    from app.features.cases.ui.record_dialogs import TaskDialog

    add = QPushButton(_("Add task…"))
    done = QPushButton(_("Mark done / not done"))

    def add_task() -> None:
        TaskDialog.add(ws, ws.ctx, ws.ops, case_id=ws.case_id)

    def toggle() -> None:
        task = table.selected()
        if task is None:
            warn(ws, _("Choose a task in the list first."))
            return
        ctx = ws.ctx
        ws.ops.run(lambda: tasks.set_task_done(ctx, task.id, not task.done))

    add.clicked.connect(add_task)
    done.clicked.connect(toggle)
    return button_row(add, done)


def _referrals(ws: CaseHost, table: ListTable[Any]) -> QHBoxLayout:
    from app.features.cases.ui.record_dialogs import ReferralDialog
    from app.features.consent.ui.referrals import ReferralResponseDialog, SendReferralDialog

    add = QPushButton(_("New referral…"))
    send = QPushButton(_("Send…"))
    answer = QPushButton(_("Record response…"))
    for button in (add, send, answer):
        button.setVisible(ws.can_edit)

    def new_referral() -> None:
        needs_list = ws.bundle.needs if ws.bundle else []
        ReferralDialog.add(ws, ws.ctx, ws.ops, ws.case_id, needs_list)

    def open_dialog(kind: type[SendReferralDialog] | type[ReferralResponseDialog]) -> None:
        referral = table.selected()
        if referral is None:
            warn(ws, _("Choose a referral in the list first."))
            return
        kind(ws, ws.ctx, ws.ops, referral).run_modal()

    def chosen(referral: Any) -> None:
        """Send a chosen draft; record the answer to a chosen referral already sent."""
        status = referral.status if referral is not None else None
        send.setEnabled(status == ReferralStatus.DRAFT)
        answer.setEnabled(status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED))

    table.selection_did_change.connect(chosen)
    chosen(None)
    add.clicked.connect(new_referral)
    send.clicked.connect(lambda: open_dialog(SendReferralDialog))
    answer.clicked.connect(lambda: open_dialog(ReferralResponseDialog))
    return button_row(add, send, answer)


def _documents(ws: CaseHost, table: ListTable[Any]) -> QHBoxLayout:
    add = QPushButton(_("Add document…"))
    save = QPushButton(_("Save a copy…"))
    add.setVisible(ws.can_edit)

    def add_document() -> None:
        path, _filter = QFileDialog.getOpenFileName(ws, _("Add a document to this case"))
        if not path:
            return
        ctx, case_id = ws.ctx, ws.case_id

        def work() -> object:
            source = Path(path)
            return attachments.add_attachment(
                ctx,
                case_id=case_id,
                person_id=None,
                filename=source.name,
                content=source.read_bytes(),
            )

        ws.ops.run(work, None, lambda exc: warn(ws, str(exc)))

    def save_copy() -> None:
        document = table.selected()
        if document is None:
            warn(ws, _("Choose a document in the list first."))
            return
        target, _filter = QFileDialog.getSaveFileName(
            ws, _("Save a copy"), export_folder.suggested(document.filename)
        )
        if not target:
            return
        export_folder.remember(Path(target))
        ctx = ws.ctx

        def work() -> None:
            _name, content = attachments.attachment_content(ctx, document.id)
            exports.write_export(Path(target), content)

        ws.ops.run(work, None, lambda exc: warn(ws, str(exc)))

    add.clicked.connect(add_document)
    save.clicked.connect(save_copy)
    return button_row(add, save)


_BUILDERS = {
    "needs": _needs,
    "meetings": _meetings,
    "tasks": _tasks,
    "referrals": _referrals,
    "documents": _documents,
}
