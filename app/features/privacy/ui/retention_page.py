"""The retention review inside Admin → Clients' rights: how long closed cases are kept per
kind, the cases past that time, and "Anonymise" / "Extend…" for them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.features.privacy.services import erasure, retention
from app.kernel.i18n import N_, _, ngettext
from app.kernel.labels import label
from app.models.enums import CaseKind
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.ui_kit.dialog_base import ServiceDialog
from app.ui_kit.operations import ChangeBus, Operations
from app.ui_kit.progress import JobState, ProgressPanel, run_job
from app.ui_kit.tables import Column, ListTable
from app.ui_kit.widgets import from_qdate, localise_date_edit, show_date, text_area, to_qdate, warn

REVIEW_COLUMNS: tuple[Column[retention.RetentionCase], ...] = (
    Column(N_("Case"), lambda r: r.reference),
    Column(N_("Kind"), lambda r: label(r.kind)),
    Column(N_("Closed"), lambda r: show_date(r.closed_on)),
    Column(N_("Due since"), lambda r: show_date(r.due_on)),
    Column(N_("Note"), lambda r: _note(r)),
)


class ResultPanel(Protocol):
    """Where the retention review shows its progress, receipts and failures: the panel under
    Admin → Clients' rights, shared with subject access and erasure."""

    progress: ProgressPanel

    def show_receipt(self, receipt: erasure.Receipt, organisation: str) -> None: ...

    def show_failure(self, exc: BaseException) -> None: ...


class ExtendDialog(ServiceDialog):
    """Keep one case longer, with a reason (it leaves the review list until then)."""

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        case: retention.RetentionCase,
    ) -> None:
        super().__init__(parent, ctx, ops, _("Keep case {ref} longer").format(ref=case.reference))
        self.case = case
        self.until = self.form.add("until", _("Keep &until"), localise_date_edit(QDateEdit()))
        self.until.setDate(to_qdate(retention.add_months(date.today(), 12)))
        self.until.setMinimumDate(QDate.currentDate().addDays(1))
        self.reason = self.form.add("reason", _("&Reason"), text_area(limit=retention.REASON_MAX))
        self.reason.setMinimumHeight(80)
        self.watch(self.until, self.reason)

    def work(self) -> Callable[[], Any]:
        ctx, case_id = self.ctx, self.case.case_id
        until, reason = from_qdate(self.until.date()), self.reason.toPlainText()
        return lambda: retention.extend_retention(ctx, case_id, until, reason)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        case: retention.RetentionCase,
    ) -> bool:
        dialog = cls(parent, ctx, ops, case)
        dialog.exec()
        return dialog.result() == ServiceDialog.DialogCode.Accepted


class RetentionBox(QGroupBox):
    def __init__(
        self, ctx: ServiceContext, ops: Operations, bus: ChangeBus, results: ResultPanel
    ) -> None:
        super().__init__(_("Retention review"))
        self.ctx, self.ops, self.bus = ctx, ops, bus
        self.results = results
        self._rows: list[retention.RetentionCase] = []
        self._policy: retention.RetentionPolicy | None = None
        column = QVBoxLayout(self)
        periods = QFormLayout()
        self.months: dict[CaseKind, QSpinBox] = {}
        for kind in CaseKind:
            spin = QSpinBox()
            spin.setRange(0, retention.MAX_MONTHS)
            spin.setSpecialValueText(_("not set"))
            spin.setSuffix(_(" months"))
            spin.setAccessibleName(
                _("Months to keep closed cases: {kind}").format(kind=label(kind))
            )
            spin.setMinimumWidth(130)
            spin.setMaximumWidth(160)
            self.months[kind] = spin
            periods.addRow(label(kind) + ":", spin)
        column.addWidget(QLabel(_("Keep closed cases for this long after closing:")))
        column.addLayout(periods)
        save_row = QHBoxLayout()
        save = QPushButton(_("Save periods"))
        save_row.addWidget(save)
        self.message = QLabel()
        self.message.setWordWrap(True)
        save_row.addWidget(self.message, 1)
        column.addLayout(save_row)
        self.review: ListTable[retention.RetentionCase] = ListTable(
            REVIEW_COLUMNS,
            _("No closed case is past its retention period."),
            _("Cases past their retention period"),
        )
        self.review.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        column.addWidget(self.review, 1)
        buttons = QHBoxLayout()
        self.anonymise_button = QPushButton(_("Anonymise…"))
        self.extend_button = QPushButton(_("Extend…"))
        for button in (self.anonymise_button, self.extend_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        save.clicked.connect(self.save_periods)
        self.anonymise_button.clicked.connect(self.anonymise)
        self.extend_button.clicked.connect(self.extend)

    # -- periods --

    def save_periods(self) -> None:
        current = dict(self._policy.months) if self._policy else {}
        wanted = {kind: (spin.value() or None) for kind, spin in self.months.items()}
        changes = [(k, v) for k, v in wanted.items() if current.get(k) != v]
        ctx = self.ctx

        def work() -> retention.RetentionPolicy:
            policy = retention.retention_policy(ctx)
            for kind, months in changes:
                policy = retention.set_retention_period(ctx, kind, months)
            return policy

        self.ops.run(work, self._periods_saved, lambda exc: self.message.setText(str(exc)))

    def _periods_saved(self, policy: retention.RetentionPolicy) -> None:
        self.message.setText(_("Saved."))
        self._show_policy(policy)
        self._load_review()

    def _show_policy(self, policy: retention.RetentionPolicy) -> None:
        self._policy = policy
        for kind, months in policy.months:
            self.months[kind].setValue(months or 0)

    # -- review --

    def _chosen(self) -> list[retention.RetentionCase]:
        model = self.review.table.selectionModel()
        rows = sorted({index.row() for index in model.selectedRows()})
        return [self._rows[r] for r in rows if 0 <= r < len(self._rows)]

    def anonymise(self) -> None:
        chosen = self._chosen()
        if not chosen:
            warn(self, _("Choose one or more cases in the list first."))
            return
        answer = QMessageBox.question(
            self,
            _("Anonymise"),
            ngettext(
                "Anonymise {n} case? Names, contact details and notes are removed for good; "
                "anonymous counting stubs stay for the statistics.",
                "Anonymise {n} cases? Names, contact details and notes are removed for good; "
                "anonymous counting stubs stay for the statistics.",
                len(chosen),
            ).format(n=len(chosen)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        ctx, ids = self.ctx, [c.case_id for c in chosen]

        def work(state: JobState) -> tuple[Any, str]:
            receipt = retention.anonymise_cases(
                ctx, ids, progress=state.progress, cancel=state.flag
            )
            return receipt, ws.organisation_name(ctx)

        run_job(
            self.ops,
            self.results.progress,
            work,
            self._anonymised,
            self.results.show_failure,
            label=_("Anonymising…"),
        )

    def _anonymised(self, result: tuple[Any, str]) -> None:
        self.results.show_receipt(*result)
        self._load_review()

    def extend(self) -> None:
        chosen = self._chosen()
        if len(chosen) != 1:
            warn(self, _("Choose one case in the list first."))
            return
        if ExtendDialog.ask(self, self.ctx, self.ops, chosen[0]):
            self._load_review()

    # -- loading --

    def reload(self) -> None:
        ctx = self.ctx
        self.ops.run(lambda: retention.retention_policy(ctx), self._show_policy)
        self._load_review()

    def _load_review(self) -> None:
        ctx = self.ctx
        self.ops.run(
            lambda: retention.retention_review(ctx), self._show_review, key="retention-review"
        )

    def _show_review(self, rows: list[retention.RetentionCase]) -> None:
        self._rows = list(rows)
        self.review.set_rows(rows)

    def clear(self) -> None:
        self._rows = []
        self.review.set_rows([])


def _note(case: retention.RetentionCase) -> str:
    parts = []
    if case.extended_until is not None:
        parts.append(
            _("was kept until {date}: {reason}").format(
                date=show_date(case.extended_until), reason=case.extension_reason or ""
            )
        )
    if case.client_kept:
        parts.append(_("the client has other cases and is kept"))
    return "; ".join(parts)
