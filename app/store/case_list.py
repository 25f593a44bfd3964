"""The case list in hand-written SQL: the read side of the busiest screen.

The list is read on every keystroke of a search and every change of filter, and each read is
a few hundred microseconds of SQLite work. Built with the ORM, the same read cost 5–10 ms of
Python (statement construction, two sessions, result processing): 20× the SQL. Here each
question is one or two SQL strings run on the unit of work's own connection, and rows come
back as plain tuples for :mod:`app.features.cases.services.cases` to turn into read models.

Strategies (measured at 100,000 cases; see bench/):

* **No search**: filters on ``cases``. For a sort backed by an index, kind and status are
  written ``+c.kind`` so SQLite cannot use their index: it then walks the sort index and
  stops after one page instead of collecting 44,000 open cases and sorting them. One
  status, newest first, uses ``(status, last_activity_at)``, and one worker's cases
  ``(worker_id, last_activity_at, status)`` (migration 0009). Many cases by client name:
  the people name index is walked (:func:`_client_walk`).
* **Search, default order** (last activity): read from ``case_search_index`` alone, which
  carries each case's filters and last activity (migration 0007). Few matches: the FTS
  index finds them and they are sorted. Many matches (over :data:`WALK_ABOVE`): the lines
  are read in activity order and tested with LIKE, stopping after a page.
* **Search, other orders**: few matches are looked up by key and sorted; many are found by
  walking the sort index and testing each case's search line.

Everything a user typed or chose is a bound parameter; only fixed SQL text and the names of
parameters are ever put into the strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.store import search
from app.store.adapters import SQLITE, Adapter

#: Above this many search matches, walking an order's index beats sorting the matches.
WALK_ABOVE = 2_000

ROW_COLUMNS = (
    "c.id, c.reference, c.kind, c.status, p.given_name, p.family_name, w.display_name, "
    "i.name, c.last_activity_at, c.expected_release"
)
_NAME_JOINS = (
    "LEFT JOIN users w ON w.id = c.worker_id LEFT JOIN institutions i ON i.id = c.institution_id"
)
ROW_JOINS = f"JOIN people p ON p.id = c.client_id {_NAME_JOINS}"
ROW_FROM = f"cases c {ROW_JOINS}"

#: Sort name → columns (each followed by c.id). Names are CaseSort values.
ORDERS = {
    "reference": ("c.reference_year", "c.reference_seq"),
    "client": ("p.family_name", "p.given_name"),
    "kind": ("c.kind",),
    "status": ("c.status",),
    "worker": ("w.display_name",),
    "last_activity": ("c.last_activity_at",),
    "expected_release": ("c.expected_release",),
}
INDEXED_ORDERS = frozenset({"last_activity", "expected_release", "reference"})


@dataclass(frozen=True)
class ListSpec:
    """A case list question in plain values (ids as 32 hex digits, enums as their values)."""

    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    worker: str | None = None
    #: "mine": cases where this user is the worker or the volunteer.
    mine: str | None = None
    #: A volunteer's own id: they see only their cases (DESIGN.md §4).
    volunteer: str | None = None
    text: str = ""
    sort: str = "last_activity"
    descending: bool = True
    #: The engine's planner hints and search (``+col`` and FTS5 on SQLite).
    planner: Adapter = SQLITE

    @property
    def searching(self) -> bool:
        return bool(search.fold(self.text).split())


def _marks(name: str, values: tuple[str, ...], params: dict[str, Any]) -> list[str]:
    marks = []
    for n, value in enumerate(values):
        params[f"{name}{n}"] = value
        marks.append(f":{name}{n}")
    return marks


def _in(column: str, name: str, values: tuple[str, ...], params: dict[str, Any]) -> str:
    return f"{column} IN ({', '.join(_marks(name, values, params))})"


def _filters(
    spec: ListSpec,
    alias: str,
    params: dict[str, Any],
    *,
    unindexed: bool,
    status_indexed: bool = False,
) -> list[str]:
    """The filters on ``cases`` (alias ``c``) or the search index (alias ``s``). With
    ``unindexed``, kind and status are written ``+c.kind`` so that SQLite cannot use their
    index (``status_indexed`` keeps it for the status)."""

    def hinted(column: str, unindexed: bool) -> str:
        return spec.planner.unindexed(column) if unindexed else column

    clauses: list[str] = []
    for who, value in (("volunteer", spec.volunteer), ("mine", spec.mine)):
        if value is not None:
            params[who] = value
            clauses.append(f"({alias}.volunteer_id = :{who} OR {alias}.worker_id = :{who})")
    if spec.kinds:
        clauses.append(_in(hinted(f"{alias}.kind", unindexed), "kind", spec.kinds, params))
    if spec.statuses:
        status = hinted(f"{alias}.status", unindexed and not status_indexed)
        if status_indexed:
            marks = _marks("status", spec.statuses, params)
            clauses.append(spec.planner.walked_in(status, marks))
        else:
            clauses.append(_in(status, "status", spec.statuses, params))
    if spec.worker is not None:
        params["worker"] = spec.worker
        clauses.append(f"{alias}.worker_id = :worker")
    return clauses


def _where(clauses: list[str]) -> str:
    return " WHERE " + " AND ".join(clauses) if clauses else ""


def _search_terms(spec: ListSpec, params: dict[str, Any], *, walk: bool) -> str:
    terms = search.line_terms(spec.text, "s") if walk else spec.planner.search_terms(spec.text, "s")
    assert terms is not None
    sql, values = terms
    params.update(values)
    return sql


def _order(spec: ListSpec, *, index_line: bool = False) -> str:
    direction = " DESC" if spec.descending else ""
    if index_line:
        return f"s.last_activity_at{direction}, s.case_id"
    return ", ".join(f"{column}{direction}" for column in ORDERS[spec.sort]) + ", c.id"


def count(spec: ListSpec) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {}
    if spec.searching:
        clauses = [
            _search_terms(spec, params, walk=False),
            *_filters(spec, "s", params, unindexed=False),
        ]
        return f"SELECT count(*) FROM {search.INDEX_TABLE} s{_where(clauses)}", params
    clauses = _filters(spec, "c", params, unindexed=False)
    return f"SELECT count(*) FROM cases c{_where(clauses)}", params


def _matches(spec: ListSpec, params: dict[str, Any]) -> str:
    clauses = [
        _search_terms(spec, params, walk=False),
        *_filters(spec, "s", params, unindexed=False),
    ]
    return f"SELECT s.case_id FROM {search.INDEX_TABLE} s{_where(clauses)}"


def page(spec: ListSpec, total: int, offset: int, limit: int) -> tuple[str, dict[str, Any]]:
    """The rows (:data:`ROW_COLUMNS`) of one page, given the list's ``total``."""
    params: dict[str, Any] = {"offset": offset, "limit": limit}
    window = " LIMIT :limit OFFSET :offset"
    many = total > WALK_ABOVE
    if spec.searching and spec.sort == "last_activity":
        clauses = [
            _search_terms(spec, params, walk=many),
            *_filters(spec, "s", params, unindexed=False),
        ]
        # Unless walking, "+" keeps SQLite from walking the whole activity index to avoid
        # a sort: finding the matches first and sorting a few thousand is far cheaper.
        key = "s.last_activity_at" if many else spec.planner.unindexed("s.last_activity_at")
        direction = " DESC" if spec.descending else ""
        inner = (
            f"SELECT s.case_id, s.last_activity_at FROM {search.INDEX_TABLE} s{_where(clauses)} "
            f"ORDER BY {key}{direction}, s.case_id{window}"
        )
        sql = (
            f"SELECT {ROW_COLUMNS} FROM ({inner}) s JOIN cases c ON c.id = s.case_id {ROW_JOINS} "
            f"ORDER BY {_order(spec, index_line=True)}"
        )
        return sql, params
    if spec.sort == "client" and many and not _selective(spec):
        return _client_walk(spec, params, window)
    indexed = spec.sort in INDEXED_ORDERS
    by_status = _one_status_by_activity(spec)
    clauses = _filters(
        spec,
        "c",
        params,
        unindexed=indexed or spec.searching,
        status_indexed=by_status,
    )
    if spec.searching:
        if indexed and many:
            line = search.case_line_matches(spec.text, "c.id")
            assert line is not None
            clauses.append(line[0])
            params.update(line[1])
        else:
            clauses.append(f"c.id IN ({_matches(spec, params)})")
    order = _order(spec)
    if by_status:
        order = spec.planner.leading_order("c.status", spec.descending) + order
    return (
        f"SELECT {ROW_COLUMNS} FROM {ROW_FROM}{_where(clauses)} ORDER BY {order}{window}",
        params,
    )


def _one_status_by_activity(spec: ListSpec) -> bool:
    """One status, newest first, nobody's cases in particular: ``ix_cases_status_activity``
    gives that status's cases in order (closed cases are the oldest: walking the activity
    index would pass every open case first)."""
    return (
        spec.sort == "last_activity"
        and len(spec.statuses) == 1
        and not spec.searching
        and not _selective(spec)
    )


def _selective(spec: ListSpec) -> bool:
    """Whether a filter with an index of its own (a person's cases) picks out few cases."""
    return spec.volunteer is not None or spec.mine is not None or spec.worker is not None


def _client_walk(spec: ListSpec, params: dict[str, Any], window: str) -> tuple[str, dict[str, Any]]:
    """Many cases in client-name order: walk the people name index (``ix_people_name``) and
    each person's cases (``ix_cases_client_id``), testing the filters ("+": not by their
    index) and stopping after the page; only the ties (one client's cases, by id) are
    sorted. ``CROSS JOIN`` keeps people the outer loop. Sorting every match instead read the
    whole table: 150 ms for 44,780 open cases at 100,000."""
    clauses = _filters(spec, "c", params, unindexed=True)
    if spec.searching:
        line = search.case_line_matches(spec.text, "c.id")
        assert line is not None
        clauses.append(line[0])
        params.update(line[1])
    sql = (
        f"SELECT {ROW_COLUMNS} FROM people p {spec.planner.fixed_join} cases c ON c.client_id = p.id "
        f"{_NAME_JOINS}{_where(clauses)} ORDER BY {_order(spec)}{window}"
    )
    return sql, params


def all_ids(spec: ListSpec) -> tuple[str, dict[str, Any]]:
    """Every case id of the list, in list order."""
    params: dict[str, Any] = {}
    if spec.sort == "last_activity":
        clauses = _filters(spec, "s", params, unindexed=False)
        if spec.searching:
            clauses.append(_search_terms(spec, params, walk=False))
        # Walking the activity index avoids a sort of everything, but for a part of the
        # list, finding it first and sorting it is cheaper ("+" keeps the index out).
        key = "s.last_activity_at" if not clauses else spec.planner.unindexed("s.last_activity_at")
        direction = " DESC" if spec.descending else ""
        sql = (
            f"SELECT s.case_id FROM {search.INDEX_TABLE} s{_where(clauses)} "
            f"ORDER BY {key}{direction}, s.case_id"
        )
        return sql, params
    clauses = _filters(spec, "c", params, unindexed=spec.searching)
    if spec.searching:
        clauses.append(f"c.id IN ({_matches(spec, params)})")
    joins = ""
    if spec.sort == "client":
        joins = " JOIN people p ON p.id = c.client_id"
    elif spec.sort == "worker":
        joins = " LEFT JOIN users w ON w.id = c.worker_id"
    return f"SELECT c.id FROM cases c{joins}{_where(clauses)} ORDER BY {_order(spec)}", params


def rows_by_id(ids: list[str], volunteer: str | None) -> tuple[str, dict[str, Any]]:
    """The rows of these cases (any order), those a volunteer may not see left out."""
    params: dict[str, Any] = {}
    clauses = [_in("c.id", "id", tuple(ids), params)]
    if volunteer is not None:
        params["volunteer"] = volunteer
        clauses.append("(c.volunteer_id = :volunteer OR c.worker_id = :volunteer)")
    return f"SELECT {ROW_COLUMNS} FROM {ROW_FROM}{_where(clauses)}", params
