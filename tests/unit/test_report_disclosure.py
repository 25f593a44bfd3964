"""Disclosure control: no small count is published, and no hidden count can be worked back.

The audit is independent of the code under test: SciPy's ``linprog`` finds, for each hidden
cell, the smallest and largest value it could have given everything published (every
published cell, every published total, counts never negative). That range must be at least
the threshold wide.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from app.services.reports.disclosure import (
    CellStatus,
    Relation,
    hidden_ranges,
    protect,
    total_relation,
)

Key = tuple[str, int, int]


def audit(
    values: dict[Key, int], relations: Sequence[Relation[Key]], hidden: set[Key]
) -> dict[Key, tuple[float, float]]:
    """Each hidden cell's (min, max) by linear programming (inf when unbounded)."""
    cells = sorted(hidden)
    if not cells:
        return {}
    index = {c: i for i, c in enumerate(cells)}
    a_eq, b_eq = [], []
    for rel in relations:
        row = np.zeros(len(cells))
        rhs = 0.0
        for key, coef in rel.terms:
            if key in hidden:
                row[index[key]] += coef
            else:
                rhs -= coef * values[key]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    found = {}
    for cell in cells:
        c = np.zeros(len(cells))
        c[index[cell]] = 1.0
        if not a_eq:
            found[cell] = (0.0, float("inf"))
            continue
        low = linprog(c, A_eq=np.array(a_eq), b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-c, A_eq=np.array(a_eq), b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0
        top = float("inf") if high.status == 3 else -high.fun
        found[cell] = (low.fun, top)
    return found


def table(
    grid: list[list[int]], *, row_totals: bool, col_totals: bool
) -> tuple[dict[Key, int], list[Relation[Key]]]:
    """A table with optional published margins: ("c", r, c) cells, ("r", r, -1) row totals,
    ("k", -1, c) column totals, ("g", -1, -1) the grand total."""
    values: dict[Key, int] = {}
    relations: list[Relation[Key]] = []
    rows, cols = len(grid), len(grid[0])
    for r in range(rows):
        for c in range(cols):
            values[("c", r, c)] = grid[r][c]
    if row_totals:
        for r in range(rows):
            values[("r", r, -1)] = sum(grid[r])
            relations.append(total_relation(("r", r, -1), [("c", r, c) for c in range(cols)]))
    if col_totals:
        for c in range(cols):
            values[("k", -1, c)] = sum(grid[r][c] for r in range(rows))
            relations.append(total_relation(("k", -1, c), [("c", r, c) for r in range(rows)]))
    if row_totals or col_totals:
        values[("g", -1, -1)] = sum(map(sum, grid))
        parts = (
            [("r", r, -1) for r in range(rows)]
            if row_totals
            else [("k", -1, c) for c in range(cols)]
        )
        relations.append(total_relation(("g", -1, -1), parts))
        if row_totals and col_totals:
            relations.append(total_relation(("g", -1, -1), [("k", -1, c) for c in range(cols)]))
    return values, relations


def check(values: dict[Key, int], relations: list[Relation[Key]], k: int) -> None:
    status = protect(values, relations, k)
    assert set(status) == set(values)
    for key, value in values.items():
        if status[key] == CellStatus.PUBLISHED:
            assert not 0 < value < k, (key, value)
        if status[key] == CellStatus.SMALL:
            assert 0 < value < k
        if value == 0:
            assert status[key] == CellStatus.PUBLISHED  # zero stays zero
    hidden = {key for key, s in status.items() if s != CellStatus.PUBLISHED}
    for key, (low, high) in audit(values, relations, hidden).items():
        assert high - low >= k - 1e-6, (key, values[key], low, high)


counts = st.one_of(st.just(0), st.integers(1, 6), st.integers(1, 20), st.integers(5, 400))


@st.composite
def grids(draw: st.DrawFn, small_only: bool = False) -> list[list[int]]:
    shape = draw(st.sampled_from(["one_row", "one_column", "any"]))
    rows = 1 if shape == "one_row" else draw(st.integers(1, 5))
    cols = 1 if shape == "one_column" else draw(st.integers(1, 5))
    cell = st.integers(0, 4) if small_only else counts
    return [[draw(cell) for _ in range(cols)] for _ in range(rows)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=grids(), k=st.sampled_from([3, 5, 7]), margins=st.sampled_from(["rc", "r", "c"]))
def test_random_tables_are_protected(grid: list[list[int]], k: int, margins: str) -> None:
    values, relations = table(grid, row_totals="r" in margins, col_totals="c" in margins)
    check(values, relations, k)


@settings(max_examples=100, deadline=None)
@given(grid=grids(small_only=True), k=st.sampled_from([3, 5]))
def test_all_small_tables_are_protected(grid: list[list[int]], k: int) -> None:
    values, relations = table(grid, row_totals=True, col_totals=True)
    check(values, relations, k)


@settings(max_examples=150, deadline=None)
@given(
    start=st.lists(counts, min_size=1, max_size=3),
    opened=st.lists(counts, min_size=3, max_size=3),
    reasons=st.lists(st.lists(counts, min_size=3, max_size=3), min_size=1, max_size=4),
    k=st.sampled_from([3, 5]),
)
def test_caseload_flows_with_signed_relations_are_protected(
    start: list[int], opened: list[int], reasons: list[list[int]], k: int
) -> None:
    """open at start + opened - closed = open at end, closed = sum of reasons, per kind and
    for all kinds together; the kind of relation a quarter's caseload table publishes."""
    values: dict[Key, int] = {}
    relations: list[Relation[Key]] = []
    kinds = range(len(start))
    for kind in kinds:
        closed_by = [min(r[kind], start[kind] + opened[kind]) for r in reasons]
        closed = sum(closed_by)
        if closed > start[kind] + opened[kind]:
            closed_by = [0] * len(reasons)
            closed = 0
        values[("start", kind, 0)] = start[kind]
        values[("opened", kind, 0)] = opened[kind]
        values[("closed", kind, 0)] = closed
        values[("end", kind, 0)] = start[kind] + opened[kind] - closed
        for i, n in enumerate(closed_by):
            values[("reason", kind, i)] = n
        relations.append(
            Relation(
                (
                    (("start", kind, 0), 1),
                    (("opened", kind, 0), 1),
                    (("closed", kind, 0), -1),
                    (("end", kind, 0), -1),
                )
            )
        )
        relations.append(
            total_relation(("closed", kind, 0), [("reason", kind, i) for i in range(len(reasons))])
        )
    for measure in ("start", "opened", "closed", "end"):
        values[(measure, -1, 0)] = sum(values[(measure, kind, 0)] for kind in kinds)
        relations.append(total_relation((measure, -1, 0), [(measure, kind, 0) for kind in kinds]))
    check(values, relations, k)


def test_a_lone_small_cell_next_to_a_published_total_takes_a_partner() -> None:
    values, relations = table([[3, 40, 60]], row_totals=True, col_totals=False)
    status = protect(values, relations, 5)
    assert status[("c", 0, 0)] == CellStatus.SMALL
    assert status[("c", 0, 1)] == CellStatus.SECONDARY  # the smaller of the two helpers
    assert status[("c", 0, 2)] == CellStatus.PUBLISHED
    assert status[("r", 0, -1)] == CellStatus.PUBLISHED


def test_two_tiny_cells_are_not_enough_to_hide_each_other() -> None:
    # 1 and 1 under a published total of 102: each could only be 0, 1 or 2.
    values, relations = table([[1, 1, 100]], row_totals=True, col_totals=False)
    status = protect(values, relations, 5)
    assert status[("c", 0, 2)] == CellStatus.SECONDARY
    check(values, relations, 5)


def test_a_rectangle_with_one_narrow_corner_is_widened() -> None:
    # The classic 2x2 pattern whose corners can only move by min(1, 1000) + min(3, 1000) = 4.
    grid = [[1, 3, 50], [1000, 1000, 50], [50, 50, 50]]
    values, relations = table(grid, row_totals=True, col_totals=True)
    check(values, relations, 5)


def test_zero_stays_zero_and_nothing_else_changes_without_small_counts() -> None:
    values, relations = table([[0, 10], [20, 0]], row_totals=True, col_totals=True)
    assert set(protect(values, relations, 5).values()) == {CellStatus.PUBLISHED}


def test_the_exact_ranges_agree_with_scipy() -> None:
    values, relations = table([[3, 7, 40], [8, 2, 30]], row_totals=True, col_totals=True)
    status = protect(values, relations, 5)
    hidden = {k for k, s in status.items() if s != CellStatus.PUBLISHED}
    ours = hidden_ranges(values, relations, hidden)
    theirs = audit(values, relations, hidden)
    for key in hidden:
        low, high = ours[key]
        assert float(low) == pytest.approx(theirs[key][0])
        assert (float(high) if high is not None else float("inf")) == pytest.approx(theirs[key][1])
    assert all(isinstance(v[0], Fraction) for v in ours.values())


def test_relations_that_do_not_hold_are_refused() -> None:
    with pytest.raises(ValueError):
        protect({"a": 1, "b": 2, "t": 4}, [total_relation("t", ["a", "b"])], 5)
    with pytest.raises(ValueError):
        protect({"a": 1}, [], 2)
