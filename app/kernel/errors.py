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


class EditConflict(HomewardError):
    """Someone else saved the record after this form was opened, and changed a field this
    form changes too. Nothing was written (see :mod:`app.services.edits`).

    ``changed_by`` and ``changed_at`` say who saved last and when (UTC, naive);
    ``fields`` the clashing fields, each with their value and the value typed here, as
    display text; ``kept`` the labels of fields they changed that this form did not touch
    (their values stay); ``base`` the record to keep editing on (pass it as the next save's
    ``base``: the typed values then win where they clash, theirs stay everywhere else).

    The message names the colleague and the time only: field values are attributes, never
    part of ``str()``, so a logged error carries no client data.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        changed_by: str,
        changed_at: object,
        fields: tuple[ConflictField, ...],
        kept: tuple[str, ...],
        base: object,
    ) -> None:
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.fields = fields
        self.kept = kept
        self.base = base


class ConflictField:
    """One field two people changed: its name and label, their value and the typed one."""

    __slots__ = ("label", "name", "theirs", "yours")

    def __init__(self, name: str, label: str, theirs: str, yours: str) -> None:
        self.name, self.label, self.theirs, self.yours = name, label, theirs, yours

    def __repr__(self) -> str:  # the values are client data: never in a repr
        return f"ConflictField({self.name!r})"
