"""Workspace settings, each declared once — key, type, default, validation and who may change
it — as Picard declares its options; one reader (:func:`read`), one writer
(:func:`app.services.workspace_settings.save`).

A setting is JSON text in the encrypted ``settings`` table. Only non-personal values belong
here: periods, counts, folder paths chosen by a coordinator, the organisation's name.
Reading never fails: a missing value, one of the wrong type or one the writer would refuse
reads as the default. Writing validates: a bad value raises :class:`ValueError` with a plain
message (the services turn it into their field's :class:`~app.kernel.errors.ValidationError`).

No other module touches the ``settings`` table, except the audit chain, which keeps its head
there in the same statement as each event (:data:`RESERVED`); a test holds that.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, insert, select

from app.kernel.i18n import _
from app.models import Setting as SettingRow
from app.models.enums import CaseKind
from app.security import audit_chain, idle
from app.security.permissions import Permission, internal
from app.services.context import ServiceContext
from app.store.uow import UnitOfWork

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Setting(Generic[T]):
    """One declared setting. ``check`` returns the value in its type or raises
    :class:`ValueError` with a plain message; ``changed_by`` is ``None`` for what Homeward
    alone writes (at creation)."""

    key: str
    default: T
    check: Callable[[object], T]
    changed_by: Permission | None
    #: Whether a change is recorded in the audit trail.
    audited: bool = True

    def validate(self, value: object) -> T:
        return self.check(value)

    def problem(self, value: object) -> str | None:
        """Why the writer would refuse ``value``, or ``None``."""
        try:
            self.check(value)
        except ValueError as exc:
            return str(exc)
        return None

    def from_stored(self, value: object) -> T:
        try:
            return self.check(value)
        except ValueError:
            return self.default


REGISTRY: dict[str, Setting[Any]] = {}
#: Keys in the settings table that are not settings: the audit chain's own head.
RESERVED = frozenset({audit_chain.HEAD_SETTING})


def _declare(setting: Setting[T]) -> Setting[T]:
    if setting.key in REGISTRY or setting.key in RESERVED:
        raise RuntimeError(f"setting {setting.key!r} is declared twice")
    setting.validate(setting.default)  # a default the writer would refuse is a bug
    REGISTRY[setting.key] = setting
    return setting


def _integer(
    key: str,
    default: int,
    *,
    low: int,
    high: int | None,
    message: Callable[[], str],
    changed_by: Permission | None,
) -> Setting[int]:
    """A whole number from ``low`` to ``high`` (no upper bound if ``None``)."""

    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(message())
        number = int(value)
        if number < low or (high is not None and number > high):
            raise ValueError(message())
        return number

    return _declare(Setting(key, default, check, changed_by))


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("expects text")
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expects true or false")
    return value


def _folder(value: object) -> str | None:
    if value is None or value == "":
        return None
    return _text(value)


def _retention_message() -> str:
    return _("Choose a period between 1 and {n} months.").format(n=MAX_RETENTION_MONTHS)


def _months_per_kind(value: object) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ValueError("expects months per kind of case")
    kinds = {kind.value for kind in CaseKind}
    months: dict[str, int] = {}
    for kind, n in value.items():
        if kind not in kinds:
            raise ValueError("expects months per kind of case")
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_RETENTION_MONTHS:
            raise ValueError(_retention_message())
        months[kind] = n
    return months


# -- the declarations --------------------------------------------------------------------

#: Set when the workspace is created; shown on reports and packs.
ORGANISATION_NAME = _declare(Setting("organisation_name", "", _text, None))
#: Set when the workspace is created: it holds synthetic data only.
DEMO = _declare(Setting("demo", False, _flag, None))
#: The audit chain's MAC secret (hex), made once at creation from the data key.
AUDIT_SECRET = _declare(Setting("audit_secret", "", _text, None, audited=False))

IDLE_LOCK_MINUTES = _integer(
    "idle_lock_minutes",
    idle.DEFAULT_MINUTES,
    low=idle.MIN_MINUTES,
    high=idle.MAX_MINUTES,
    message=lambda: _("Choose between {low} and {high} minutes.").format(
        low=idle.MIN_MINUTES, high=idle.MAX_MINUTES
    ),
    changed_by=Permission.ADMIN,
)

#: The smallest count a summary shows (DESIGN.md §6; the floor is
#: :data:`app.features.reports.services.disclosure.MIN_THRESHOLD`, a test keeps them equal).
MIN_THRESHOLD = 3
MAX_THRESHOLD = 100
REPORT_THRESHOLD = _integer(
    "report_threshold",
    5,
    low=MIN_THRESHOLD,
    high=MAX_THRESHOLD,
    message=lambda: _("Choose a threshold from {low} to {high}.").format(
        low=MIN_THRESHOLD, high=MAX_THRESHOLD
    ),
    changed_by=Permission.ADMIN,
)

BACKUP_SECOND_FOLDER = _declare(
    Setting[str | None]("backup_second_folder", None, _folder, Permission.ADMIN)
)
BACKUP_KEEP_DAILY = _integer(
    "backup_keep_daily",
    7,
    low=1,
    high=60,
    message=lambda: _("Keep between 1 and 60 daily backups."),
    changed_by=Permission.ADMIN,
)
BACKUP_KEEP_WEEKLY = _integer(
    "backup_keep_weekly",
    4,
    low=0,
    high=52,
    message=lambda: _("Keep between 0 and 52 weekly backups."),
    changed_by=Permission.ADMIN,
)

MAX_RETENTION_MONTHS = 100 * 12
#: Months after closing, per case kind (its value); a kind without one is kept until erased.
RETENTION_MONTHS = _declare(
    Setting[dict[str, int]]("retention_months", {}, _months_per_kind, Permission.GDPR)
)

#: The largest file that may be attached, in bytes; 20 MB unless set (no screen sets it).
ATTACHMENT_MAX_BYTES = _integer(
    "attachment_max_bytes",
    20 * 1024 * 1024,
    low=1,
    high=None,
    message=lambda: "expects a positive number of bytes",
    changed_by=Permission.ADMIN,
)

#: Staff share one OS account: keychain unlocking is off for the workspace. Not audited
#: (it never was; turning it on removes keychain slots, which is).
SHARED_OS_ACCOUNT = _declare(
    Setting("shared_os_account", False, _flag, Permission.ADMIN, audited=False)
)


# -- the reader ----------------------------------------------------------------------------


@internal
def stored(text: str | None, setting: Setting[T]) -> T:
    """``setting``'s value from its stored JSON text (``None``: not stored)."""
    if text is None:
        return setting.default
    try:
        value = json.loads(text)
    except ValueError:
        return setting.default
    return setting.from_stored(value)


@internal
def read(ctx: ServiceContext, setting: Setting[T]) -> T:
    """The workspace's value of ``setting`` (its default when unset or unusable)."""
    with ctx.uow() as uow:
        return read_in(uow, setting)


@internal
def read_in(uow: UnitOfWork, setting: Setting[T]) -> T:
    text = uow.session.scalar(select(SettingRow.value).where(SettingRow.key == setting.key))
    return stored(text, setting)


@internal
def read_on(conn: Connection, setting: Setting[T]) -> T:
    """As :func:`read`, on a bare connection (the demo generator's transaction)."""
    text = conn.scalar(select(SettingRow.value).where(SettingRow.key == setting.key))
    return stored(text, setting)


# -- writing -------------------------------------------------------------------------------


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@internal
def put(
    uow: UnitOfWork, setting: Setting[T], value: T, *, created_by: uuid.UUID | None = None
) -> bool:
    """Validate and store ``value`` in ``uow`` (the caller commits and audits): whether
    anything changed. Only :mod:`.workspace_settings` calls this."""
    text = _json(setting.validate(value))
    row = uow.session.scalar(select(SettingRow).where(SettingRow.key == setting.key))
    if row is None:
        uow.session.add(SettingRow(key=setting.key, value=text, created_by=created_by))
        return True
    if row.value == text:
        return False
    row.value = text
    return True


@internal
def insert_initial(conn: Connection, values: Mapping[Setting[Any], object], now: datetime) -> None:
    """Write the settings a new workspace starts with (before anyone can sign in)."""
    conn.execute(
        insert(SettingRow),
        [
            {
                "id": uuid.uuid4(),
                "key": setting.key,
                "value": _json(setting.validate(value)),
                "created_at": now,
                "updated_at": now,
            }
            for setting, value in values.items()
        ],
    )
