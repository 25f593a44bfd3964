"""A small exact simplex method, for the disclosure check: how far can a hidden cell move?

Problems have the form ``A x = b, x >= 0`` with small integer data (coefficients ±1,
counts). The tableau is kept in integers: each row stands for itself times any positive
number, so a pivot is ``a * row - f * pivot_row`` followed by dividing out the row's gcd.
That is exact (no rounding can misjudge a bound) and several times faster than
:class:`~fractions.Fraction`. Bland's rule prevents cycling on the many degenerate vertices
that zero cells produce. Pure: no database, no context.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

Row = list[int]


def _normalise(row: Row) -> Row:
    g = math.gcd(*row)
    return [v // g for v in row] if g > 1 else row


@dataclass
class Basis:
    """A feasible basic solution in tableau form. Row ``r`` is ``[a | b]`` scaled so that
    its basic variable ``basic[r]`` has a positive coefficient."""

    rows: list[Row]
    basic: list[int]
    columns: int

    def copy(self) -> Basis:
        return Basis([list(r) for r in self.rows], list(self.basic), self.columns)

    def value(self, column: int) -> Fraction:
        for r, b in enumerate(self.basic):
            if b == column:
                return Fraction(self.rows[r][-1], self.rows[r][b])
        return Fraction(0)


class _Objective:
    """The reduced-cost row ``z / scale`` (``scale > 0``); ``-z[-1] / scale`` is the value."""

    def __init__(self, cost: Sequence[int], basis: Basis) -> None:
        self.z = [*cost, 0]
        self.scale = 1
        for r, b in enumerate(basis.basic):
            if self.z[b]:
                self.eliminate(basis.rows[r], b)

    def eliminate(self, row: Row, column: int) -> None:
        a, f = row[column], self.z[column]
        self.z = [a * zv - f * rv for zv, rv in zip(self.z, row, strict=True)]
        self.scale *= a
        g = math.gcd(self.scale, *self.z)
        if g > 1:
            self.z = [v // g for v in self.z]
            self.scale //= g

    @property
    def value(self) -> Fraction:
        return Fraction(-self.z[-1], self.scale)


def _pivot(basis: Basis, objective: _Objective | None, r: int, c: int) -> None:
    rows = basis.rows
    pivot_row = _normalise(rows[r])
    rows[r] = pivot_row
    a = pivot_row[c]
    for i, row in enumerate(rows):
        f = row[c]
        if i != r and f:
            rows[i] = _normalise([a * v - f * p for v, p in zip(row, pivot_row, strict=True)])
    if objective is not None and objective.z[c]:
        objective.eliminate(pivot_row, c)
    basis.basic[r] = c


def _minimise(
    basis: Basis,
    objective: _Objective,
    columns: int,
    stop: Callable[[Fraction], bool] | None = None,
) -> Fraction | None:
    """Minimise from a feasible basis; ``None`` when unbounded below. ``stop`` ends the search
    as soon as the objective is good enough for the caller."""
    rows = basis.rows
    while True:
        if stop is not None and stop(objective.value):
            return objective.value
        in_basis = set(basis.basic)
        z = objective.z
        entering = next((j for j in range(columns) if z[j] < 0 and j not in in_basis), -1)
        if entering < 0:
            return objective.value
        leave = -1
        for r, row in enumerate(rows):
            a = row[entering]
            if a <= 0:
                continue
            if leave < 0:
                leave = r
                continue
            best = rows[leave]
            # row[-1] / a  vs  best[-1] / best[entering], by cross-multiplying (both > 0)
            lhs, rhs = row[-1] * best[entering], best[-1] * a
            if lhs < rhs or (lhs == rhs and basis.basic[r] < basis.basic[leave]):
                leave = r
        if leave < 0:
            return None
        _pivot(basis, objective, leave, entering)


def feasible_basis(matrix: Sequence[Sequence[int]], rhs: Sequence[int]) -> Basis | None:
    """Phase one: a feasible basis of ``matrix · x = rhs, x >= 0``, or ``None`` if infeasible."""
    n = len(matrix[0]) if matrix else 0
    m = len(matrix)
    rows: list[Row] = []
    for i, (coefficients, b) in enumerate(zip(matrix, rhs, strict=True)):
        sign = -1 if b < 0 else 1
        row = [sign * a for a in coefficients]
        row += [1 if k == i else 0 for k in range(m)]
        row.append(sign * b)
        rows.append(row)
    basis = Basis(rows, [n + i for i in range(m)], n + m)
    objective = _Objective([0] * n + [1] * m, basis)
    best = _minimise(basis, objective, n + m)
    if best is None or best != 0:
        return None
    # Drive artificial variables (all at zero now) out of the basis; drop redundant rows.
    r = 0
    while r < len(basis.rows):
        row = basis.rows[r]
        if basis.basic[r] >= n:
            column = next((j for j in range(n) if row[j]), -1)
            if column < 0:
                del basis.rows[r]
                del basis.basic[r]
                continue
            if row[column] < 0:  # its right-hand side is 0, so the sign is free
                basis.rows[r] = [-v for v in row]
            _pivot(basis, None, r, column)
        r += 1
    return Basis([[*row[:n], row[-1]] for row in basis.rows], basis.basic, n)


def bounds(
    basis: Basis, column: int, *, wide_enough: Fraction | None = None
) -> tuple[Fraction, Fraction | None]:
    """The smallest and largest value of ``x[column]`` (``None``: no upper bound).

    With ``wide_enough``, the search stops as soon as the range is known to be at least that
    wide; the pair returned is then a feasible inner range, not the extremes.
    """
    n = basis.columns
    current = basis.value(column)
    up = basis.copy()
    cost = [0] * n
    cost[column] = -1
    stop_up = None if wide_enough is None else (lambda v: -v >= current + wide_enough)
    neg_high = _minimise(up, _Objective(cost, up), n, stop_up)
    high = None if neg_high is None else -neg_high
    if high is None and wide_enough is not None:
        return current, None  # unbounded above: as wide as anyone could ask
    down = basis.copy()
    cost[column] = 1
    stop_down = None
    if wide_enough is not None and high is not None:
        target = high - wide_enough
        stop_down = lambda v: v <= target  # noqa: E731 - a one-line predicate
    low = _minimise(down, _Objective(cost, down), n, stop_down)
    assert low is not None  # x >= 0 bounds every variable below
    return low, high
