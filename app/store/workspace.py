"""The workspace folder (DESIGN.md §5): where each file lives, and what makes a folder one.

```
<folder>/homeward.db       SQLCipher 4 database
<folder>/keyslots.json     wrapped copies of the data key
<folder>/audit-witness.json  the audit trail's end, kept outside the database
<folder>/backups/          encrypted backups
<folder>/logs/             logs (never personal data)
```
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Homeward"
DB_NAME = "homeward.db"
KEYSLOTS_NAME = "keyslots.json"
WITNESS_NAME = "audit-witness.json"


@dataclass(frozen=True)
class WorkspacePaths:
    folder: Path
    #: The PostgreSQL database (a ``postgresql+psycopg://`` URL) of a workspace whose data
    #: lives on a server; ``None`` for a laptop workspace (its SQLCipher file, the default).
    server: str | None = None

    @property
    def database(self) -> Path:
        return self.folder / DB_NAME

    @property
    def location(self) -> Path | str:
        """Where the workspace's database is: the server's URL, or the file in the folder."""
        return self.server if self.server is not None else self.database

    @property
    def keyslots(self) -> Path:
        return self.folder / KEYSLOTS_NAME

    @property
    def witness(self) -> Path:
        return self.folder / WITNESS_NAME

    @property
    def backups(self) -> Path:
        return self.folder / "backups"

    @property
    def logs(self) -> Path:
        return self.folder / "logs"

    def exists(self) -> bool:
        """True if the folder holds any part of a workspace (so it must not be overwritten)."""
        return self.database.exists() or self.keyslots.exists()

    def sidecars(self) -> list[Path]:
        return [self.folder / f"{DB_NAME}-wal", self.folder / f"{DB_NAME}-shm"]


def default_workspace() -> Path:
    """The platform's per-user data folder, e.g. ``~/.local/share/Homeward/workspace``."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "workspace"
