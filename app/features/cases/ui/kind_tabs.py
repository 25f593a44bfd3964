"""Tabs that only some kinds of case have (release plan, child visits, foreign-inmate records).

Each workflow registers its tab here with :func:`register`. A tab is a widget with
``load(case)`` (fetch its own data through ``workspace.ops`` and show it) and ``clear()``
(forget client data when the app locks); :class:`CaseTab` is what they share. The case
workspace adds the tabs for the case's kind, right after Overview.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from app.features.cases.services.cases import CaseView
from app.features.cases.ui.host import CaseHost
from app.models.enums import CaseKind
from app.ui_kit.tables import ListTable
from app.ui_kit.widgets import warn


class KindTab(Protocol):
    def load(self, case: CaseView) -> None: ...

    def clear(self) -> None: ...


class CaseTab(QWidget):
    """The start of a kind tab: its case workspace, the case shown (``None`` once cleared) and
    a column flush with the tab's edges for the tab's own widgets."""

    def __init__(self, workspace: CaseHost) -> None:
        super().__init__()
        self.ws = workspace
        self.case: CaseView | None = None
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 6, 0, 0)

    def for_editors(self, *buttons: QPushButton) -> None:
        """Show these buttons only to users who may edit the case (not to volunteers)."""
        for button in buttons:
            button.setVisible(self.ws.can_edit)

    def chosen(self, table: ListTable[Any], nothing_chosen: str) -> Any:
        """The row chosen in ``table``, or ``None`` after telling the user ``nothing_chosen``."""
        row = table.selected()
        if row is None:
            warn(self, nothing_chosen)
        return row


@dataclass(frozen=True)
class TabSpec:
    key: str
    title: Callable[[], str]  # translated at use
    kinds: frozenset[CaseKind]
    make: Callable[[CaseHost], QWidget]
    #: Shown to volunteers too? (The services decide what they actually get.)
    volunteers: bool = False


_REGISTRY: list[TabSpec] = []


def register(spec: TabSpec) -> None:
    if all(existing.key != spec.key for existing in _REGISTRY):
        _REGISTRY.append(spec)


def tabs_for(kind: CaseKind, *, volunteer: bool) -> list[TabSpec]:
    _load_workflows()
    return [s for s in _REGISTRY if kind in s.kinds and (s.volunteers or not volunteer)]


#: The feature screens that register a case tab when imported (by name: the case view does
#: not depend on them; they depend on it).
WORKFLOW_MODULES = (
    "app.features.visits.ui.visits",
    "app.features.foreign.ui.foreign",
    "app.features.release.ui.release",
    "app.features.consent.ui.consent",
)


def _load_workflows() -> None:
    """Import the workflow tab modules (each calls :func:`register` when imported)."""
    import importlib

    for name in WORKFLOW_MODULES:
        importlib.import_module(name)
