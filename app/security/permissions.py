"""Roles and permissions (DESIGN.md §4), checked in the service layer.

Every public service operation is decorated with :func:`requires`, naming the one
permission it needs. The decorator checks the signed-in user's role before the operation
runs; the UI only mirrors this (greying out what would be refused). A test walks every
public function in ``app.services`` and fails if one has no declared permission.

The same decorators turn a full disk, a read-only folder or a damaged page met anywhere
inside a service call into a plain :class:`~app.kernel.errors.HomewardError`
(:func:`app.store.failures.plain_error`): the one place where those are translated, so the
command line and the GUI show a sentence and the right exit code instead of "an unexpected
error".

Finer rules that depend on the data (a volunteer sees only cases assigned to them; restricted
fields are removed from what volunteers receive) live in the services themselves, with the
helpers at the end of this module.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

from app.kernel.errors import HomewardError
from app.kernel.i18n import _
from app.models.enums import Role
from app.store.failures import plain_error


class Permission(StrEnum):
    SIGNED_IN = "signed_in"  # anything every signed-in user may do (own password, own view)
    CASE_READ = "case_read"  # further limited to own cases for volunteers
    CASE_WRITE = "case_write"  # create and edit cases, people, needs, visits, referrals
    RESTRICTED_READ = "restricted_read"  # offence, national ID, health, immigration, consular…
    MEETING_RECORD = "meeting_record"  # volunteers: on their own cases only
    TASKS_ALL = "tasks_all"
    TASKS_OWN = "tasks_own"
    CASE_SUMMARY_PRINT = "case_summary_print"
    CASE_HISTORY = "case_history"  # the audit events of one case
    ANONYMISED_REPORT = "anonymised_report"
    GDPR = "gdpr"  # subject access, erasure, retention
    ADMIN = "admin"  # users, backups, restore, settings
    AUDIT_READ = "audit_read"
    MAINTENANCE = "maintenance"  # integrity checks; also allowed with the recovery code


_STAFF = frozenset(
    {
        Permission.SIGNED_IN,
        Permission.CASE_READ,
        Permission.CASE_WRITE,
        Permission.RESTRICTED_READ,
        Permission.MEETING_RECORD,
        Permission.TASKS_ALL,
        Permission.TASKS_OWN,
        Permission.CASE_SUMMARY_PRINT,
        Permission.CASE_HISTORY,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.COORDINATOR: _STAFF
    | {
        Permission.ANONYMISED_REPORT,
        Permission.GDPR,
        Permission.ADMIN,
        Permission.AUDIT_READ,
        Permission.MAINTENANCE,
    },
    Role.SOCIAL_WORKER: _STAFF,
    Role.VOLUNTEER: frozenset(
        {
            Permission.SIGNED_IN,
            Permission.CASE_READ,
            Permission.MEETING_RECORD,
            Permission.TASKS_OWN,
        }
    ),
}

#: Allowed even while a temporary password still has to be changed.
_ALWAYS = frozenset({Permission.SIGNED_IN})

#: What a context opened with the recovery code (no signed-in user) may do.
RECOVERY_PERMISSIONS = frozenset({Permission.MAINTENANCE})


class PermissionDenied(HomewardError):
    exit_code = 5


class HasActor(Protocol):
    @property
    def actor(self) -> Any: ...


def allowed(role: Role | None, permission: Permission) -> bool:
    if role is None:
        return permission in RECOVERY_PERMISSIONS
    return permission in ROLE_PERMISSIONS[role]


P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C", bound=HasActor)


def requires(
    permission: Permission,
) -> Callable[[Callable[Concatenate[C, P], R]], Callable[Concatenate[C, P], R]]:
    """Declare and enforce the permission a service operation needs.

    The operation's first argument is the service context; its ``actor`` (or ``None`` for a
    recovery-code session) decides.
    """

    def decorate(fn: Callable[Concatenate[C, P], R]) -> Callable[Concatenate[C, P], R]:
        @functools.wraps(fn)
        def checked(ctx: C, /, *args: P.args, **kwargs: P.kwargs) -> R:
            actor = ctx.actor
            if not allowed(actor.role if actor is not None else None, permission):
                raise PermissionDenied(_("Your role does not allow this. Ask a coordinator."))
            if actor is not None and actor.must_change_password and permission not in _ALWAYS:
                raise PermissionDenied(_("Please choose a new password before you continue."))
            try:
                return fn(ctx, *args, **kwargs)
            except Exception as exc:
                folder = getattr(ctx, "folder", None)
                mapped = plain_error(exc, folder if isinstance(folder, Path) else None)
                if mapped is None:
                    raise
                raise mapped from None  # the cause may name a file: logged by its code only

        checked.__permission__ = permission  # type: ignore[attr-defined]
        return checked

    return decorate


def declared_permission(fn: Callable[..., Any]) -> Permission | None:
    return getattr(fn, "__permission__", None)


F = TypeVar("F", bound=Callable[..., Any])


def entry_point(fn: F) -> F:
    """Mark a service function that runs before anyone is signed in (create, unlock…).

    Such functions take no service context; they protect themselves (key slots, throttling).
    Their first argument, when it is a path, is the workspace folder failures are about.
    """

    @functools.wraps(fn)
    def translated(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            first = args[0] if args else None
            folder = Path(first) if isinstance(first, str | os.PathLike) else None
            mapped = plain_error(exc, folder)
            if mapped is None:
                raise
            raise mapped from None

    translated.__entry_point__ = True  # type: ignore[attr-defined]
    return cast(F, translated)


def is_entry_point(fn: Callable[..., Any]) -> bool:
    return bool(getattr(fn, "__entry_point__", False))


def pure(fn: F) -> F:
    """Mark a public service helper that reads and writes no data (formatting, validation)."""
    fn.__pure__ = True  # type: ignore[attr-defined]
    return fn


def is_pure(fn: Callable[..., Any]) -> bool:
    return bool(getattr(fn, "__pure__", False))


def internal(fn: F) -> F:
    """Mark a helper that other service operations call (after their own check), never the UI."""
    fn.__internal__ = True  # type: ignore[attr-defined]
    return fn


def is_internal(fn: Callable[..., Any]) -> bool:
    return bool(getattr(fn, "__internal__", False))
