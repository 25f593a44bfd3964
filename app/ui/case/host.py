"""What a case's tabs see of the open case that holds them.

The action bars (:mod:`app.ui.case.tabs`) and the kind tabs of the workflows
(:mod:`app.ui.case.extra`) work with a :class:`CaseHost`: the case, the signed-in user's
context, the operations runner and the case's bundle once loaded. What a write changed
reaches every screen from the services themselves (:mod:`app.changes`).
:class:`app.ui.case.workspace.CaseWorkspace` is the one host; the tabs never import it, so the
workspace may import them without an import cycle.
"""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QWidget

from app.services.case_workspace import CaseBundle
from app.services.context import ServiceContext
from app.ui.operations import ChangeBus, Operations


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
