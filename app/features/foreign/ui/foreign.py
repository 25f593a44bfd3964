"""The Foreign inmate tab: interpreter and languages, consular contacts (refused without the
client's consent, with the service's message shown as it is), immigration and transfer
status history, family abroad, discrimination reports.

Languages and countries are shown by name in the user's language (CLDR, :mod:`app.kernel.i18n_names`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.features.cases.services.cases import CaseView
from app.features.cases.ui.host import CaseHost
from app.features.cases.ui.kind_tabs import CaseTab, TabSpec, register
from app.features.cases.ui.record_dialogs import enum_combo
from app.features.foreign.services import foreign
from app.features.people.services import people
from app.kernel.i18n import N_, _, ngettext
from app.kernel.i18n_formats import number
from app.kernel.i18n_names import STATELESS, country_name, language_list
from app.kernel.labels import label
from app.models.enums import (
    CaseKind,
    ConsularOutcome,
    ContactChannel,
    ImmigrationStatus,
    RelationshipKind,
)
from app.services import drafts
from app.services.context import ServiceContext
from app.ui_kit.dialog_base import ServiceDialog, optional
from app.ui_kit.operations import Operations
from app.ui_kit.pickers import CountryCombo, LanguagePicker
from app.ui_kit.tables import Column, ListTable, elide
from app.ui_kit.widgets import button_row, from_qdate, show_date, text_area, today_edit


def interpreter_text(info: foreign.InterpreterInfo) -> str:
    speaks = (
        _("Speaks: {languages}").format(languages=language_list(list(info.languages)))
        if info.languages
        else _("No languages recorded.")
    )
    needed = _("Interpreter needed") if info.interpreter_needed else _("No interpreter needed")
    if not info.meetings:
        return f"{speaks}   ·   {needed}"
    used = ngettext(
        "An interpreter was used at {used} of {n} meeting.",
        "An interpreter was used at {used} of {n} meetings.",
        info.meetings,
    ).format(used=number(info.meetings_with_interpreter), n=number(info.meetings))
    return f"{speaks}   ·   {needed}   ·   {used}"


class InterpreterDialog(ServiceDialog):
    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        case_id: uuid.UUID,
        info: foreign.InterpreterInfo,
    ) -> None:
        super().__init__(parent, ctx, ops, _("Languages and interpreter"))
        self.case_id, self.base = case_id, info
        self.languages = LanguagePicker()
        self.languages.set_codes(info.languages)
        self.form.add("languages", _("&Languages"), self.languages)
        self.needed = QCheckBox(_("Meetings need an interpreter"))
        self.needed.setChecked(info.interpreter_needed)
        self.form.add("interpreter_needed", _("Interpreter"), self.needed)
        self.watch(self.needed)

    def work(self) -> Callable[[], Any]:
        ctx, cid, codes, needed, base = (
            self.ctx,
            self.case_id,
            self.languages.codes(),
            self.needed.isChecked(),
            self.base,
        )
        return lambda: foreign.set_interpreter_needs(ctx, cid, codes, needed, base=base)


class ConsularDialog(ServiceDialog):
    draft_kind = "consular"

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        case_id: uuid.UUID,
        country: str | None,
    ) -> None:
        super().__init__(parent, ctx, ops, _("Log a consular contact"))
        self.case_id = case_id
        note = QLabel(_("Contacting a consulate needs the client's consent to consular contact."))
        note.setWordWrap(True)
        self.layout().insertWidget(0, note)  # type: ignore[union-attr]
        self.country = CountryCombo()
        self.country.set_code(country)
        self.form.add("country", _("&Country"), self.country)
        self.on = today_edit()
        self.form.add("contacted_on", _("&Date"), self.on)
        self.channel = enum_combo(ContactChannel)
        self.form.add("channel", _("C&hannel"), self.channel)
        self.outcome = enum_combo(ConsularOutcome)
        self.form.add("outcome", _("&Outcome"), self.outcome)
        self.notes = text_area()
        self.form.add("notes", _("N&otes"), self.notes)
        self.watch(self.channel, self.outcome, self.notes)

    def work(self) -> Callable[[], Any]:
        ctx, cid = self.ctx, self.case_id
        country, on = self.country.code() or "", from_qdate(self.on.date())
        channel, outcome = self.channel.currentData(), self.outcome.currentData()
        notes = optional(self.notes.toPlainText())
        return lambda: foreign.log_consular_contact(ctx, cid, country, on, channel, outcome, notes)

    @classmethod
    def from_draft(
        cls, parent: QWidget, ctx: ServiceContext, ops: Operations, draft: drafts.DraftView
    ) -> ServiceDialog | None:
        if draft.case_id is None:
            return None
        return cls(parent, ctx, ops, draft.case_id, None)  # the draft has the country


class ImmigrationDialog(ServiceDialog):
    draft_kind = "immigration"

    def __init__(
        self, parent: QWidget | None, ctx: ServiceContext, ops: Operations, case_id: uuid.UUID
    ) -> None:
        super().__init__(parent, ctx, ops, _("New immigration or transfer status"))
        self.case_id = case_id
        self.status = enum_combo(ImmigrationStatus)
        self.form.add("status", _("&Status"), self.status)
        self.since = today_edit()
        self.form.add("since", _("S&ince"), self.since)
        self.notes = text_area()
        self.form.add("notes", _("N&otes"), self.notes)
        self.watch(self.status, self.notes)

    def work(self) -> Callable[[], Any]:
        ctx, cid = self.ctx, self.case_id
        status, since = self.status.currentData(), from_qdate(self.since.date())
        notes = optional(self.notes.toPlainText())
        return lambda: foreign.add_immigration_record(ctx, cid, status, since, notes)


class FamilyAbroadDialog(ServiceDialog):
    draft_kind = "family_abroad"

    def __init__(
        self, parent: QWidget | None, ctx: ServiceContext, ops: Operations, case_id: uuid.UUID
    ) -> None:
        super().__init__(parent, ctx, ops, _("Family member abroad"))
        self.case_id = case_id
        self.name = QLineEdit()
        self.form.add("name", _("&Name"), self.name)
        self.kind = enum_combo(RelationshipKind)
        self.form.add("relationship_kind", _("&Relation"), self.kind)
        self.country = CountryCombo()
        self.form.add("country", _("&Country"), self.country)
        self.channel = enum_combo(ContactChannel)
        self.form.add("contact_channel", _("C&ontact by"), self.channel)
        self.notes = text_area()
        self.form.add("notes", _("N&otes"), self.notes)
        self.watch(self.name, self.kind, self.channel, self.notes)

    def work(self) -> Callable[[], Any]:
        ctx, cid = self.ctx, self.case_id
        kind, country = self.kind.currentData(), self.country.code() or ""
        channel, name = self.channel.currentData(), optional(self.name.text())
        notes = optional(self.notes.toPlainText())
        return lambda: foreign.add_family_abroad(
            ctx, cid, kind, country, channel, name=name, notes=notes
        )


class DiscriminationDialog(ServiceDialog):
    draft_kind = "discrimination"

    def __init__(
        self, parent: QWidget | None, ctx: ServiceContext, ops: Operations, case_id: uuid.UUID
    ) -> None:
        super().__init__(parent, ctx, ops, _("Discrimination report"))
        self.case_id = case_id
        self.on = today_edit()
        self.form.add("reported_on", _("&Date"), self.on)
        self.description = text_area()
        self.description.setPlaceholderText(_("What happened"))
        self.form.add("description", _("&What happened"), self.description)
        self.reported_to = QLineEdit()
        self.form.add("reported_to", _("&Reported to"), self.reported_to)
        self.outcome = text_area()
        self.form.add("outcome", _("&Outcome"), self.outcome)
        self.watch(self.description, self.reported_to, self.outcome)

    def work(self) -> Callable[[], Any]:
        ctx, cid, on = self.ctx, self.case_id, from_qdate(self.on.date())
        what, to = self.description.toPlainText(), optional(self.reported_to.text())
        outcome = optional(self.outcome.toPlainText())
        return lambda: foreign.add_discrimination_report(ctx, cid, on, what, to, outcome)


class OutcomeDialog(ServiceDialog):
    draft_kind = "discrimination_outcome"

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        report: foreign.DiscriminationView,
    ) -> None:
        super().__init__(parent, ctx, ops, _("Outcome of the report"))
        self.report_id, self.case_id, self.base = report.id, report.case_id, report
        self.outcome = text_area(report.outcome or "")
        self.form.add("outcome", _("&Outcome"), self.outcome)
        self.watch(self.outcome)

    def work(self) -> Callable[[], Any]:
        ctx, rid, outcome = self.ctx, self.report_id, optional(self.outcome.toPlainText())
        base = self.base
        return lambda: foreign.set_discrimination_outcome(ctx, rid, outcome, base=base)

    def draft_target(self) -> dict[str, str]:
        return {"report_id": str(self.report_id)}

    @classmethod
    def from_draft(
        cls, parent: QWidget, ctx: ServiceContext, ops: Operations, draft: drafts.DraftView
    ) -> ServiceDialog | None:
        case_id, wanted = draft.case_id, draft.payload.get("target", {}).get("report_id")
        if case_id is None:
            return None
        reports = ops.call(lambda: foreign.list_discrimination_reports(ctx, case_id))
        report = next((r for r in reports if str(r.id) == wanted), None)
        return None if report is None else cls(parent, ctx, ops, report)


CONSULAR_COLUMNS: tuple[Column[foreign.ConsularContactView], ...] = (
    Column(N_("Date"), lambda c: show_date(c.contacted_on)),
    Column(N_("Country"), lambda c: country_name(c.country)),
    Column(N_("Channel"), lambda c: label(c.channel)),
    Column(
        N_("Consent"),
        lambda c: _("Given") if c.consent_to_notify else (_("Not given"), "#b02a37"),
    ),
    Column(N_("Outcome"), lambda c: label(c.outcome)),
    Column(N_("Notes"), lambda c: elide(c.notes)),
)
IMMIGRATION_COLUMNS: tuple[Column[foreign.ImmigrationView], ...] = (
    Column(N_("Since"), lambda r: show_date(r.since)),
    Column(
        N_("Status"),
        lambda r: (
            _("{status} (current)").format(status=label(r.status)) if r.current else label(r.status)
        ),
    ),
    Column(N_("Notes"), lambda r: elide(r.notes)),
)
FAMILY_COLUMNS: tuple[Column[foreign.FamilyAbroadView], ...] = (
    Column(N_("Name"), lambda f: f.name or ""),
    Column(N_("Relation"), lambda f: label(f.relationship_kind)),
    Column(N_("Country"), lambda f: country_name(f.country)),
    Column(N_("Contact by"), lambda f: label(f.contact_channel)),
)
REPORT_COLUMNS: tuple[Column[foreign.DiscriminationView], ...] = (
    Column(N_("Date"), lambda d: show_date(d.reported_on)),
    Column(N_("What happened"), lambda d: elide(d.description, 140), stretch=True),
    Column(N_("Reported to"), lambda d: elide(d.reported_to, 50)),
    Column(N_("Outcome"), lambda d: elide(d.outcome, 100), stretch=True),
)


def _section(title: str, table: ListTable[Any], *buttons: QPushButton) -> QGroupBox:
    box = QGroupBox(title)
    column = QVBoxLayout(box)
    column.addLayout(button_row(*buttons))
    column.addWidget(table)
    return box


class ForeignTab(CaseTab):
    def __init__(self, workspace: CaseHost) -> None:
        super().__init__(workspace)
        self.records: foreign.ForeignRecords | None = None
        top = QHBoxLayout()
        self.interpreter = QLabel()
        self.interpreter.setWordWrap(True)
        self.interpreter.setObjectName("interpreterSummary")
        top.addWidget(self.interpreter, 1)
        self.edit_languages = QPushButton(_("Languages and interpreter…"))
        top.addWidget(self.edit_languages)
        self.column.addLayout(top)
        self.log_contact = QPushButton(_("Log consular contact…"))
        self.log_contact.setProperty("primary", True)
        self.add_status = QPushButton(_("New status…"))
        self.add_family = QPushButton(_("Add family member…"))
        self.add_report = QPushButton(_("Add report…"))
        self.report_outcome = QPushButton(_("Record outcome…"))
        self.for_editors(
            self.edit_languages,
            self.log_contact,
            self.add_status,
            self.add_family,
            self.add_report,
            self.report_outcome,
        )
        self.consular: ListTable[foreign.ConsularContactView] = ListTable(
            CONSULAR_COLUMNS, _("No consular contacts logged."), _("Consular contacts")
        )
        self.immigration: ListTable[foreign.ImmigrationView] = ListTable(
            IMMIGRATION_COLUMNS,
            _("No immigration or transfer status recorded."),
            _("Immigration and transfer status"),
        )
        self.family: ListTable[foreign.FamilyAbroadView] = ListTable(
            FAMILY_COLUMNS, _("No family abroad recorded."), _("Family abroad")
        )
        self.reports: ListTable[foreign.DiscriminationView] = ListTable(
            REPORT_COLUMNS, _("No discrimination reported."), _("Discrimination reports")
        )
        # consular contacts are the heart of it: the left column, two rows high; the
        # discrimination reports (long texts) take the whole width below
        grid = QGridLayout()
        grid.addWidget(
            _section(_("Consular contacts"), self.consular, self.log_contact), 0, 0, 2, 1
        )
        grid.addWidget(
            _section(_("Immigration and transfer status"), self.immigration, self.add_status), 0, 1
        )
        grid.addWidget(_section(_("Family abroad"), self.family, self.add_family), 1, 1)
        grid.addWidget(
            _section(
                _("Discrimination reports"), self.reports, self.add_report, self.report_outcome
            ),
            2,
            0,
            1,
            2,
        )
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.column.addLayout(grid, 1)
        self.edit_languages.clicked.connect(self._languages)
        self.log_contact.clicked.connect(self._consular)
        self.add_status.clicked.connect(lambda: self._open(ImmigrationDialog(self, *self._args())))
        self.add_family.clicked.connect(lambda: self._open(FamilyAbroadDialog(self, *self._args())))
        self.add_report.clicked.connect(
            lambda: self._open(DiscriminationDialog(self, *self._args()))
        )
        self.report_outcome.clicked.connect(self._outcome)

    # -- data --

    def load(self, case: CaseView) -> None:
        self.case = case
        ctx, cid = self.ws.ctx, case.id
        self.ws.ops.run(lambda: foreign.foreign_records(ctx, cid), self._show, key=f"foreign-{cid}")

    def _show(self, records: foreign.ForeignRecords) -> None:
        self.records = records
        self.interpreter.setText(interpreter_text(records.interpreter))
        self.consular.set_rows(records.consular)
        self.immigration.set_rows(records.immigration)
        self.family.set_rows(records.family)
        self.reports.set_rows(records.discrimination)

    def clear(self) -> None:
        self.case = None
        self.records = None
        self.interpreter.clear()
        for table in (self.consular, self.immigration, self.family, self.reports):
            table.set_rows([])

    # -- actions --

    def _args(self) -> tuple[ServiceContext, Operations, uuid.UUID]:
        return self.ws.ctx, self.ws.ops, self.ws.case_id

    def _open(self, dialog: ServiceDialog) -> None:
        dialog.run_modal()

    def _languages(self) -> None:
        if self.records is not None:
            self._open(InterpreterDialog(self, *self._args(), self.records.interpreter))

    def _consular(self) -> None:
        """The country of the last contact, else the client's nationality (its consulate)."""
        country = None
        if self.records is not None and self.records.consular:
            country = self.records.consular[0].country
        elif self.case is not None:
            ctx, client_id = self.ws.ctx, self.case.client_id
            nationality = self.ws.ops.call(lambda: people.get_person(ctx, client_id).nationality)
            country = nationality if nationality != STATELESS else None
        self._open(ConsularDialog(self, *self._args(), country))

    def _outcome(self) -> None:
        report: foreign.DiscriminationView | None = self.chosen(
            self.reports, _("Choose a report in the list first.")
        )
        if report is not None:
            self._open(OutcomeDialog(self, self.ws.ctx, self.ws.ops, report))


register(
    TabSpec(
        key="foreign",
        title=lambda: _("Foreign inmate"),
        kinds=frozenset({CaseKind.FOREIGN_INMATE}),
        make=ForeignTab,
    )
)
