"""Main window (placeholder until the case-desk issue): who is signed in, and the caseload."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from app.i18n import _, ngettext
from app.services import cases, workspace
from app.services.context import ServiceContext


class MainWindow(QMainWindow):
    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        actor = ctx.require_actor()
        self.setWindowTitle(
            _("Homeward — {organisation}").format(organisation=workspace.organisation_name(ctx))
        )
        body = QWidget()
        layout = QVBoxLayout(body)
        if ctx.demo:
            banner = QLabel(_("Demo workspace: synthetic data only."))
            banner.setStyleSheet("background:#fff3cd;color:#664d03;padding:8px;")
            layout.addWidget(banner)
        layout.addWidget(QLabel(_("Signed in as {name}.").format(name=actor.display_name)))
        count = cases.count_cases(ctx)
        self.summary = QLabel(
            ngettext("{n} case in this workspace.", "{n} cases in this workspace.", count).format(
                n=f"{count:,}"
            )
        )
        self.summary.setObjectName("caseCount")
        layout.addWidget(self.summary)
        layout.addStretch(1)
        self.setCentralWidget(body)
        self.resize(800, 500)
