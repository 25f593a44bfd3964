"""The release tab's dialogs: start a plan (with a preview), move the release date, record a
custody change, choose a mentor. Each has a class method returning the result or ``None``."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app.features.cases.services import custody
from app.features.cases.ui.record_dialogs import enum_combo
from app.features.release.services import plan_templates, release_plans, releases
from app.kernel.errors import HomewardError, ValidationError
from app.kernel.i18n import N_, _, ngettext
from app.kernel.i18n_formats import number
from app.models.enums import CustodyStatus, NeedDomain
from app.services.context import ServiceContext
from app.ui_kit.dialog_base import ServiceDialog, optional
from app.ui_kit.operations import Operations
from app.ui_kit.tables import Column, ListTable
from app.ui_kit.widgets import (
    from_qdate,
    localise_date_edit,
    show_date,
    text_area,
    to_qdate,
    today_edit,
)


def offset_text(days: int | None) -> str:
    """ "90 days before release", "Release day", "7 days after release"."""
    if days is None:
        return ""
    if days == 0:
        return _("Release day")
    if days < 0:
        return ngettext("{n} day before release", "{n} days before release", -days).format(
            n=number(-days)
        )
    return ngettext("{n} day after release", "{n} days after release", days).format(n=number(days))


def load_text(row: releases.VolunteerLoad) -> str:
    """ "Ingrid Berg — 2 of 3 clients (full)" for the mentor list."""
    if row.capacity is None:
        count = ngettext("{n} client, no limit set", "{n} clients, no limit set", row.load)
        return f"{row.name} — {count.format(n=number(row.load))}"
    text = ngettext("{load} of {n} client", "{load} of {n} clients", row.capacity).format(
        load=number(row.load), n=number(row.capacity)
    )
    if row.full:
        text = _("{load} (full)").format(load=text)
    return f"{row.name} — {text}"


class StartPlanDialog(ServiceDialog):
    """Choose a template, see the tasks and their dates, then start the plan."""

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        case_id: uuid.UUID,
        templates: list[plan_templates.TemplateView],
    ) -> None:
        super().__init__(parent, ctx, ops, _("Start a release plan"))
        self.case_id = case_id
        self.template = QComboBox()
        for template in templates:
            self.template.addItem(template.label, template.id)
        self.form.add("template", _("&Template"), self.template)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.form.form.addRow(self.about)
        self.preview: ListTable[release_plans.PlannedTask] = ListTable(
            (
                Column(N_("Task"), lambda t: t.title, stretch=True),
                Column(N_("Due"), lambda t: show_date(t.due_on)),
                Column(N_("When"), lambda t: offset_text(t.offset_days)),
            ),
            _("Choose a template to see its tasks."),
            _("Tasks the plan will have"),
        )
        self.preview.setMinimumSize(560, 300)
        self.form.form.addRow(self.preview)
        self._descriptions = {t.id: t.description or "" for t in templates}
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(_("Start the plan"))
        self.template.currentIndexChanged.connect(self._show_preview)
        self._show_preview()

    def _show_preview(self, *_args: object) -> None:
        template_id = self.template.currentData()
        self.about.setText(self._descriptions.get(template_id, ""))
        if template_id is None:
            self.preview.set_rows([])
            return
        ctx, case_id = self.ctx, self.case_id
        try:
            plan = self.ops.call(lambda: release_plans.propose_plan(ctx, case_id, template_id))
        except HomewardError as exc:
            self._failed(exc)
            self.preview.set_rows([])
            return
        self.message.hide()
        self.preview.set_rows(plan.tasks)

    def work(self) -> Callable[[], Any]:
        ctx, case_id, template_id = self.ctx, self.case_id, self.template.currentData()
        return lambda: release_plans.start_plan(ctx, case_id, template_id)

    @classmethod
    def start(
        cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations, case_id: uuid.UUID
    ) -> release_plans.PlanView | None:
        templates = ops.call(lambda: plan_templates.list_templates(ctx))
        result: release_plans.PlanView | None = cls(
            parent, ctx, ops, case_id, templates
        ).run_modal()
        return result


class MoveReleaseDialog(ServiceDialog):
    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        case_id: uuid.UUID,
        current: date | None,
    ) -> None:
        super().__init__(parent, ctx, ops, _("Move the release date"))
        self.case_id, self.base = case_id, release_plans.ReleaseDate(current)
        self.on = localise_date_edit(QDateEdit(to_qdate(current or date.today())))
        self.form.add("expected_release", _("&Expected release"), self.on)
        note = QLabel(_("Open tasks of the release plan move with the date; done tasks stay."))
        note.setWordWrap(True)
        self.form.form.addRow(note)
        self.watch(self.on)

    def work(self) -> Callable[[], Any]:
        ctx, case_id, on, base = self.ctx, self.case_id, from_qdate(self.on.date()), self.base

        def move() -> object:
            release_plans.move_release_date(ctx, case_id, on, base=base)
            return on

        return move

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        case_id: uuid.UUID,
        current: date | None,
    ) -> date | None:
        result: date | None = cls(parent, ctx, ops, case_id, current).run_modal()
        return result


class CustodyDialog(ServiceDialog):
    def __init__(
        self, parent: QWidget | None, ctx: ServiceContext, ops: Operations, case_id: uuid.UUID
    ) -> None:
        super().__init__(parent, ctx, ops, _("Record a custody change"))
        self.case_id = case_id
        self.status = enum_combo(CustodyStatus)
        self.form.add("status", _("&New status"), self.status)
        self.on = today_edit()
        self.form.add("on", _("&From"), self.on)
        self.notes = text_area()
        self.notes.setMaximumHeight(90)
        self.form.add("notes", _("N&otes"), self.notes)
        self.watch(self.status, self.on, self.notes)

    def work(self) -> Callable[[], Any]:
        ctx, case_id = self.ctx, self.case_id
        status, on = self.status.currentData(), from_qdate(self.on.date())
        notes = optional(self.notes.toPlainText())
        return lambda: custody.record_custody_change(ctx, case_id, status, on, notes)

    @classmethod
    def record(
        cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations, case_id: uuid.UUID
    ) -> custody.CustodyEventView | None:
        result: custody.CustodyEventView | None = cls(parent, ctx, ops, case_id).run_modal()
        return result


class MentorDialog(ServiceDialog):
    """Choose the volunteer who mentors the client; each shows their load and capacity."""

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        case_id: uuid.UUID,
        volunteers: list[releases.VolunteerLoad],
        current: str | None,
    ) -> None:
        super().__init__(parent, ctx, ops, _("Choose a mentor"))
        self.case_id = case_id
        self.volunteer = QComboBox()
        self.volunteer.addItem(_("(no mentor)"), None)
        for row in volunteers:
            self.volunteer.addItem(load_text(row), row.user_id)
            if row.name == current:
                self.volunteer.setCurrentIndex(self.volunteer.count() - 1)
        self.form.add("volunteer_id", _("&Volunteer"), self.volunteer)
        self.over = QCheckBox(_("They agreed to mentor one more client than their capacity"))
        self.form.form.addRow(self.over)
        self.watch(self.volunteer, self.over)

    def work(self) -> Callable[[], Any]:
        ctx, case_id = self.ctx, self.case_id
        volunteer_id, over = self.volunteer.currentData(), self.over.isChecked()

        def assign() -> object:
            releases.assign_mentor(ctx, case_id, volunteer_id, allow_over_capacity=over)
            return True

        return assign

    @classmethod
    def choose(
        cls,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        case_id: uuid.UUID,
        current: str | None,
    ) -> bool:
        volunteers = ops.call(lambda: releases.volunteer_capacity(ctx))
        return bool(cls(parent, ctx, ops, case_id, volunteers, current).run_modal())


def _parse_items(
    text: str, domains: dict[str, NeedDomain | None]
) -> tuple[plan_templates.TemplateItemInput, ...]:
    """One task a line, "-90: Apply for ID documents" (days from the release, then the task)."""
    items = []
    for number_, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _ITEM_LINE.match(line.replace("−", "-"))
        if match is None:
            raise ValidationError(
                {
                    "items": _(
                        "Line {n}: write the days from the release, a colon, then the task "
                        "(for example “-90: Apply for ID documents”)."
                    ).format(n=number_)
                }
            )
        title = match.group(2).strip()
        items.append(
            plan_templates.TemplateItemInput(int(match.group(1)), title, domains.get(title))
        )
    return tuple(items)


_ITEM_LINE = re.compile(r"^\s*([+-]?\d+)\s*:\s*(.+)$")


class TemplateDialog(ServiceDialog):
    """Coordinators edit a plan template as text: one task a line, days from the release."""

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        templates: list[plan_templates.TemplateView],
    ) -> None:
        super().__init__(parent, ctx, ops, _("Release plan templates"))
        self.templates = templates
        self.template = QComboBox()
        for template in templates:
            self.template.addItem(template.label, template.id)
        self.template.addItem(_("New template"), None)
        self.form.add("template", _("&Template"), self.template)
        self.name = QLineEdit()
        self.form.add("name", _("&Name"), self.name)
        self.description = QLineEdit()
        self.form.add("description", _("&Description"), self.description)
        self.items = QPlainTextEdit()
        self.items.setMinimumSize(520, 300)
        self.items.setPlaceholderText(_("-90: Apply for ID documents\n0: Meet at the gate"))
        self.form.add("items", _("T&asks (days from release: task)"), self.items)
        self.retire = QCheckBox(_("No longer offer this template"))
        self.form.form.addRow(self.retire)
        self.template.currentIndexChanged.connect(self._fill)
        self._fill()
        self.watch(self.name, self.description, self.items, self.retire)

    def _current(self) -> plan_templates.TemplateView | None:
        template_id = self.template.currentData()
        return next((t for t in self.templates if t.id == template_id), None)

    def _fill(self, *_args: object) -> None:
        template = self._current()
        self.name.setText(template.label if template else "")
        self.description.setText((template.description or "") if template else "")
        self.items.setPlainText(
            "\n".join(f"{i.offset_days}: {i.label}" for i in template.items) if template else ""
        )
        self.retire.setChecked(False)
        self.retire.setEnabled(template is not None)
        self._dirty = False

    def work(self) -> Callable[[], Any]:
        template = self._current()
        domains = {i.label: i.need_domain for i in template.items} if template else {}
        data = plan_templates.TemplateInput(
            name=self.name.text(),
            description=optional(self.description.text()),
            items=_parse_items(self.items.toPlainText(), domains),
            id=template.id if template else None,
        )
        ctx, retire = self.ctx, self.retire.isChecked()

        def save() -> object:
            view = plan_templates.save_template(ctx, data)
            if retire:
                plan_templates.set_template_active(ctx, view.id, False)
            return view

        return save

    @classmethod
    def edit(
        cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations
    ) -> plan_templates.TemplateView | None:
        templates = ops.call(lambda: plan_templates.list_templates(ctx))
        result: plan_templates.TemplateView | None = cls(parent, ctx, ops, templates).run_modal()
        return result
