"""Dialogs for what every case shares: meetings, tasks, needs, referrals, people."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QWidget,
)

from app.features.admin.services import users
from app.features.cases.services import meetings, needs, relations, tasks
from app.features.consent.services import referrals
from app.features.directory.services import directory
from app.features.people.services import people
from app.kernel.errors import ValidationError
from app.kernel.field_labels import PERSON_FORM
from app.kernel.i18n import _
from app.kernel.labels import label
from app.models.enums import CustodyStatus, Gender, MeetingKind, NeedDomain
from app.services import drafts
from app.services.context import ServiceContext
from app.services.validation import SHORT_TEXT_MAX
from app.ui_kit.dialog_base import ServiceDialog, optional
from app.ui_kit.fields import BIRTH_YEARS_AGO, DateField, years_ago
from app.ui_kit.operations import Operations
from app.ui_kit.pickers import CountryCombo, LanguagePicker
from app.ui_kit.record_fields import DeclaredTexts
from app.ui_kit.widgets import from_qdate, localise_date_edit, text_area, to_qdate


def enum_combo(values: Any, *, none_text: str | None = None) -> QComboBox:
    combo = QComboBox()
    if none_text is not None:
        combo.addItem(none_text, None)
    for value in values:
        combo.addItem(label(value), value)
    return combo


#: The kind of meeting a client's custody makes likely.
LIKELY_MEETING: dict[CustodyStatus | None, MeetingKind] = {
    CustodyStatus.REMAND: MeetingKind.PRISON_VISIT,
    CustodyStatus.SENTENCED: MeetingKind.PRISON_VISIT,
    CustodyStatus.TRANSFERRED: MeetingKind.PRISON_VISIT,
    CustodyStatus.ELECTRONIC_MONITORING: MeetingKind.HOME_VISIT,
    CustodyStatus.PAROLE: MeetingKind.POST_RELEASE,
    CustodyStatus.RELEASED: MeetingKind.POST_RELEASE,
}


class MeetingDialog(ServiceDialog):
    """Recording a meeting: fast, focused, usable from the keyboard alone."""

    draft_kind = "meeting"

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        case_id: uuid.UUID,
        custody: CustodyStatus | None = None,
    ):
        super().__init__(parent, ctx, ops, _("Record a meeting"))
        self.case_id = case_id
        form = self.form
        self.when = localise_date_edit(QDateTimeEdit(QDateTime.currentDateTime()))
        form.add("occurred_at", _("&When"), self.when)
        self.duration = QSpinBox()
        self.duration.setRange(1, 1440)
        self.duration.setValue(60)
        self.duration.setSuffix(" " + _("min"))
        form.add("duration_minutes", _("&Duration"), self.duration)
        # What the client's custody says the meeting likely is; nothing when it says nothing
        # (on leave, say: a prison visit or a meeting outside are both likely).
        self.kind = enum_combo(MeetingKind, none_text=_("(choose)"))
        self.kind.setCurrentIndex(self.kind.findData(LIKELY_MEETING.get(custody)))
        form.add("kind", _("&Kind"), self.kind)
        # The typed texts, in the order and with the labels the meeting's declaration gives.
        self.texts = DeclaredTexts(form, "meetings")
        self.location, self.summary = self.texts.line("location"), self.texts.area("summary")
        self.wellbeing = QSpinBox()
        self.wellbeing.setRange(0, 10)
        self.wellbeing.setSpecialValueText(_("not recorded"))
        form.add("wellbeing", _("&Wellbeing (1–10)"), self.wellbeing)
        self.interpreter = QCheckBox(_("An interpreter was used"))
        form.add("interpreter_used", _("Interpreter"), self.interpreter)
        self.follow_up = QLineEdit()
        self.follow_up.setPlaceholderText(_("Optional: a follow-up task"))
        form.add("follow_up_title", _("&Follow-up"), self.follow_up)
        self.follow_up_due = localise_date_edit(
            QDateEdit(to_qdate(date.today() + timedelta(days=7)))
        )
        form.add("follow_up_due", _("Follow-up &due"), self.follow_up_due)
        self.watch(
            self.when,
            self.duration,
            self.kind,
            *self.texts.all(),
            self.wellbeing,
            self.interpreter,
            self.follow_up,
        )
        self.summary.setFocus()
        self.resize(560, 520)

    def work(self) -> Callable[[], Any]:
        title = optional(self.follow_up.text())
        data = meetings.MeetingInput(
            case_id=self.case_id,
            occurred_at=when_of(self.when),
            duration_minutes=self.duration.value(),
            kind=self.kind.currentData(),
            **self.texts.values(),
            wellbeing=self.wellbeing.value() or None,
            interpreter_used=self.interpreter.isChecked(),
            follow_up_title=title,
            follow_up_due=from_qdate(self.follow_up_due.date()) if title else None,
        )
        ctx = self.ctx
        return lambda: meetings.record_meeting(ctx, data)

    @classmethod
    def record(
        cls,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        case_id: uuid.UUID,
        custody: CustodyStatus | None = None,
    ) -> meetings.MeetingView | None:
        return cls(parent, ctx, ops, case_id, custody).run_modal()  # type: ignore[no-any-return]


class TaskDialog(ServiceDialog):
    draft_kind = "task"
    draft_page = "tasks"

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        case_id: uuid.UUID | None,
        staff: list[users.UserRow],
    ) -> None:
        super().__init__(parent, ctx, ops, _("Add a task"))
        self.case_id = case_id
        self.title_edit = QLineEdit()
        self.form.add("title", _("&Task"), self.title_edit)
        self.due = localise_date_edit(QDateEdit(to_qdate(date.today() + timedelta(days=7))))
        self.form.add("due_on", _("&Due"), self.due)
        self.assignee = QComboBox()
        me = ctx.require_actor()
        self.assignee.addItem(me.display_name, me.id)
        for row in staff:
            if row.id != me.id:
                self.assignee.addItem(row.display_name, row.id)
        self.form.add("assignee_id", _("&Assigned to"), self.assignee)
        self.notes = text_area()
        self.form.add("notes", _("&Notes"), self.notes)
        self.watch(self.title_edit, self.due, self.assignee, self.notes)
        self.title_edit.setFocus()

    def work(self) -> Callable[[], Any]:
        data = tasks.TaskInput(
            title=self.title_edit.text(),
            due_on=from_qdate(self.due.date()),
            assignee_id=self.assignee.currentData(),
            case_id=self.case_id,
            notes=optional(self.notes.toPlainText()),
        )
        ctx = self.ctx
        return lambda: tasks.create_task(ctx, data)

    @classmethod
    def from_draft(
        cls, parent: QWidget, ctx: ServiceContext, ops: Operations, draft: drafts.DraftView
    ) -> ServiceDialog | None:
        return cls(parent, ctx, ops, draft.case_id, cls._staff(ctx, ops))

    @staticmethod
    def _staff(ctx: ServiceContext, ops: Operations) -> list[users.UserRow]:
        if ctx.require_actor().is_volunteer:
            return []
        return ops.call(lambda: users.list_active_staff(ctx))  # type: ignore[no-any-return]

    @classmethod
    def add(
        cls,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        *,
        case_id: uuid.UUID | None,
    ) -> tasks.TaskView | None:
        return cls(parent, ctx, ops, case_id, cls._staff(ctx, ops)).run_modal()  # type: ignore[no-any-return]


class NeedDialog(ServiceDialog):
    draft_kind = "need"

    def __init__(
        self, parent: QWidget | None, ctx: ServiceContext, ops: Operations, case_id: uuid.UUID
    ):
        super().__init__(parent, ctx, ops, _("Add a need"))
        self.case_id = case_id
        self.domain = enum_combo(NeedDomain)
        self.form.add("domain", _("&Need"), self.domain)
        self.identified = localise_date_edit(QDateEdit(to_qdate(date.today())))
        self.form.add("identified_on", _("&Identified on"), self.identified)
        self.notes = text_area()
        self.form.add("notes", _("N&otes"), self.notes)
        self.watch(self.domain, self.notes)

    def work(self) -> Callable[[], Any]:
        ctx, case_id = self.ctx, self.case_id
        domain, on = self.domain.currentData(), from_qdate(self.identified.date())
        notes = optional(self.notes.toPlainText())
        return lambda: needs.add_need(ctx, case_id, domain, on, notes)

    @classmethod
    def add(
        cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations, case_id: uuid.UUID
    ) -> Any:
        return cls(parent, ctx, ops, case_id).run_modal()


class ReferralDialog(ServiceDialog):
    draft_kind = "referral"

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        case_id: uuid.UUID,
        case_needs: list[needs.NeedView],
        organisations: list[directory.OrganisationRow],
    ) -> None:
        super().__init__(parent, ctx, ops, _("New referral"))
        self.case_id = case_id
        self.organisation = QComboBox()
        for org in organisations:
            self.organisation.addItem(f"{org.name} ({label(org.type)})", org.id)
        self.form.add("organisation_id", _("&Organisation"), self.organisation)
        self.need = QComboBox()
        self.need.addItem(_("(no particular need)"), None)
        for need in case_needs:
            self.need.addItem(label(need.domain), need.id)
        self.form.add("need_id", _("For &need"), self.need)
        self.notes = text_area()
        self.form.add("notes", _("N&otes"), self.notes)
        self.watch(self.organisation, self.need, self.notes)

    def work(self) -> Callable[[], Any]:
        ctx, case_id = self.ctx, self.case_id
        org, need, notes = (
            self.organisation.currentData(),
            self.need.currentData(),
            optional(self.notes.toPlainText()),
        )
        return lambda: referrals.create_referral(ctx, case_id, org, need, notes)

    @classmethod
    def add(
        cls,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        case_id: uuid.UUID,
        case_needs: list[needs.NeedView],
    ) -> Any:
        organisations = ops.call(lambda: directory.list_organisations(ctx))
        return cls(parent, ctx, ops, case_id, case_needs, organisations).run_modal()

    @classmethod
    def from_draft(
        cls, parent: QWidget, ctx: ServiceContext, ops: Operations, draft: drafts.DraftView
    ) -> ServiceDialog | None:
        case_id = draft.case_id
        if case_id is None:
            return None
        case_needs, organisations = ops.call(
            lambda: (needs.list_case_needs(ctx, case_id), directory.list_organisations(ctx))
        )
        return cls(parent, ctx, ops, case_id, case_needs, organisations)


class PersonDialog(ServiceDialog):
    """Create or edit a person. New people are checked for likely duplicates before saving."""

    draft_kind = "person"
    draft_page = "people"

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        existing: people.PersonView | None = None,
    ) -> None:
        super().__init__(parent, ctx, ops, _("Edit person") if existing else _("New person"))
        self.existing = self.base = existing
        self._duplicates_checked = existing is not None
        f = self.form
        self.given = f.add("given_name", _(PERSON_FORM["given_name"]), QLineEdit())
        self.family = f.add("family_name", _(PERSON_FORM["family_name"]), QLineEdit())
        self.preferred = f.add("preferred_name", _(PERSON_FORM["preferred_name"]), QLineEdit())
        self.birth = DateField(
            empty_text=_("not known"), start=years_ago(BIRTH_YEARS_AGO), maximum=date.today()
        )
        f.add("birth_date", _(PERSON_FORM["birth_date"]), self.birth)
        self.birth_year = QSpinBox()
        self.birth_year.setRange(1899, date.today().year)
        self.birth_year.setSpecialValueText(_("not known"))
        self.birth_year.setValue(1899)
        f.add("birth_year_estimate", _(PERSON_FORM["birth_year_estimate"]), self.birth_year)
        self.gender = enum_combo(Gender)
        self.gender.setCurrentIndex(list(Gender).index(Gender.UNKNOWN))  # until someone says
        f.add("gender", _(PERSON_FORM["gender"]), self.gender)
        self.nationality = f.add("nationality", _(PERSON_FORM["nationality"]), CountryCombo())
        self.languages = f.add("languages", _(PERSON_FORM["languages"]), LanguagePicker())
        self.interpreter = QCheckBox(_("Needs an interpreter"))
        f.add("interpreter_needed", _(PERSON_FORM["interpreter_needed"]), self.interpreter)
        self.phone = f.add("phone", _(PERSON_FORM["phone"]), QLineEdit())
        self.email = f.add("email", _(PERSON_FORM["email"]), QLineEdit())
        self.address = text_area(limit=SHORT_TEXT_MAX * 4)
        self.address.setMaximumHeight(60)
        f.add("address", _(PERSON_FORM["address"]), self.address)
        self.notes = text_area()
        f.add("notes", _(PERSON_FORM["notes"]), self.notes)
        if existing is not None:
            self._fill(existing)
        self.watch(
            self.given,
            self.family,
            self.preferred,
            self.birth,
            self.birth_year,
            self.gender,
            self.nationality,
            self.interpreter,
            self.phone,
            self.email,
            self.address,
            self.notes,
        )
        self.languages.model.itemChanged.connect(self._mark_dirty)
        self.resize(520, 640)

    def _fill(self, p: people.PersonView) -> None:
        self.given.setText(p.given_name)
        self.family.setText(p.family_name)
        self.preferred.setText(p.preferred_name or "")
        self.birth.set_value(p.birth_date)
        if p.birth_year_estimate:
            self.birth_year.setValue(p.birth_year_estimate)
        self.gender.setCurrentIndex(list(Gender).index(p.gender))
        self.nationality.set_code(p.nationality)
        self.languages.set_codes(p.languages)
        self.interpreter.setChecked(p.interpreter_needed)
        self.phone.setText(p.phone or "")
        self.email.setText(p.email or "")
        self.address.setPlainText(p.address or "")
        self.notes.setPlainText(p.notes or "")

    def data(self) -> people.PersonInput:
        birth = self.birth.checked_value("birth_date")
        year = self.birth_year.value()
        return people.PersonInput(
            given_name=self.given.text(),
            family_name=self.family.text(),
            preferred_name=optional(self.preferred.text()),
            birth_date=birth,
            birth_year_estimate=None if year == self.birth_year.minimum() else year,
            gender=self.gender.currentData(),
            nationality=self.nationality.code(),
            languages=self.languages.codes(),
            interpreter_needed=self.interpreter.isChecked(),
            phone=optional(self.phone.text()),
            email=optional(self.email.text()),
            address=optional(self.address.toPlainText()),
            notes=optional(self.notes.toPlainText()),
        )

    def save(self) -> None:
        if self._duplicates_checked:
            super().save()
            return
        try:
            data = self.data()
        except ValidationError as exc:
            self._failed(exc)
            return
        ctx = self.ctx
        year = data.birth_date.year if data.birth_date else data.birth_year_estimate
        self.ops.run(
            lambda: relations.find_possible_duplicates(
                ctx, data.given_name, data.family_name, year
            ),
            self._duplicates_found,
            self._failed,
        )

    def _duplicates_found(self, rows: list[people.PersonRow]) -> None:
        if rows:
            names = "\n".join(
                f"• {r.given_name} {r.family_name}"
                + (
                    f" ({r.birth_date.year if r.birth_date else r.birth_year_estimate})"
                    if (r.birth_date or r.birth_year_estimate)
                    else ""
                )
                for r in rows[:8]
            )
            answer = QMessageBox.question(
                self,
                _("This person may already exist"),
                _(
                    "Homeward already has people with a similar name and birth year:\n\n{names}\n\n"
                    "Create a new person anyway?"
                ).format(names=names),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._duplicates_checked = True
        super().save()

    def work(self) -> Callable[[], Any]:
        data, ctx, existing, base = self.data(), self.ctx, self.existing, self.base
        if existing is None:
            return lambda: people.create_person(ctx, data)
        return lambda: people.update_person(ctx, existing.id, data, base=base)

    def draft_person_id(self) -> uuid.UUID | None:
        return self.existing.id if self.existing is not None else None

    def draft_case_id(self) -> uuid.UUID | None:
        return None  # about a person, wherever it was opened

    @classmethod
    def from_draft(
        cls, parent: QWidget, ctx: ServiceContext, ops: Operations, draft: drafts.DraftView
    ) -> ServiceDialog | None:
        person_id = draft.person_id
        if person_id is None:
            return cls(parent, ctx, ops)
        return cls(parent, ctx, ops, ops.call(lambda: people.get_person(ctx, person_id)))

    @classmethod
    def new_person(
        cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations
    ) -> people.PersonView | None:
        return cls(parent, ctx, ops).run_modal()  # type: ignore[no-any-return]

    @classmethod
    def edit(
        cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations, person: people.PersonView
    ) -> people.PersonView | None:
        return cls(parent, ctx, ops, person).run_modal()  # type: ignore[no-any-return]


def when_of(edit: QDateTimeEdit) -> datetime:
    """The edit's local date and time, to the minute."""
    value = edit.dateTime()
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())
