"""Where a file the user exports (a report, a subject access pack, a receipt, a document's
copy) is offered to go: the last folder they chose, else their Documents folder — never the
working directory (in a source checkout that is the code).

Only the folder is kept (a preference of this computer, :mod:`app.ui_kit.preferences`): never a file's name, which
could name a client.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

from app.ui_kit import preferences

SETTINGS_KEY = preferences.EXPORT_FOLDER.key


def documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def export_folder() -> Path:
    """The last folder an export went to, if it still exists; else Documents."""
    saved = preferences.EXPORT_FOLDER.read()
    if saved and Path(saved).is_dir():
        return Path(saved)
    return documents_folder()


def suggested(name: str) -> str:
    """A file name in :func:`export_folder`, for a save dialog."""
    return str(export_folder() / name)


def remember(chosen: Path) -> None:
    """Keep the folder of what was chosen (a folder, or a file's parent)."""
    folder = chosen if chosen.is_dir() else chosen.parent
    preferences.EXPORT_FOLDER.write(str(folder))
