"""Opening a case, editing its details, and moving it through the workflow."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.features.admin.services import users
from app.features.cases.services import cases
from app.features.cases.ui.record_dialogs import PersonDialog, enum_combo
from app.features.directory.services import directory
from app.features.people.services import people
from app.kernel.errors import ValidationError
from app.kernel.field_labels import CASE_FORM
from app.kernel.i18n import _
from app.kernel.labels import label
from app.models.enums import (
    CaseKind,
    CaseStatus,
    CloseReason,
    CustodyStatus,
    OffenceCategory,
    Priority,
    ReferralSource,
    Role,
)
from app.services import drafts
from app.services.context import ServiceContext
from app.services.validation import SEARCH_TEXT_MAX
from app.ui_kit.dialog_base import ServiceDialog, optional
from app.ui_kit.fields import DateField
from app.ui_kit.operations import Operations
from app.ui_kit.widgets import (
    data_index,
    fit_placeholder,
    from_qdate,
    localise_date_edit,
    text_area,
    to_qdate,
)


@dataclass(frozen=True)
class Choices:
    """What the case form's lists offer, loaded once on the database thread."""

    staff: list[users.UserRow]
    institutions: list[directory.InstitutionRow]

    @classmethod
    def load(cls, ctx: ServiceContext) -> Choices:
        return cls(users.list_active_staff(ctx), directory.list_institutions(ctx))


def date_or_none() -> DateField:
    """A date field that may be empty ("not set"); its calendar opens at this month."""
    return DateField(empty_text=_("not set"))


class ClientPicker(QWidget):
    """Find the client by typing part of the name; or create a new person."""

    def __init__(self, ctx: ServiceContext, ops: Operations) -> None:
        super().__init__()
        self.ctx, self.ops = ctx, ops
        self.chosen: uuid.UUID | None = None
        #: The person to choose once the results of a restored search arrive (a draft).
        self._wanted: uuid.UUID | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.set_hint(_("Type part of the client's name"))
        self.search.setAccessibleName(_("Find client"))
        self.search.setMaxLength(SEARCH_TEXT_MAX)
        row.addWidget(self.search, 1)
        self.new_person = QPushButton(_("New person…"))
        row.addWidget(self.new_person)
        layout.addLayout(row)
        self.results = QListWidget()
        self.results.setAccessibleName(_("Matching people"))
        self.results.setMaximumHeight(120)
        layout.addWidget(self.results)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._find)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.results.currentItemChanged.connect(self._picked)
        self.new_person.clicked.connect(self._create)

    def set_hint(self, text: str) -> None:
        """The search box's hint, never cut (hints are longer in some languages)."""
        self.search.setPlaceholderText(text)
        fit_placeholder(self.search)

    def _find(self) -> None:
        text, ctx = self.search.text(), self.ctx
        self.ops.run(
            lambda: people.list_people(ctx, text, limit=30), self._show, key=f"picker-{id(self)}"
        )

    def _show(self, rows: list[people.PersonRow]) -> None:
        self.results.clear()
        for row in rows:
            year = row.birth_date.year if row.birth_date else row.birth_year_estimate
            text = f"{row.given_name} {row.family_name}" + (f" ({year})" if year else "")
            item = QListWidgetItem(text)
            item.setData(256, row.id)
            self.results.addItem(item)
        if rows:
            ids = [row.id for row in rows]
            wanted, self._wanted = self._wanted, None
            self.results.setCurrentRow(ids.index(wanted) if wanted in ids else 0)

    # -- a draft keeps the search and the choice --

    def draft_value(self) -> dict[str, str | None]:
        return {"search": self.search.text(), "chosen": str(self.chosen) if self.chosen else None}

    def set_draft_value(self, value: object) -> None:
        if not isinstance(value, dict):
            return
        chosen = value.get("chosen")
        try:
            self._wanted = uuid.UUID(chosen) if isinstance(chosen, str) else None
        except ValueError:
            self._wanted = None
        search = value.get("search")
        if isinstance(search, str) and search:
            self.search.setText(search)
            self._timer.stop()
            self._find()

    def _picked(self, item: QListWidgetItem | None) -> None:
        self.chosen = item.data(256) if item is not None else None

    def _create(self) -> None:
        person = PersonDialog.new_person(self, self.ctx, self.ops)
        if person is not None:
            self.search.setText(person.family_name)
            self._show(
                [
                    people.PersonRow(
                        person.id,
                        person.given_name,
                        person.family_name,
                        person.birth_date,
                        person.birth_year_estimate,
                        person.nationality,
                    )
                ]
            )


class CaseForm:
    """The fields a case has, shared by the new-case and edit dialogs."""

    def __init__(
        self, dialog: ServiceDialog, choices: Choices, case: cases.CaseView | None
    ) -> None:
        f = dialog.form
        self.kind = enum_combo(CaseKind)
        if case is None:
            f.add("kind", _(CASE_FORM["kind"]), self.kind)
        self.opened = localise_date_edit(
            QDateEdit(to_qdate(case.opened_on if case else date.today()))
        )
        f.add("opened_on", _(CASE_FORM["opened_on"]), self.opened)
        self.worker = QComboBox()
        self.worker.addItem(_("(nobody yet)"), None)
        self.volunteer = QComboBox()
        self.volunteer.addItem(_("(no volunteer)"), None)
        for row in choices.staff:
            target = self.volunteer if row.role == Role.VOLUNTEER else self.worker
            target.addItem(row.display_name, row.id)
        f.add("worker_id", _(CASE_FORM["worker_id"]), self.worker)
        f.add("volunteer_id", _(CASE_FORM["volunteer_id"]), self.volunteer)
        self.institution = QComboBox()
        self.institution.addItem(_("(none)"), None)
        for inst in choices.institutions:
            self.institution.addItem(inst.name, inst.id)
        f.add("institution_id", _(CASE_FORM["institution_id"]), self.institution)
        self.priority = enum_combo(Priority)
        self.priority.setCurrentIndex(list(Priority).index(Priority.NORMAL))
        f.add("priority", _(CASE_FORM["priority"]), self.priority)
        self.source = enum_combo(ReferralSource, none_text=_("(not recorded)"))
        f.add("referral_source", _(CASE_FORM["referral_source"]), self.source)
        self.custody = enum_combo(CustodyStatus, none_text=_("(not recorded)"))
        f.add("custody_status", _(CASE_FORM["custody_status"]), self.custody)
        self.sentence_start = date_or_none()
        f.add("sentence_start", _(CASE_FORM["sentence_start"]), self.sentence_start)
        self.expected_release = date_or_none()
        f.add("expected_release", _(CASE_FORM["expected_release"]), self.expected_release)
        self.actual_release = date_or_none()
        f.add("actual_release", _(CASE_FORM["actual_release"]), self.actual_release)
        self.offence = enum_combo(OffenceCategory, none_text=_("(not recorded)"))
        f.add("offence_category", _(CASE_FORM["offence_category"]), self.offence)
        self.summary = text_area()
        f.add("summary", _(CASE_FORM["summary"]), self.summary)
        if case is not None:
            self._fill(case)
        dialog.watch(
            self.kind,
            self.opened,
            self.worker,
            self.volunteer,
            self.institution,
            self.priority,
            self.source,
            self.custody,
            self.sentence_start,
            self.expected_release,
            self.actual_release,
            self.offence,
            self.summary,
        )

    @staticmethod
    def _select(combo: QComboBox, value: Any) -> None:
        index = data_index(combo, value)
        if index >= 0:
            combo.setCurrentIndex(index)

    def _fill(self, case: cases.CaseView) -> None:
        for combo, value in (
            (self.worker, case.worker_id),
            (self.volunteer, case.volunteer_id),
            (self.institution, case.institution_id),
            (self.priority, case.priority),
            (self.source, case.referral_source),
            (self.custody, case.custody_status),
            (self.offence, case.offence_category),
        ):
            self._select(combo, value)
        self.sentence_start.set_value(case.sentence_start)
        self.expected_release.set_value(case.expected_release)
        self.actual_release.set_value(case.actual_release)
        self.summary.setPlainText(case.summary or "")

    def data(self, kind: CaseKind, client_id: uuid.UUID) -> cases.CaseInput:
        return cases.CaseInput(
            kind=kind,
            client_id=client_id,
            opened_on=from_qdate(self.opened.date()),
            worker_id=self.worker.currentData(),
            volunteer_id=self.volunteer.currentData(),
            institution_id=self.institution.currentData(),
            priority=self.priority.currentData(),
            referral_source=self.source.currentData(),
            custody_status=self.custody.currentData(),
            sentence_start=self.sentence_start.checked_value("sentence_start"),
            expected_release=self.expected_release.checked_value("expected_release"),
            actual_release=self.actual_release.checked_value("actual_release"),
            offence_category=self.offence.currentData(),
            summary=optional(self.summary.toPlainText()),
        )


class NewCaseDialog(ServiceDialog):
    draft_kind = "new_case"
    draft_page = "cases"

    def __init__(
        self, parent: QWidget | None, ctx: ServiceContext, ops: Operations, choices: Choices
    ):
        super().__init__(parent, ctx, ops, _("New case"))
        self.client = ClientPicker(ctx, ops)
        self.form.add("client_id", _("C&lient"), self.client)
        self.fields = CaseForm(self, choices, None)
        me = ctx.require_actor()
        self.fields._select(self.fields.worker, me.id)
        self.client.search.setFocus()
        self.resize(560, 720)

    def work(self) -> Callable[[], Any]:
        if self.client.chosen is None:
            raise ValidationError({"client_id": _("Choose the client, or create a new person.")})
        data = self.fields.data(self.fields.kind.currentData(), self.client.chosen)
        ctx = self.ctx
        return lambda: cases.open_case(ctx, data).id

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations) -> uuid.UUID | None:
        choices = ops.call(lambda: Choices.load(ctx))
        return cls(parent, ctx, ops, choices).run_modal()  # type: ignore[no-any-return]

    @classmethod
    def from_draft(
        cls, parent: QWidget, ctx: ServiceContext, ops: Operations, draft: drafts.DraftView
    ) -> ServiceDialog | None:
        return cls(parent, ctx, ops, ops.call(lambda: Choices.load(ctx)))


class EditCaseDialog(ServiceDialog):
    draft_kind = "edit_case"

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        choices: Choices,
        case: cases.CaseView,
    ) -> None:
        super().__init__(
            parent, ctx, ops, _("Edit case {reference}").format(reference=case.reference)
        )
        self.case = self.base = case
        self.fields = CaseForm(self, choices, case)
        self.resize(560, 640)

    def work(self) -> Callable[[], Any]:
        data, ctx, case_id, base = (
            self.fields.data(self.case.kind, self.case.client_id),
            self.ctx,
            self.case.id,
            self.base,
        )
        return lambda: cases.update_case(ctx, case_id, data, base=base)

    @classmethod
    def edit(
        cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations, case: cases.CaseView
    ) -> Any:
        choices = ops.call(lambda: Choices.load(ctx))
        return cls(parent, ctx, ops, choices, case).run_modal()

    def draft_case_id(self) -> uuid.UUID | None:
        return self.case.id

    @classmethod
    def from_draft(
        cls, parent: QWidget, ctx: ServiceContext, ops: Operations, draft: drafts.DraftView
    ) -> ServiceDialog | None:
        case_id = draft.case_id
        if case_id is None:
            return None
        choices, case = ops.call(lambda: (Choices.load(ctx), cases.get_case(ctx, case_id)))
        return cls(parent, ctx, ops, choices, case)


class StatusDialog(ServiceDialog):
    """Move a case along referral → open → active → on hold → closed (a reason to close)."""

    def __init__(
        self, parent: QWidget | None, ctx: ServiceContext, ops: Operations, case: cases.CaseView
    ):
        super().__init__(
            parent, ctx, ops, _("Change status of {reference}").format(reference=case.reference)
        )
        self.case = case
        self.status = QComboBox()
        for status in sorted(cases.TRANSITIONS[case.status], key=list(CaseStatus).index):
            self.status.addItem(label(status), status)
        self.form.add("status", _(CASE_FORM["status"]), self.status)
        self.reason = enum_combo(CloseReason, none_text=_("(choose a reason)"))
        self.form.add("close_reason", _(CASE_FORM["close_reason"]), self.reason)
        self.closed_on = localise_date_edit(QDateEdit(to_qdate(date.today())))
        self.form.add("closed_on", _(CASE_FORM["closed_on"]), self.closed_on)
        self.status.currentIndexChanged.connect(self._toggle)
        self.watch(self.status, self.reason)
        self._toggle()

    def _toggle(self, *_args: object) -> None:
        closing = self.status.currentData() == CaseStatus.CLOSED
        self.reason.setEnabled(closing)
        self.closed_on.setEnabled(closing)

    def work(self) -> Callable[[], Any]:
        status = self.status.currentData()
        reason = self.reason.currentData() if status == CaseStatus.CLOSED else None
        closed = from_qdate(self.closed_on.date()) if status == CaseStatus.CLOSED else None
        ctx, case_id = self.ctx, self.case.id
        return lambda: cases.change_status(
            ctx, case_id, status, close_reason=reason, closed_on=closed
        )

    @classmethod
    def change(
        cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations, case: cases.CaseView
    ) -> Any:
        return cls(parent, ctx, ops, case).run_modal()
