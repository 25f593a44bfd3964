"""This computer's preferences — harmless UI state in QSettings (STYLE.md convention 8) —
each declared once with its key, type and default, and read and written only here.

Nothing that could reveal a client belongs here: recent cases live in the encrypted
database, and only a folder (never a file's name) is kept for exports. The other state of
this computer, the list of workspaces opened here, is ``workspaces.json``
(:mod:`app.features.admin.services.recent_workspaces`), declared in its own module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QSettings

from app.kernel.i18n import LANGUAGES

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Preference(Generic[T]):
    """One preference. ``usable`` says whether a stored value may be used as it is; anything
    else (missing, another type, a language Homeward no longer has) reads as ``default``."""

    key: str
    default: T
    usable: Callable[[object], bool]

    def read(self) -> T:
        value = QSettings().value(self.key)
        return cast(T, value) if value is not None and self.usable(value) else self.default

    def write(self, value: T) -> bool:
        """Keep ``value`` if it is usable (else keep nothing); whether it was kept."""
        if not self.usable(value):
            return False
        QSettings().setValue(self.key, value)
        return True


#: The language the sign-in window last used (``None``: never chosen on this computer).
LANGUAGE = Preference[str | None](
    "ui/language", None, lambda value: isinstance(value, str) and value in LANGUAGES
)
#: The folder the last export went to (``""``: none yet).
EXPORT_FOLDER = Preference[str](
    "export/last_folder", "", lambda value: isinstance(value, str) and bool(value)
)
#: The main window's size and place, as Qt saves them.
WINDOW_GEOMETRY = Preference[QByteArray | None](
    "main_window/geometry",
    None,
    lambda value: isinstance(value, QByteArray) and not value.isEmpty(),
)

PREFERENCES = (LANGUAGE, EXPORT_FOLDER, WINDOW_GEOMETRY)
