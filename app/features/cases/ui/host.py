"""What a case's tabs see of the open case that holds them.

The action bars (:mod:`app.features.cases.ui.tabs`) and the kind tabs of the workflows
(:mod:`app.features.cases.ui.kind_tabs`) work with a :class:`CaseHost`: the case, the signed-in user's
context, the operations runner and the case's bundle once loaded. What a write changed
reaches every screen from the services themselves (:mod:`app.kernel.changes`).
:class:`app.features.cases.ui.case_view.CaseWorkspace` is the one host; the tabs never import it, so the
workspace may import them without an import cycle.
"""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QWidget

from app.features.cases.services.case_file import CaseBundle
from app.services.context import ServiceContext
from app.ui_kit.operations import ChangeBus, Operations


class CaseHost(QWidget):
    """One open case; also the parent widget of the dialogs its tabs open."""

    def __init__(
        self, ctx: ServiceContext, ops: Operations, bus: ChangeBus, case_id: uuid.UUID
    ) -> None:
        super().__init__()
        self.ctx, self.ops, self.bus = ctx, ops, bus
        self.case_id = case_id
        #: Everything the case shows, once loaded (``None`` before, and after a lock).
        self.bundle: CaseBundle | None = None
        #: Volunteers see a case but do not change it (the services check as well).
        self.can_edit = not ctx.require_actor().is_volunteer
