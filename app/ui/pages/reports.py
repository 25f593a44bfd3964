"""Reports (coordinators). The anonymised quarterly summary arrives with its own issue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout

from app.i18n import _, pgettext
from app.ui.pages.base import Page
from app.ui.widgets import empty_state, title

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


class ReportsPage(Page):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(title(pgettext("page", "Reports")))
        layout.addWidget(
            empty_state(
                _(
                    "Anonymised quarterly summaries for funders will be made here. Until then, "
                    "use “homeward report” on the command line once it is available."
                )
            )
        )
        layout.addStretch(1)
