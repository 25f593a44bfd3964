"""Link a relative: choose the person, say what they are to this person."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QWidget

from app.features.cases.services import relations
from app.features.cases.ui.dialogs import ClientPicker
from app.features.cases.ui.record_dialogs import enum_combo
from app.kernel.errors import ValidationError
from app.kernel.i18n import _
from app.models.enums import RelationshipKind
from app.services.context import ServiceContext
from app.ui_kit.dialog_base import ServiceDialog
from app.ui_kit.operations import Operations


class RelationDialog(ServiceDialog):
    def __init__(
        self, parent: QWidget | None, ctx: ServiceContext, ops: Operations, person_id: uuid.UUID
    ):
        super().__init__(parent, ctx, ops, _("Link a relative"))
        self.person_id = person_id
        self.other = ClientPicker(ctx, ops)
        self.other.set_hint(_("Type part of the relative's name"))
        self.form.add("other_id", _("&Relative"), self.other)
        self.kind = enum_combo(RelationshipKind)
        self.form.add("kind", _("&They are this person's"), self.kind)
        self.lives_together = QCheckBox(_("They live together"))
        self.form.add("lives_together", _("Household"), self.lives_together)
        self.caregiver = QCheckBox(_("They are a caregiver"))
        self.form.add("is_caregiver", _("Care"), self.caregiver)
        self.watch(self.kind, self.lives_together, self.caregiver)
        self.other.search.setFocus()

    def work(self) -> Callable[[], Any]:
        if self.other.chosen is None:
            raise ValidationError({"other_id": _("Choose the relative, or create a new person.")})
        ctx, person_id, other_id = self.ctx, self.person_id, self.other.chosen
        kind, together, caregiver = (
            self.kind.currentData(),
            self.lives_together.isChecked(),
            self.caregiver.isChecked(),
        )
        return lambda: relations.add_relationship(
            ctx, person_id, other_id, kind, lives_together=together, is_caregiver=caregiver
        )

    @classmethod
    def link(
        cls, parent: QWidget | None, ctx: ServiceContext, ops: Operations, person_id: uuid.UUID
    ) -> Any:
        return cls(parent, ctx, ops, person_id).run_modal()
