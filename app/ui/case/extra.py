"""Tabs that only some kinds of case have (release plan, child visits, foreign-inmate records).

Each workflow registers its tab here with :func:`register`. A tab is a widget with
``load(case)`` (fetch its own data through ``workspace.ops`` and show it) and ``clear()``
(forget client data when the app locks). The case workspace adds the tabs for the case's
kind, right after Overview.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QWidget

from app.models.enums import CaseKind
from app.services.cases import CaseView

if TYPE_CHECKING:
    from app.ui.case.workspace import CaseWorkspace


class KindTab(Protocol):
    def load(self, case: CaseView) -> None: ...

    def clear(self) -> None: ...


@dataclass(frozen=True)
class TabSpec:
    key: str
    title: Callable[[], str]  # translated at use
    kinds: frozenset[CaseKind]
    make: Callable[[CaseWorkspace], QWidget]
    #: Shown to volunteers too? (The services decide what they actually get.)
    volunteers: bool = False


_REGISTRY: list[TabSpec] = []


def register(spec: TabSpec) -> None:
    if all(existing.key != spec.key for existing in _REGISTRY):
        _REGISTRY.append(spec)


def tabs_for(kind: CaseKind, *, volunteer: bool) -> list[TabSpec]:
    _load_workflows()
    return [s for s in _REGISTRY if kind in s.kinds and (s.volunteers or not volunteer)]


def _load_workflows() -> None:
    """Import the workflow tab modules (each calls :func:`register` when imported)."""
    import importlib
    import pkgutil

    import app.ui.workflows as workflows

    for info in pkgutil.iter_modules(workflows.__path__):
        importlib.import_module(f"{workflows.__name__}.{info.name}")
