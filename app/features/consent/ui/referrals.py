"""Sending a referral (the service checks the client's consent to sharing with partners and
its refusal is shown in the dialog) and recording the partner's answer."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from app.features.cases.ui.record_dialogs import enum_combo
from app.features.consent.services import referrals
from app.kernel.i18n import _
from app.models.enums import ReferralStatus
from app.services import drafts
from app.services.context import ServiceContext
from app.ui_kit.dialog_base import ServiceDialog, optional
from app.ui_kit.operations import Operations
from app.ui_kit.widgets import from_qdate, text_area, today_edit


class SendReferralDialog(ServiceDialog):
    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        referral: referrals.ReferralView,
    ) -> None:
        super().__init__(parent, ctx, ops, _("Send the referral"))
        self.referral = referral
        note = QLabel(
            _(
                "Send the referral to {organisation}. The client's consent to sharing with "
                "partners is checked first."
            ).format(organisation=referral.organisation_name)
        )
        note.setWordWrap(True)
        self.layout().insertWidget(0, note)  # type: ignore[union-attr]
        self.on = today_edit()
        self.form.add("sent_on", _("&Sent on"), self.on)
        self.buttons.button(self.buttons.StandardButton.Save).setText(_("Send"))

    def work(self) -> Callable[[], Any]:
        ctx, rid, on = self.ctx, self.referral.id, from_qdate(self.on.date())
        return lambda: referrals.send_referral(ctx, rid, on)


class ReferralResponseDialog(ServiceDialog):
    draft_kind = "referral_response"

    def __init__(
        self,
        parent: QWidget | None,
        ctx: ServiceContext,
        ops: Operations,
        referral: referrals.ReferralView,
    ) -> None:
        super().__init__(parent, ctx, ops, _("The partner's answer"))
        self.referral = self.base = referral
        self.status = enum_combo(
            (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.COMPLETED)
        )
        self.form.add("status", _("&Answer"), self.status)
        self.on = today_edit()
        self.form.add("responded_on", _("&Date"), self.on)
        self.outcome = text_area(referral.outcome or "")
        self.form.add("outcome", _("&Outcome"), self.outcome)
        self.watch(self.status, self.outcome)

    def work(self) -> Callable[[], Any]:
        ctx, rid = self.ctx, self.referral.id
        status, outcome = self.status.currentData(), optional(self.outcome.toPlainText())
        on, base = from_qdate(self.on.date()), self.base
        return lambda: referrals.record_referral_response(ctx, rid, status, outcome, on, base=base)

    def draft_case_id(self) -> uuid.UUID | None:
        return self.referral.case_id

    def draft_target(self) -> dict[str, str]:
        return {"referral_id": str(self.referral.id)}

    @classmethod
    def from_draft(
        cls, parent: QWidget, ctx: ServiceContext, ops: Operations, draft: drafts.DraftView
    ) -> ServiceDialog | None:
        case_id, wanted = draft.case_id, draft.payload.get("target", {}).get("referral_id")
        if case_id is None:
            return None
        found = ops.call(lambda: referrals.list_case_referrals(ctx, case_id))
        referral = next((r for r in found if str(r.id) == wanted), None)
        return None if referral is None else cls(parent, ctx, ops, referral)
