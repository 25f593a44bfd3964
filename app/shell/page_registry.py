"""The pages of the main window's sidebar, in their order: adding a page is one spec here.

Each :class:`PageSpec` says who sees the page (by role — what the page lets them do is still
checked by the services) and how to build it; :class:`app.shell.main_window.MainWindow` builds
the pages the signed-in role sees and numbers them Ctrl+1… in this order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QStyle

from app.features.admin.ui.page import AdminPage
from app.features.cases.ui.page import CasesPage
from app.features.cases.ui.tasks_page import TasksPage
from app.features.people.ui.page import PeoplePage
from app.features.release.ui.page import ReleasesPage
from app.features.reports.ui.page import ReportsPage
from app.features.today.ui.page import TodayPage
from app.features.visits.ui.page import VisitsPage
from app.kernel.i18n import _, pgettext
from app.models.enums import Role
from app.services.context import ServiceContext
from app.ui_kit.navigator import Navigator
from app.ui_kit.operations import ChangeBus, Operations
from app.ui_kit.page_base import Page

PageFactory = Callable[[ServiceContext, Operations, ChangeBus, Navigator], Page]
Icon = QStyle.StandardPixmap

EVERYONE = frozenset(Role)
STAFF = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER})
COORDINATORS = frozenset({Role.COORDINATOR})


@dataclass(frozen=True)
class PageSpec:
    #: The page's name in code ("cases"); its widget is named ``page-<key>``.
    key: str
    title: Callable[[], str]  # translated at use: the window is rebuilt on a language switch
    make: PageFactory
    icon: QStyle.StandardPixmap
    #: The roles that see the page in the sidebar.
    roles: frozenset[Role] = EVERYONE


PAGES: tuple[PageSpec, ...] = (
    PageSpec("today", lambda: _("Today"), TodayPage, Icon.SP_FileDialogInfoView),
    PageSpec("cases", lambda: _("Cases"), CasesPage, Icon.SP_DirIcon),
    PageSpec("people", lambda: _("People"), PeoplePage, Icon.SP_FileDialogContentsView),
    PageSpec("tasks", lambda: _("Tasks"), TasksPage, Icon.SP_DialogApplyButton),
    PageSpec("visits", lambda: _("Visits"), VisitsPage, Icon.SP_FileDialogListView),
    PageSpec("releases", lambda: _("Releases"), ReleasesPage, Icon.SP_ArrowForward, STAFF),
    PageSpec(
        "reports",
        lambda: pgettext("page", "Reports"),
        ReportsPage,
        Icon.SP_FileDialogDetailedView,
        COORDINATORS,
    ),
    PageSpec("admin", lambda: _("Admin"), AdminPage, Icon.SP_ComputerIcon, COORDINATORS),
)


def pages_for(role: Role) -> list[PageSpec]:
    """The pages this role sees, in sidebar order."""
    return [spec for spec in PAGES if role in spec.roles]
