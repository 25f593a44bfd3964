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


class DatabaseDamagedError(WorkspaceError):
    """The database file could not be read with a correct key."""

    exit_code = 4


class ValidationError(HomewardError):
    """Input that breaks a rule. ``errors`` maps a field name to a message for that field."""

    exit_code = 2

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


class NotFoundError(HomewardError):
    exit_code = 2
