"""The Consent tab (every kind of case) and the text of the case header's consent warning."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QPushButton,
    QWidget,
)

from app.features.cases.services.cases import CaseView
from app.features.cases.ui.host import CaseHost
from app.features.cases.ui.kind_tabs import CaseTab, TabSpec, register
from app.features.cases.ui.record_dialogs import enum_combo
from app.features.consent.services import consent
from app.kernel.errors import ValidationError
from app.kernel.i18n import N_, _
from app.kernel.labels import label
from app.models.enums import CaseKind, ConsentScope, LegalBasis
from app.services import drafts
from app.services.context import ServiceContext
from app.ui_kit.dialog_base import ServiceDialog, optional
from app.ui_kit.operations import Operations
from app.ui_kit.tables import Column, ListTable, elide
from app.ui_kit.widgets import (
    button_row,
    from_qdate,
    localise_date_edit,
    show_date,
    text_area,
    to_qdate,
    today_edit,
    warn,
)

COLUMNS: tuple[Column[consent.ConsentView], ...] = (
    Column(N_("For"), lambda c: label(c.scope)),
    Column(N_("Legal basis"), lambda c: label(c.legal_basis)),
    Column(N_("Given"), lambda c: show_date(c.given_on)),
    Column(N_("Expires"), lambda c: show_date(c.expires_on)),
    Column(N_("Withdrawn"), lambda c: show_date(c.withdrawn_on)),
    Column(N_("Valid"), lambda c: _("Yes") if c.valid else (_("No"), "#b02a37")),
    Column(N_("Notes"), lambda c: elide(c.notes)),
)


def consent_warning(status: consent.ConsentStatus | None) -> str | None:
    """One line for the case header, or ``None`` when all is in order."""
    if status is None or status.ok:
        return None
    parts = []
    for scope in status.missing:
        if scope in status.withdrawn:
            parts.append(_("{scope} (withdrawn)").format(scope=label(scope)))
        elif scope in status.expired:
            parts.append(_("{scope} (expired)").format(scope=label(scope)))
        else:
            parts.append(label(scope))
    lines = []
    if parts:
        lines.append(_("⚠ Consent missing: {scopes}.").format(scopes=", ".join(parts)))
    if status.expiring:
        soon = ", ".join(
            _("{scope} on {date}").format(scope=label(scope), date=show_date(day))
            for scope, day in status.expiring
        )
        lines.append(_("⚠ Consent expires soon: {scopes}.").format(scopes=soon))
    return "  ".join(lines) + " " + _("See the Consent tab.")


class ConsentDialog(ServiceDialog):
    draft_kind = "consent"

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        person_id: uuid.UUID,
        scope: ConsentScope | None = None,
    ) -> None:
        super().__init__(parent, ctx, ops, _("Record consent"))
        self.person_id = person_id
        self.scope = enum_combo(ConsentScope, none_text=_("(choose)"))
        self.scope.setCurrentIndex(self.scope.findData(scope))
        self.form.add("scope", _("&For"), self.scope)
        self.basis = enum_combo(LegalBasis)
        self.form.add("legal_basis", _("&Legal basis"), self.basis)
        self.given = today_edit()
        self.form.add("given_on", _("&Given on"), self.given)
        self.expires = QCheckBox(_("Expires"))
        self.form.add("expires", _("E&xpiry"), self.expires)
        self.expires_on = localise_date_edit(
            QDateEdit(to_qdate(date.today().replace(year=date.today().year + 1)))
        )
        self.expires_on.setEnabled(False)
        self.expires.toggled.connect(self.expires_on.setEnabled)
        self.form.add("expires_on", _("Expires &on"), self.expires_on)
        self.notes = text_area()
        self.form.add("notes", _("N&otes"), self.notes)
        self.watch(self.scope, self.basis, self.given, self.expires, self.notes)

    def work(self) -> Callable[[], Any]:
        ctx, pid = self.ctx, self.person_id
        scope, basis = self.scope.currentData(), self.basis.currentData()
        if scope is None:
            raise ValidationError({"scope": _("Choose what the client consents to.")})
        given = from_qdate(self.given.date())
        expires = from_qdate(self.expires_on.date()) if self.expires.isChecked() else None
        notes = optional(self.notes.toPlainText())
        return lambda: consent.record_consent(ctx, pid, scope, basis, given, expires, notes)

    def draft_person_id(self) -> uuid.UUID | None:
        return self.person_id

    def draft_target(self) -> dict[str, str]:
        return {"person_id": str(self.person_id)}

    @classmethod
    def from_draft(
        cls, parent: QWidget, ctx: ServiceContext, ops: Operations, draft: drafts.DraftView
    ) -> ServiceDialog | None:
        person_id = draft.person_id
        return None if person_id is None else cls(parent, ctx, ops, person_id)

    @classmethod
    def record(
        cls,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        person_id: uuid.UUID,
        scope: ConsentScope | None = None,
    ) -> Any:
        return cls(parent, ctx, ops, person_id, scope).run_modal()


class ConsentTab(CaseTab):
    def __init__(self, workspace: CaseHost) -> None:
        super().__init__(workspace)
        self.record = QPushButton(_("Record consent…"))
        self.withdraw = QPushButton(_("Withdraw"))
        self.for_editors(self.record, self.withdraw)
        self.column.addLayout(button_row(self.record, self.withdraw))
        self.table: ListTable[consent.ConsentView] = ListTable(
            COLUMNS,
            _("No consent recorded for the client yet. Add it with “Record consent…”."),
            _("Consent"),
        )
        self.column.addWidget(self.table, 1)
        self.record.clicked.connect(self._record)
        self.withdraw.clicked.connect(self._withdraw)

    def load(self, case: CaseView) -> None:
        self.case = case
        ctx, person_id = self.ws.ctx, case.client_id
        self.ws.ops.run(
            lambda: consent.list_consents(ctx, person_id), self._show, key=f"consent-{case.id}"
        )

    def _show(self, rows: list[consent.ConsentView]) -> None:
        self.table.set_rows(rows)

    def clear(self) -> None:
        self.case = None
        self.table.set_rows([])

    def _record(self) -> None:
        if self.case:
            ConsentDialog.record(
                self, self.ws.ctx, self.ws.ops, self.case.client_id, self.asked_scope()
            )

    def asked_scope(self) -> ConsentScope | None:
        """The first consent the case's banner says is missing, if any."""
        bundle = self.ws.bundle
        status = bundle.consent if bundle is not None else None
        return status.missing[0] if status is not None and status.missing else None

    def _withdraw(self) -> None:
        chosen: consent.ConsentView | None = self.chosen(
            self.table, _("Choose a consent in the list first.")
        )
        if chosen is None:
            return
        ctx = self.ws.ctx
        self.ws.ops.run(
            lambda: consent.withdraw_consent(ctx, chosen.id),
            None,
            lambda exc: warn(self, str(exc)),
        )


register(
    TabSpec(
        key="consent",
        title=lambda: _("Consent"),
        kinds=frozenset(CaseKind),
        make=ConsentTab,
    )
)
