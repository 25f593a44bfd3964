"""The linear programmes of the disclosure check, solved by HiGHS (``highspy``, MIT).

One model holds every count of a summary (and of the earlier exports it is checked with)
as a column, every relation as a row. What a reader knows of a count is its column's bounds;
a question ("how high can this hidden count be?") is a cost on one column. HiGHS re-solves
from the last basis, so the many small questions of one summary cost milliseconds each.

Counts are whole numbers: an end of a range is the linear programme's, rounded inwards where
it is not whole (see :meth:`Model.extreme`). A mixed-integer search was tried and dropped: on
a year checked with its four quarters it ran for minutes. The tests' attacker answers over
whole numbers (SciPy ``milp``) and finds nothing the rounding missed.

Pure: no database, no context.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

INF = highspy.kHighsInf
_EPS = 1e-6
_made_one = threading.Lock()
_quiet = [False]


def _new_highs() -> highspy.Highs:
    """A silent solver. HiGHS prints a banner on standard output when the first solver of
    the process is made; the CLI's standard output is for the user, so the banner goes to
    the null device (once, under a lock)."""
    with _made_one:
        if _quiet[0]:
            h = highspy.Highs()  # type: ignore[no-untyped-call]
        else:
            saved = os.dup(1)
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, 1)
                h = highspy.Highs()  # type: ignore[no-untyped-call]
            finally:
                os.dup2(saved, 1)
                os.close(null)
                os.close(saved)
            _quiet[0] = True
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("presolve", "off")  # each question starts from the last basis
    return h


@dataclass(frozen=True)
class Answer:
    value: float | None  # None: unbounded (or infeasible, see ``feasible``)
    whole: bool  # every count column of the solution is a whole number
    feasible: bool = True


class Model:
    """Columns 0 … n-1 are counts; more columns may be added (with their own bounds)."""

    def __init__(self, columns: int, whole_columns: int | None = None) -> None:
        self.h = _new_highs()
        self.n = columns
        self.whole = columns if whole_columns is None else whole_columns
        lower = np.zeros(columns)
        upper = np.full(columns, INF)
        self.h.addVars(columns, lower, upper)
        self.lower = lower
        self.upper = upper
        self.costed: dict[int, float] = {}  # the columns with a cost now

    def add_row(
        self, low: float, high: float, columns: Sequence[int], coefs: Sequence[int]
    ) -> None:
        self.h.addRow(
            low, high, len(columns), np.array(columns, dtype=np.int32), np.array(coefs, float)
        )

    def set_bounds(self, column: int, low: float, high: float | None) -> None:
        up = INF if high is None else float(high)
        if self.lower[column] == low and self.upper[column] == up:
            return
        self.lower[column] = low
        self.upper[column] = up
        self.h.changeColBounds(column, float(low), up)

    def set_costs(self, costs: dict[int, float]) -> None:
        for j in [j for j in self.costed if j not in costs]:
            self.h.changeColCost(j, 0.0)
            del self.costed[j]
        for j, c in costs.items():
            if self.costed.get(j) != c:
                self.h.changeColCost(j, float(c))
                self.costed[j] = c

    def minimise(
        self, costs: dict[int, float], *, solution: bool = True
    ) -> tuple[Answer, np.ndarray]:
        """Minimise the cost; the solution's columns too when ``solution``."""
        self.set_costs(costs)
        self.h.run()
        status = self.h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return Answer(None, False, feasible=False), np.zeros(0)
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return Answer(None, True), np.zeros(0)
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the disclosure check's solver stopped: {status}")
        value = float(self.h.getInfo().objective_function_value)
        if not solution:
            return Answer(value, False), np.zeros(0)
        x = np.array(self.h.getSolution().col_value)
        counts = x[: self.whole]
        is_whole = bool(np.all(np.abs(counts - np.round(counts)) <= _EPS))
        return Answer(value, is_whole), x

    def extreme(self, column: int, *, upward: bool) -> float | None:
        return self.extreme_and_point(column, upward=upward)[0]

    def extreme_and_point(self, column: int, *, upward: bool) -> tuple[float | None, np.ndarray]:
        """:meth:`extreme`, and the feasible point that reaches it (empty if unbounded): its
        other columns are values each count can take too."""
        """The highest (``upward``) or lowest whole value of a column; None if unbounded.

        From the linear programme: exact when its solution is whole (then no whole solution
        does better); otherwise rounded inwards (the whole-number answer lies at or inside
        that, and in these near-network systems the rounded value is reached). The tests'
        integer-programming attacker checks the whole-number ranges."""
        sign = -1.0 if upward else 1.0
        answer, x = self.minimise({column: sign})
        if not answer.feasible:
            raise RuntimeError("disclosure check found no feasible solution")
        if answer.value is None:
            return None, x
        value = sign * answer.value
        return (math.floor(value + _EPS) if upward else math.ceil(value - _EPS)), x
