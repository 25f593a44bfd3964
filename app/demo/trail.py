"""The demo audit trail's shared ground (see :mod:`app.demo.audit`): the events as
tuples and their order at the same moment, the SQL that lists a row's filled fields, and the
:class:`Trail` each part of the trail builds on.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from operator import itemgetter
from sys import intern
from typing import Any

from sqlalchemy import Boolean, Connection, Enum, String, Table

from app.kernel.record_types import Kind
from app.kernel.records import field_kind
from app.models import Base
from app.security.audit import AuditAction as A

#: How far back the trail goes (see :mod:`app.demo.audit`).
TRAIL_DAYS = 100

# The order of events at the same moment: sign in, open the case, create what others point
# to (a person before their case, a follow-up task before its meeting), the rest, changes.
SIGN_IN, VIEW, FIRST, CREATE, UPDATE, AFTER = range(6)

# (time, order, user, action, entity type, entity id, fields, case id, person id)
Event = tuple[str, int, str | None, str, str | None, str | None, str, str | None, str | None]
#: Events sort by time and order only; the sort is stable, so ties keep the order in which
#: they were made, which a seed fixes (the demo accounts' ids, made anew each time, do not).
TIME_ORDER = itemgetter(0, 1)


def filled_fields(always: tuple[str, ...], **optional: str) -> str:
    """An SQL expression for the sorted, comma-joined names of the fields a row has:
    ``always`` and each of ``optional`` whose condition holds."""
    parts = []
    for name in sorted((*always, *optional)):
        if name in always:
            parts.append(f"'{name},'")
        else:
            parts.append(f"(CASE WHEN {optional[name]} THEN '{name},' ELSE '' END)")
    return f"rtrim({' || '.join(parts)}, ',')"


#: Columns the event of a new row never names: its identity and bookkeeping, and the time
#: erasure anonymised it.
_NEVER_NAMED = frozenset({"id", "created_at", "updated_at", "created_by", "anonymised_at"})


def created_fields(
    table: str | Table, *, skip: Iterable[str] = (), always: Iterable[str] = (), **conditions: str
) -> str:
    """:func:`filled_fields` for a new row of ``table``, read from its columns and the record
    declarations, as the services name what they wrote (``filled``: not NULL, not empty text):
    a NOT NULL column always, a boolean when true, text when not empty, any other when set.

    Not named: bookkeeping, fields declared :attr:`~app.kernel.record_types.Kind.INTERNAL`, a
    NOT NULL ``case_id`` (the event carries the case), and ``skip`` (set by a later change, or
    not named by the service). ``always`` and ``conditions``: a table's own rules, where the
    declarations cannot say what its service names.
    """
    if isinstance(table, str):
        table = Base.metadata.tables[table]
    columns = table.columns
    skipped, named = frozenset(skip), frozenset(always)
    unknown = (skipped | named | conditions.keys()) - set(columns.keys())
    if unknown:
        raise KeyError(f"{table.name} has no column {sorted(unknown)}")
    listed: list[str] = []
    optional: dict[str, str] = {}
    for column in columns:
        name = column.name
        if (
            name in _NEVER_NAMED
            or name in skipped
            or field_kind(table.name, name) is Kind.INTERNAL
            or (name == "case_id" and not column.nullable)
        ):
            continue
        if name in conditions:
            optional[name] = conditions[name]
        elif name in named:
            listed.append(name)
        elif isinstance(column.type, Boolean):
            optional[name] = f"{name} = 1"
        elif not column.nullable:
            listed.append(name)
        elif isinstance(column.type, String) and not isinstance(column.type, Enum):
            optional[name] = has_text(name)
        else:
            optional[name] = is_set(name)
    return filled_fields(tuple(listed), **optional)


def has_text(column: str) -> str:
    return f"({column} IS NOT NULL AND {column} != '')"


def is_set(column: str) -> str:
    return f"{column} IS NOT NULL"


def minutes_of(stamp: str) -> int:
    return int(stamp[11:13]) * 60 + int(stamp[14:16])


class Trail:
    """What every part of the trail shares: the rows read, the events collected so far, and
    the times they are placed at. The parts are its subclasses; :mod:`.demo_audit` joins them."""

    def __init__(
        self, conn: Connection, rng: random.Random, today: date, users: dict[str, uuid.UUID]
    ) -> None:
        self.conn, self.rng, self.today = conn, rng, today.toordinal()
        self.coordinator = users["coordinator"].hex
        self.since_day = today - timedelta(days=TRAIL_DAYS)
        self.since = f"{self.since_day.isoformat()} 00:00:00.000000"
        self.events: list[Event] = []
        #: case id -> (client id, its worker, the day it closed or today, the case id)
        self.cases: dict[str, tuple[str, str, int, str]] = {}
        self.case_created: dict[str, str] = {}
        self.exports = 0
        self.follow_ups: set[str] = set()
        self.views: list[Event] = []
        self._days: dict[int, str] = {}

    def _rows(self, sql: str, *params: Any) -> Iterator[tuple[Any, ...]]:
        """Rows as plain tuples of stored values, straight from the driver."""
        cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(10_000):
                yield from batch
        finally:
            cursor.close()

    def at(self, ordinal: int, minute: int) -> str:
        day = self._days.get(ordinal)
        if day is None:
            day = self._days[ordinal] = date.fromordinal(ordinal).isoformat()
        return f"{day} {minute // 60:02d}:{minute % 60:02d}:00.000000"

    def add(
        self,
        when: str,
        order: int,
        user: str | None,
        action: A,
        entity_type: str | None,
        entity: str | None,
        fields: str = "",
        case: str | None = None,
        person: str | None = None,
    ) -> None:
        if when >= self.since:  # users and field lists interned: a million events share them
            user = None if user is None else intern(user)
            fields = intern(fields)
            self.events.append(
                (when, order, user, action.value, entity_type, entity, fields, case, person)
            )

    def _on_case(
        self,
        when: str,
        order: int,
        user: str | None,
        action: A,
        kind: str,
        row: str,
        fields: str,
        case: str,
    ) -> None:
        client, worker, _end, case = self.cases[case]  # one string per case for all events
        self.add(when, order, user or worker, action, kind, row, fields, case, client)

    def _day(self, stamp: str) -> int:
        return date.fromisoformat(stamp[:10]).toordinal()

    def _between(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low + 1)) if high > low else low
