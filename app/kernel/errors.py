"""Errors that carry a message meant for people.

Every error a user can cause derives from :class:`HomewardError`; its ``str()`` is a
translated, one-line explanation that never contains a key, a password or client data.
"""

from __future__ import annotations


class HomewardError(Exception):
    """Base class for errors with a user-facing message."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class WorkspaceError(HomewardError):
    """The workspace folder is missing, incomplete, damaged or already exists."""


class WorkspaceExistsError(WorkspaceError):
    exit_code = 2


class UnlockError(HomewardError):
    """Wrong password, wrong recovery code or unknown user."""

    exit_code = 3


class DamagedError(WorkspaceError):
    """A file of the workspace is damaged: the database, the key slots or the audit trail."""

    exit_code = 4


class DatabaseDamagedError(DamagedError):
    """The database file could not be read with a correct key."""


class KeySlotsDamagedError(DamagedError):
    """``keyslots.json`` is not a key slot file Homeward can read."""


class StorageError(HomewardError):
    """The disk refused: it is full, read-only or failing. Nothing was changed.

    Made from the driver's and the operating system's codes in one place,
    :mod:`app.store.failures`; nobody raises these by hand.
    """

    exit_code = 7


class DiskFullError(StorageError):
    """No space left on the disk (``SQLITE_FULL``, ``ENOSPC``)."""


class ReadOnlyError(StorageError):
    """The folder, the database or its journal cannot be written (``SQLITE_READONLY``,
    ``EROFS``, ``EACCES``)."""


class ValidationError(HomewardError):
    """Input that breaks a rule. ``errors`` maps a field name to a message for that field."""

    exit_code = 2

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


class NotFoundError(HomewardError):
    exit_code = 2
