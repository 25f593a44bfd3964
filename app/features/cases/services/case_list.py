"""The case list: every list of cases (the Cases page, a person's cases, recently opened),
its query, sort and rows.

The Cases page runs hand-written SQL (:mod:`app.store.case_list`); this module turns the
question into its plain values and the answers into :class:`CaseRow` read models. One case,
read and edited whole, is :mod:`app.features.cases.services.cases`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any, NamedTuple, overload

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from app.models import Case, Institution, Person, User
from app.models.enums import CaseKind, CaseStatus
from app.security.permissions import Permission, internal, pure, requires
from app.services import validation as v
from app.services.context import Actor, ServiceContext
from app.store import case_list as sql
from app.store.adapters import SQLITE, Adapter, adapter
from app.store.prepared import uuid_from_hex
from app.store.uow import read_cursor


class CaseRow(NamedTuple):
    """One line of the case list. A named tuple, not a dataclass: the list makes 200 of them
    on every keystroke of a search, and a tuple is made in a quarter of the time."""

    id: uuid.UUID
    reference: str
    kind: CaseKind
    status: CaseStatus
    client_name: str
    worker_name: str | None
    institution_name: str | None
    last_activity_at: datetime
    expected_release: date | None


class CaseSort(StrEnum):
    REFERENCE = "reference"
    CLIENT = "client"
    KIND = "kind"
    STATUS = "status"
    WORKER = "worker"
    LAST_ACTIVITY = "last_activity"
    EXPECTED_RELEASE = "expected_release"


@dataclass(frozen=True)
class CaseQuery:
    kinds: frozenset[CaseKind] = frozenset()
    statuses: frozenset[CaseStatus] = frozenset()
    worker_id: uuid.UUID | None = None
    mine: bool = False
    text: str = ""
    sort: CaseSort = CaseSort.LAST_ACTIVITY
    descending: bool = True


@internal
@cache  # built once: statements are immutable
def case_rows_select() -> tuple[Select[*tuple[Any, ...]], Any]:
    """The columns of a :class:`CaseRow` with their joins (and the worker alias, for sorting).

    Every list of cases (the case list, a person's cases, recently viewed) starts here, and
    :func:`case_row` turns each result row into the read model.
    """
    worker = aliased(User)
    stmt = (
        select(
            Case.id,
            Case.reference,
            Case.kind,
            Case.status,
            Person.given_name,
            Person.family_name,
            worker.display_name,
            Institution.name,
            Case.last_activity_at,
            Case.expected_release,
        )
        .join(Person, Person.id == Case.client_id)
        .outerjoin(worker, worker.id == Case.worker_id)
        .outerjoin(Institution, Institution.id == Case.institution_id)
    )
    return stmt, worker


@internal
def case_row(r: Any) -> CaseRow:
    return CaseRow(
        id=r[0],
        reference=r[1],
        kind=r[2],
        status=r[3],
        client_name=f"{r[4]} {r[5]}",
        worker_name=r[6],
        institution_name=r[7],
        last_activity_at=r[8],
        expected_release=r[9],
    )


@dataclass(frozen=True)
class CasePage:
    """The first rows of a case list, and how many cases the list holds in all."""

    total: int
    rows: list[CaseRow]


class CaseIds(Sequence[uuid.UUID]):
    """Case ids in list order. Kept as the database's hex text and made UUIDs only when read:
    making 100,000 UUIDs up front would cost ~200 ms."""

    __slots__ = ("_hex",)

    def __init__(self, hex_ids: list[str]) -> None:
        self._hex = hex_ids

    def __len__(self) -> int:
        return len(self._hex)

    @overload
    def __getitem__(self, index: int) -> uuid.UUID: ...

    @overload
    def __getitem__(self, index: slice) -> list[uuid.UUID]: ...

    def __getitem__(self, index: int | slice) -> uuid.UUID | list[uuid.UUID]:
        if isinstance(index, slice):
            return [uuid_from_hex(h) for h in self._hex[index]]
        return uuid_from_hex(self._hex[index])


@pure
def list_spec(query: CaseQuery, actor: Actor, planner: Adapter = SQLITE) -> sql.ListSpec:
    """The case list question in the plain values of :mod:`app.store.case_list` (what the
    benchmark's hand-written baseline runs, too). A search text longer than
    :data:`~app.services.validation.SEARCH_TEXT_MAX` is refused here, before any SQL."""
    v.search_text(query.text)
    return sql.ListSpec(
        kinds=tuple(sorted(k.value for k in query.kinds)),
        statuses=tuple(sorted(s.value for s in query.statuses)),
        worker=None if query.worker_id is None else query.worker_id.hex,
        mine=actor.id.hex if query.mine else None,
        volunteer=actor.id.hex if actor.is_volunteer else None,
        text=query.text,
        sort=query.sort.value,
        descending=query.descending,
        planner=planner,
    )


def _fetch(cursor: Any, statement: tuple[str, dict[str, Any]]) -> list[Any]:
    """Run hand-written SQL on a :func:`~app.store.uow.read_cursor`."""
    sql, params = statement
    return list(cursor.execute(sql, params).fetchall())


_KINDS = {k.value: k for k in CaseKind}
_STATUSES = {s.value: s for s in CaseStatus}


def _raw_row(r: Any) -> CaseRow:
    # Positional, and enums by dict: 200 rows are made on every keystroke of a search.
    return CaseRow(
        uuid_from_hex(r[0]),
        r[1],
        _KINDS[r[2]],
        _STATUSES[r[3]],
        f"{r[4]} {r[5]}",
        r[6],
        r[7],
        datetime.fromisoformat(r[8]),
        date.fromisoformat(r[9]) if r[9] else None,
    )


def _total(cursor: Any, spec: sql.ListSpec) -> int:
    return int(_fetch(cursor, sql.count(spec))[0][0])


@requires(Permission.CASE_READ)
def first_page(
    ctx: ServiceContext, query: CaseQuery = CaseQuery(), *, limit: int = 200
) -> CasePage:
    """What the case list shows first: the count and the first ``limit`` rows, in one read."""
    spec = list_spec(query, ctx.require_actor(), adapter(ctx.engine))
    with read_cursor(ctx.engine) as cursor:
        total = _total(cursor, spec)
        rows = _fetch(cursor, sql.page(spec, total, 0, limit)) if total else []
    return CasePage(total, [_raw_row(r) for r in rows])


@requires(Permission.CASE_READ)
def list_cases(
    ctx: ServiceContext, query: CaseQuery = CaseQuery(), *, offset: int = 0, limit: int = 200
) -> list[CaseRow]:
    spec = list_spec(query, ctx.require_actor(), adapter(ctx.engine))
    with read_cursor(ctx.engine) as cursor:
        # The count picks the strategy for a search; without one it is not needed.
        total = _total(cursor, spec) if spec.searching else sql.WALK_ABOVE + 1
        rows = _fetch(cursor, sql.page(spec, total, offset, limit))
    return [_raw_row(r) for r in rows]


@requires(Permission.CASE_READ)
def count_cases(ctx: ServiceContext, query: CaseQuery = CaseQuery()) -> int:
    spec = list_spec(query, ctx.require_actor(), adapter(ctx.engine))
    with read_cursor(ctx.engine) as cursor:
        return _total(cursor, spec)


@requires(Permission.CASE_READ)
def case_ids(ctx: ServiceContext, query: CaseQuery = CaseQuery()) -> CaseIds:
    """Every case of the list, in list order: lets the list scroll anywhere at once, reading
    the rows on view with :func:`case_rows`. 100,000 ids take ~4 MB and ~110 ms."""
    spec = list_spec(query, ctx.require_actor(), adapter(ctx.engine))
    with read_cursor(ctx.engine) as cursor:
        return CaseIds([r[0] for r in _fetch(cursor, sql.all_ids(spec))])


@requires(Permission.CASE_READ)
def case_rows(ctx: ServiceContext, ids: Sequence[uuid.UUID]) -> list[CaseRow]:
    """The list rows of these cases, in the order given; cases gone or not visible are left
    out."""
    actor = ctx.require_actor()
    if not ids:
        return []
    volunteer = actor.id.hex if actor.is_volunteer else None
    wanted = [i.hex for i in ids]
    found: dict[str, Any] = {}
    with read_cursor(ctx.engine) as cursor:
        for start in range(0, len(wanted), 500):  # within SQLite's limit on parameters
            for r in _fetch(cursor, sql.rows_by_id(wanted[start : start + 500], volunteer)):
                found[r[0]] = r
    # Keyed by the database's hex text; row objects are made once, in the order asked for.
    return [_raw_row(found[h]) for h in wanted if h in found]
