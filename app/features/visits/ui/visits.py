"""The Visits tab of a child-visit case: book a visit (seeing the institution's visiting rules
and child contact person), move it through its lifecycle, assessments, transport, reaction.

Every rule (no past times, no clashes, overnight stays need an approved assessment) is the
service's: the dialogs show its refusal under the field it concerns.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.features.cases.services.cases import CaseView
from app.features.cases.ui.host import CaseHost
from app.features.cases.ui.kind_tabs import CaseTab, TabSpec, register
from app.features.cases.ui.record_dialogs import enum_combo, when_of
from app.features.visits.services import visit_queries, visit_records, visits
from app.features.visits.services.visiting_slots import next_visiting_time
from app.kernel.i18n import N_, _
from app.kernel.i18n_formats import number, time_text
from app.kernel.labels import label
from app.models.enums import AssessmentOutcome, CaseKind, TransportSupport, VisitStatus, VisitType
from app.services import drafts
from app.services.context import ServiceContext
from app.ui_kit.dialog_base import ServiceDialog, optional
from app.ui_kit.operations import Operations, describe
from app.ui_kit.tables import Column, ListTable, elide
from app.ui_kit.widgets import (
    button_row,
    from_qdate,
    localise_date_edit,
    show_date,
    show_datetime,
    text_area,
    to_qdate,
    today_edit,
    warn,
)

#: Status colours in the visit lists and the calendar (text colour; the label says it too).
STATUS_COLOURS = {
    VisitStatus.REQUESTED: "#8a6d00",
    VisitStatus.APPROVED: "#1f6f8b",
    VisitStatus.SCHEDULED: "#1b5e20",
    VisitStatus.HELD: "#555555",
    VisitStatus.CANCELLED: "#b02a37",
    VisitStatus.DENIED: "#b02a37",
}


def qdatetime(value: datetime) -> QDateTime:
    return QDateTime(to_qdate(value.date()), QTime(value.hour, value.minute))


def money(minor: int | None) -> str:
    return "" if minor is None else number(minor / 100, decimals=2)


def visit_time(start: datetime, minutes: int) -> str:
    end = start + timedelta(minutes=minutes)
    if end.date() == start.date():
        return _("{start}–{end}").format(start=show_datetime(start), end=time_text(end))
    return _("{start} – {end}").format(start=show_datetime(start), end=show_datetime(end))


VISIT_COLUMNS: tuple[Column[visits.VisitView], ...] = (
    Column(N_("When"), lambda v: visit_time(v.scheduled_at, v.duration_minutes)),
    Column(N_("Child"), lambda v: v.child_name),
    Column(N_("Type"), lambda v: label(v.visit_type)),
    Column(N_("Status"), lambda v: (label(v.status), STATUS_COLOURS[v.status])),
    Column(N_("Accompanied by"), lambda v: v.accompanying_adult_name or ""),
    Column(
        N_("Transport"),
        lambda v: (
            "" if v.transport_support is TransportSupport.NONE else label(v.transport_support)
        ),
    ),
    Column(N_("Amount"), lambda v: money(v.transport_amount_minor)),
    Column(N_("Reaction or reason"), lambda v: elide(v.child_reaction or v.status_reason)),
)
ASSESSMENT_COLUMNS: tuple[Column[visit_records.AssessmentView], ...] = (
    Column(N_("Date"), lambda a: show_date(a.assessed_on)),
    Column(N_("Child"), lambda a: a.child_name),
    Column(N_("Assessed by"), lambda a: a.assessed_by),
    Column(N_("Outcome"), lambda a: label(a.outcome)),
    Column(N_("Notes"), lambda a: elide(a.notes)),
)


def booking_text(info: visit_queries.BookingInfo) -> str:
    """The institution's visiting information and child contact person, for the booking."""
    if info.institution_name is None:
        return _("The case has no institution: visiting information cannot be shown.")
    lines = [
        _("Visiting at {institution}: {info}").format(
            institution=info.institution_name,
            info=info.visiting_info or _("no visiting information recorded."),
        )
    ]
    if info.child_contact_name:
        contact = ", ".join(
            part
            for part in (
                info.child_contact_name,
                info.child_contact_phone,
                info.child_contact_email,
            )
            if part
        )
        lines.append(_("Child contact person: {contact}").format(contact=contact))
    else:
        lines.append(_("No child contact person recorded for this institution."))
    return "\n".join(lines)


class RequestVisitDialog(ServiceDialog):
    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        info: visit_queries.BookingInfo,
    ) -> None:
        super().__init__(parent, ctx, ops, _("Request a child visit"))
        self.info = info
        self.about = QLabel(booking_text(info))
        self.about.setObjectName("banner")
        self.about.setWordWrap(True)
        self.layout().insertWidget(0, self.about)  # type: ignore[union-attr]
        form = self.form
        self.child = QComboBox()
        for child in info.children:
            born = f" ({show_date(child.birth_date)})" if child.birth_date else ""
            self.child.addItem(child.name + born, child.id)
        form.add("child_id", _("&Child"), self.child)
        # the next time the institution receives visits (its visiting times, when readable)
        start = next_visiting_time(info.visiting_info, datetime.now())
        self.when = localise_date_edit(QDateTimeEdit(qdatetime(start)))
        form.add("scheduled_at", _("&When"), self.when)
        self.duration = QSpinBox()
        self.duration.setRange(1, visits.MAX_DURATION_MINUTES)
        self.duration.setValue(90)
        self.duration.setSuffix(" " + _("min"))
        form.add("duration_minutes", _("&Duration"), self.duration)
        self.kind = enum_combo(VisitType)
        form.add("visit_type", _("&Type"), self.kind)
        self.adult = QComboBox()
        self.adult.addItem(_("(someone else: type the name below)"), None)
        for adult in info.adults:
            text = (
                _("{name} (caregiver)").format(name=adult.name)
                if adult.is_caregiver
                else adult.name
            )
            self.adult.addItem(text, adult.id)
        if info.adults:
            self.adult.setCurrentIndex(1)
        form.add("accompanying_adult_id", _("&Accompanied by"), self.adult)
        self.adult_name = QLineEdit()
        self.adult_name.setPlaceholderText(_("Name of the accompanying adult"))
        form.add("accompanying_adult_name", _("Adult's &name"), self.adult_name)
        self.adult.currentIndexChanged.connect(self._someone_else)
        self._someone_else()
        self.transport = enum_combo(TransportSupport)
        form.add("transport_support", _("T&ransport support"), self.transport)
        self.amount = amount_box()
        form.add("transport_amount_minor", _("A&mount"), self.amount)
        self.watch(self.child, self.when, self.kind, self.adult, self.adult_name, self.transport)
        self.resize(560, 560)

    def _someone_else(self, *_args: object) -> None:
        """The name field is for "someone else" only."""
        self.adult_name.setEnabled(self.adult.currentData() is None)

    def work(self) -> Callable[[], Any]:
        amount = round(self.amount.value() * 100) or None
        data = visits.VisitRequest(
            case_id=self.info.case_id,
            child_id=self.child.currentData(),
            scheduled_at=when_of(self.when),
            visit_type=self.kind.currentData(),
            duration_minutes=self.duration.value(),
            accompanying_adult_id=self.adult.currentData(),
            accompanying_adult_name=optional(self.adult_name.text()),
            transport_support=self.transport.currentData(),
            transport_amount_minor=amount,
        )
        ctx = self.ctx
        return lambda: visits.request_visit(ctx, data)

    @classmethod
    def request(
        cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations, case_id: uuid.UUID
    ) -> visits.VisitView | None:
        info = ops.call(lambda: visit_queries.booking_info(ctx, case_id))
        if not info.children:
            warn(
                parent,
                _(
                    "No children are recorded for the client. Link a child to the client "
                    "(People page) first."
                ),
            )
            return None
        result: visits.VisitView | None = cls(parent, ctx, ops, info).run_modal()
        return result


def amount_box() -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0, visits.MAX_AMOUNT_MINOR / 100)
    box.setDecimals(2)
    box.setSpecialValueText(_("none"))
    return box


class ScheduleDialog(ServiceDialog):
    def __init__(
        self, parent: QWidget | None, ctx: ServiceContext, ops: Operations, visit: visits.VisitView
    ) -> None:
        super().__init__(parent, ctx, ops, _("Schedule the visit"))
        self.visit = visit
        self.when = localise_date_edit(QDateTimeEdit(qdatetime(visit.scheduled_at)))
        self.form.add("scheduled_at", _("&When"), self.when)
        self.duration = QSpinBox()
        self.duration.setRange(1, visits.MAX_DURATION_MINUTES)
        self.duration.setValue(visit.duration_minutes)
        self.duration.setSuffix(" " + _("min"))
        self.form.add("duration_minutes", _("&Duration"), self.duration)
        self.watch(self.when, self.duration)

    def work(self) -> Callable[[], Any]:
        ctx, vid, at, minutes = self.ctx, self.visit.id, when_of(self.when), self.duration.value()
        return lambda: visits.schedule_visit(ctx, vid, at, minutes)

    @classmethod
    def schedule(
        cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations, visit: visits.VisitView
    ) -> Any:
        return cls(parent, ctx, ops, visit).run_modal()


def reason_actions() -> dict[str, tuple[str, Callable[[ServiceContext, uuid.UUID, str], Any]]]:
    """Cancelling and denying a visit, by name: the dialog's title and the service call."""
    return {
        "cancel": (_("Cancel the visit"), visits.cancel_visit),
        "deny": (_("Deny the visit"), visits.deny_visit),
    }


def _visit(
    ops: Operations, ctx: ServiceContext, draft: drafts.DraftView
) -> visits.VisitView | None:
    """The visit a draft is about, as the signed-in user may see it, or ``None``."""
    case_id, wanted = draft.case_id, draft.payload.get("target", {}).get("visit_id")
    if case_id is None:
        return None
    found = ops.call(lambda: visit_queries.list_case_visits(ctx, case_id))
    return next((v for v in found if str(v.id) == wanted), None)


class ReasonDialog(ServiceDialog):
    """Cancel or deny a visit: the reason is required."""

    draft_kind = "visit_reason"

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        title: str,
        action: Callable[[ServiceContext, uuid.UUID, str], visits.VisitView],
        visit_id: uuid.UUID,
    ) -> None:
        super().__init__(parent, ctx, ops, title)
        self.action, self.visit_id = action, visit_id
        self.reason = text_area()
        self.form.add("reason", _("&Reason"), self.reason)
        self.watch(self.reason)

    def work(self) -> Callable[[], Any]:
        ctx, action, vid, reason = self.ctx, self.action, self.visit_id, self.reason.toPlainText()
        return lambda: action(ctx, vid, reason)

    def draft_target(self) -> dict[str, str]:
        name = next((k for k, (_t, fn) in reason_actions().items() if fn is self.action), "")
        return {"visit_id": str(self.visit_id), "action": name}

    @classmethod
    def from_draft(
        cls, parent: QWidget, ctx: ServiceContext, ops: Operations, draft: drafts.DraftView
    ) -> ServiceDialog | None:
        chosen = reason_actions().get(str(draft.payload.get("target", {}).get("action")))
        visit = _visit(ops, ctx, draft)
        if chosen is None or visit is None:
            return None
        return cls(parent, ctx, ops, chosen[0], chosen[1], visit.id)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        title: str,
        action: Callable[[ServiceContext, uuid.UUID, str], visits.VisitView],
        visit_id: uuid.UUID,
    ) -> Any:
        return cls(parent, ctx, ops, title, action, visit_id).run_modal()


class AssessmentDialog(ServiceDialog):
    draft_kind = "assessment"

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        case_id: uuid.UUID,
        info: visit_queries.BookingInfo,
    ) -> None:
        super().__init__(parent, ctx, ops, _("Record an overnight-stay assessment"))
        self.case_id = case_id
        self.child = QComboBox()
        for child in info.children:
            self.child.addItem(child.name, child.id)
        self.form.add("child_id", _("&Child"), self.child)
        self.on = today_edit()
        self.form.add("assessed_on", _("&Date"), self.on)
        self.by = QLineEdit()
        self.by.setPlaceholderText(_("Who made the assessment"))
        self.form.add("assessed_by", _("Assessed &by"), self.by)
        self.outcome = enum_combo(AssessmentOutcome)
        self.form.add("outcome", _("&Outcome"), self.outcome)
        self.notes = text_area()
        self.form.add("notes", _("N&otes"), self.notes)
        self.watch(self.child, self.on, self.by, self.outcome, self.notes)

    def work(self) -> Callable[[], Any]:
        ctx, case_id = self.ctx, self.case_id
        child, on, by = self.child.currentData(), from_qdate(self.on.date()), self.by.text()
        outcome, notes = self.outcome.currentData(), optional(self.notes.toPlainText())
        return lambda: visit_records.record_assessment(ctx, case_id, child, on, by, outcome, notes)

    @classmethod
    def record(
        cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations, case_id: uuid.UUID
    ) -> Any:
        info = ops.call(lambda: visit_queries.booking_info(ctx, case_id))
        return cls(parent, ctx, ops, case_id, info).run_modal()

    @classmethod
    def from_draft(
        cls, parent: QWidget, ctx: ServiceContext, ops: Operations, draft: drafts.DraftView
    ) -> ServiceDialog | None:
        case_id = draft.case_id
        if case_id is None:
            return None
        info = ops.call(lambda: visit_queries.booking_info(ctx, case_id))
        return cls(parent, ctx, ops, case_id, info)


class AfterVisitDialog(ServiceDialog):
    """Transport support and amount; after a held visit, the child's reaction and follow-up."""

    draft_kind = "after_visit"

    def __init__(
        self, parent: QWidget | None, ctx: ServiceContext, ops: Operations, visit: visits.VisitView
    ) -> None:
        super().__init__(parent, ctx, ops, _("Transport and the child's reaction"))
        self.visit = self.base = visit
        self.transport = enum_combo(TransportSupport)
        self.transport.setCurrentIndex(list(TransportSupport).index(visit.transport_support))
        self.form.add("transport_support", _("T&ransport support"), self.transport)
        self.amount = amount_box()
        self.amount.setValue((visit.transport_amount_minor or 0) / 100)
        self.form.add("transport_amount_minor", _("A&mount"), self.amount)
        self.reaction = text_area(visit.child_reaction or "")
        self.form.add("child_reaction", _("The child's &reaction"), self.reaction)
        self.follow_up = text_area(visit.follow_up or "")
        self.form.add("follow_up", _("&Follow-up"), self.follow_up)
        held = visit.status is VisitStatus.HELD
        self.reaction.setEnabled(held)
        self.follow_up.setEnabled(held)
        if not held:
            self.reaction.setPlaceholderText(_("Recorded after the visit was held."))
        self.watch(self.transport, self.amount, self.reaction, self.follow_up)

    def work(self) -> Callable[[], Any]:
        ctx, vid = self.ctx, self.visit.id
        support, amount = self.transport.currentData(), round(self.amount.value() * 100) or None
        held = self.visit.status is VisitStatus.HELD
        reaction, follow_up = self.reaction.toPlainText(), self.follow_up.toPlainText()
        base = self.base

        def save() -> visits.VisitView:
            view = visit_records.set_transport(ctx, vid, support, amount, base=base)
            if held:
                view = visit_records.record_reaction(ctx, vid, reaction, follow_up, base=base)
            return view

        return save

    def draft_case_id(self) -> uuid.UUID | None:
        return self.visit.case_id

    def draft_target(self) -> dict[str, str]:
        return {"visit_id": str(self.visit.id)}

    @classmethod
    def from_draft(
        cls, parent: QWidget, ctx: ServiceContext, ops: Operations, draft: drafts.DraftView
    ) -> ServiceDialog | None:
        visit = _visit(ops, ctx, draft)
        return None if visit is None else cls(parent, ctx, ops, visit)

    @classmethod
    def edit(
        cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations, visit: visits.VisitView
    ) -> Any:
        return cls(parent, ctx, ops, visit).run_modal()


class VisitsTab(CaseTab):
    """A child-visit case's visits and assessments, with the lifecycle buttons."""

    def __init__(self, workspace: CaseHost) -> None:
        super().__init__(workspace)
        self.request = QPushButton(_("Request visit…"))
        self.request.setProperty("primary", True)
        self.approve = QPushButton(_("Approve"))
        self.schedule = QPushButton(_("Schedule…"))
        self.held = QPushButton(_("Mark held"))
        self.cancel = QPushButton(_("Cancel visit…"))
        self.deny = QPushButton(_("Deny…"))
        self.after = QPushButton(_("Transport and reaction…"))
        self.assess = QPushButton(_("Record assessment…"))
        buttons = (
            self.request,
            self.approve,
            self.schedule,
            self.held,
            self.cancel,
            self.deny,
            self.after,
            self.assess,
        )
        self.for_editors(*buttons)
        # Two rows: eight buttons side by side do not fit in every language.
        self.column.addLayout(button_row(*buttons[:6]))
        self.column.addLayout(button_row(*buttons[6:]))
        self.visits: ListTable[visits.VisitView] = ListTable(
            VISIT_COLUMNS, _("No visits yet. Book the first with “Request visit…”."), _("Visits")
        )
        self.column.addWidget(self.visits, 3)
        self.column.addWidget(QLabel(_("Overnight-stay assessments")))
        self.assessments: ListTable[visit_records.AssessmentView] = ListTable(
            ASSESSMENT_COLUMNS,
            _("No assessments. An overnight stay in a family flat needs an approved one."),
            _("Overnight-stay assessments"),
        )
        self.column.addWidget(self.assessments, 1)
        self.request.clicked.connect(self._request)
        self.approve.clicked.connect(lambda: self._step(visits.approve_visit))
        self.held.clicked.connect(lambda: self._step(visits.mark_held))
        self.schedule.clicked.connect(self._schedule)
        self.cancel.clicked.connect(lambda: self._reason(*reason_actions()["cancel"]))
        self.deny.clicked.connect(lambda: self._reason(*reason_actions()["deny"]))
        self.after.clicked.connect(self._after)
        self.assess.clicked.connect(self._assess)

    # -- data --

    def load(self, case: CaseView) -> None:
        self.case = case
        ctx, case_id = self.ws.ctx, case.id
        self.ws.ops.run(
            lambda: (
                visit_queries.list_case_visits(ctx, case_id),
                visit_records.list_assessments(ctx, case_id),
            ),
            self._show,
            key=f"visits-{case_id}",
        )

    def _show(
        self, loaded: tuple[list[visits.VisitView], list[visit_records.AssessmentView]]
    ) -> None:
        rows, assessments = loaded
        self.visits.set_rows(rows)
        self.assessments.set_rows(assessments)

    def clear(self) -> None:
        self.case = None
        self.visits.set_rows([])
        self.assessments.set_rows([])

    # -- actions --

    def _done(self, _value: object = None) -> None:
        """Saved: the service said what changed, and the screens reload from that."""

    def _selected(self) -> visits.VisitView | None:
        visit: visits.VisitView | None = self.chosen(
            self.visits, _("Choose a visit in the list first.")
        )
        return visit

    def _request(self) -> None:
        if RequestVisitDialog.request(self, self.ws.ctx, self.ws.ops, self.ws.case_id):
            self._done()

    def _step(self, action: Callable[[ServiceContext, uuid.UUID], visits.VisitView]) -> None:
        visit = self._selected()
        if visit is None:
            return
        ctx = self.ws.ctx
        self.ws.ops.run(lambda: action(ctx, visit.id), self._done, self._refused)

    def _refused(self, exc: BaseException) -> None:
        warn(self, describe(exc))

    def _schedule(self) -> None:
        visit = self._selected()
        if visit and ScheduleDialog.schedule(self, self.ws.ctx, self.ws.ops, visit):
            self._done()

    def _reason(
        self, title: str, action: Callable[[ServiceContext, uuid.UUID, str], visits.VisitView]
    ) -> None:
        visit = self._selected()
        if visit and ReasonDialog.ask(self, self.ws.ctx, self.ws.ops, title, action, visit.id):
            self._done()

    def _after(self) -> None:
        visit = self._selected()
        if visit and AfterVisitDialog.edit(self, self.ws.ctx, self.ws.ops, visit):
            self._done()

    def _assess(self) -> None:
        if AssessmentDialog.record(self, self.ws.ctx, self.ws.ops, self.ws.case_id):
            self._done()


register(
    TabSpec(
        key="visits",
        title=lambda: _("Visits"),
        kinds=frozenset({CaseKind.CHILD_VISITS}),
        make=VisitsTab,
    )
)
