"""Small-number suppression against a full attacker. Pure: no database, no context.

The rules (DESIGN.md §6 and §11, and the methodology note in every report):

* **Primary suppression.** A count from 1 to ``threshold - 1`` is shown as ``<threshold``,
  never as a number. A zero shown is a zero.
* **Secondary suppression.** Other counts are hidden as "*" where needed; a "*" may be any
  count — zeros are hidden where that helps, and a small count is shown as "*" rather than
  "<k" where "<k" itself would give something away (three "<5" parts of a "<5" total tell
  that the total is at least 3).

The attacker this protects against knows every published number, every earlier export of
the workspace (:class:`Earlier`), these rules, and every true relation between the numbers:
equalities (totals, flows, the trend, a year and its quarters) and inequalities (distinct
people across kinds and quarters, a sub-count at most its count). Against that attacker:

* every "<k" cell can still be each of 1 … k-1 — the attacker learns nothing beyond "<k";
* every "*" cell can still take values at least ``threshold`` apart (a small count shown
  as "*" can still be each of 1 … k-1 as well);
* a cell hidden by an earlier export keeps that protection — except where the earlier
  exports alone already fix it (:attr:`Protection.beyond_reach`): a year cell that is its
  published quarters plus one quarter's "<k" is exactly as vague as that "<k", no more.
  Such a cell is not passed off as a "*" (which promises values ``threshold`` apart): it is
  shown as the range the published numbers already fix (:attr:`CellStatus.RANGE`, for
  example 31–34), which says nothing a reader of the earlier exports cannot work out, and
  keeps the "<k" it depends on exactly as vague as "<k".
* a cell the earlier exports alone already keep from its promise (two quarters' "<k" make
  their year at least 2, so the year's "<k" can no longer be 1) keeps every value they leave
  it: this export may not narrow it further (:attr:`_Protector.goal`).

Where a cell falls short, a linear programme over every cell (:mod:`.lp`) finds the cheapest
published cells to hide so that it can reach the value it must (totals last, then small
counts' "<k"); they are hidden and the check repeats. Hiding more never narrows a range (a
hidden cell's possible values include its true one), so a cell found safe stays safe and
the loop ends.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

import numpy as np

from app.features.reports.services import lp

K = TypeVar("K", bound=Hashable)

#: The threshold may be raised by a coordinator, never set below this.
MIN_THRESHOLD = 3
DEFAULT_THRESHOLD = 5
#: Candidates tried (with an exact check each) before settling for the cheapest.
_CANDIDATES_TRIED = 8


class CellStatus(StrEnum):
    PUBLISHED = "published"
    SMALL = "small"  # 1 … threshold-1: shown as "<threshold"
    SECONDARY = "secondary"  # hidden so that a small count cannot be worked back
    RANGE = "range"  # shown as the range earlier exports already fix it to (low … high)


@dataclass(frozen=True)
class Relation(Generic[K]):
    """``sum(coefficient * value) == 0`` over ``terms`` (``<= 0`` when ``at_most``).

    ``total`` names the cell readers most want to keep (hidden last, when there is a choice).
    """

    terms: tuple[tuple[K, int], ...]
    total: K | None = None
    at_most: bool = False

    def cells(self) -> tuple[K, ...]:
        return tuple(key for key, _ in self.terms)


def total_relation(total: K, parts: Iterable[K]) -> Relation[K]:
    """``total == sum(parts)``."""
    return Relation(((total, 1), *((p, -1) for p in parts)), total=total)


def at_most(part: K, whole: K) -> Relation[K]:
    """``part <= whole``: a sub-count, or one kind's people among everyone's."""
    return Relation(((part, 1), (whole, -1)), at_most=True)


def distinct_total(total: K, parts: Sequence[K]) -> list[Relation[K]]:
    """Distinct people over overlapping groups: the largest part <= total <= sum of parts."""
    over = Relation(((total, 1), *((p, -1) for p in parts)), at_most=True)
    return [over, *(at_most(p, total) for p in parts)]


@dataclass(frozen=True)
class Earlier:
    """A cell as an earlier export of the workspace showed it: its true value then, its
    status and that export's threshold."""

    value: int
    status: CellStatus
    threshold: int
    #: For a cell shown as a range: its ends.
    bounds: tuple[int, int] | None = None


@dataclass(frozen=True)
class Protection(Generic[K]):
    """The statuses of this export's cells, and what the check could not achieve."""

    status: Mapping[K, CellStatus]
    #: Cells an earlier export already gave away (or left narrow): no hiding here helps.
    beyond_reach: frozenset[K] = field(default_factory=frozenset)
    #: For each cell shown as a range (:attr:`CellStatus.RANGE`): its ends.
    ranges: Mapping[K, tuple[int, int]] = field(default_factory=dict)


def protect(
    values: Mapping[K, int],
    relations: Sequence[Relation[K]],
    threshold: int,
    earlier: Mapping[K, Sequence[Earlier]] | None = None,
    start: Protection[K] | None = None,
) -> Protection[K]:
    """Decide which cells to publish. Every key of ``values`` gets a status.

    ``start``: a protection of the same cells to build on (cells it hides stay hidden), for
    example this report's protection on its own, so that only what earlier exports add is
    searched for again.

    ``earlier`` holds cells of earlier exports (one entry per export that showed the cell); a
    key also in ``values`` is the same count (the caller keeps the keys apart where the count
    has changed since).
    """
    if threshold < MIN_THRESHOLD:
        raise ValueError(f"threshold below {MIN_THRESHOLD}")
    known = {key: tuple(shown) for key, shown in (earlier or {}).items() if shown}
    _check(values, known, relations)
    return _Protector(values, relations, threshold, known).run(start)


def _check(
    values: Mapping[K, int],
    earlier: Mapping[K, tuple[Earlier, ...]],
    relations: Sequence[Relation[K]],
) -> None:
    truth = {**{k: e[0].value for k, e in earlier.items()}, **values}
    for key, value in truth.items():
        if value < 0:
            raise ValueError(f"negative count for {key!r}")
    for key, shown in earlier.items():
        if any(e.value != truth[key] for e in shown):
            raise ValueError(f"an earlier count differs for {key!r}")
    for rel in relations:
        missing = [k for k in rel.cells() if k not in truth]
        if missing:
            raise ValueError(f"relation refers to unknown cells {missing!r}")
        total = sum(coef * truth[k] for k, coef in rel.terms)
        if total > 0 or (total < 0 and not rel.at_most):
            raise ValueError(f"relation does not hold: {rel.terms!r}")


Range = tuple[int, int | None]  # lowest, highest (None: no limit)


def stated_range(
    status: CellStatus, value: int, threshold: int, bounds: tuple[int, int] | None = None
) -> Range:
    """What the status alone says of a cell (the published rules)."""
    if status == CellStatus.PUBLISHED:
        return value, value
    if status == CellStatus.SMALL:
        return 1, threshold - 1
    if status == CellStatus.RANGE and bounds is not None:
        return bounds
    return 0, None


def _meet(a: Range, b: Range) -> Range:
    high = a[1] if b[1] is None else b[1] if a[1] is None else min(a[1], b[1])
    return max(a[0], b[0]), high


def _add_relations(model: lp.Model, relations: Sequence[Relation[K]], col: Mapping[K, int]) -> None:
    """Each relation a row of ``model`` over the cells' columns ``col``."""
    for rel in relations:
        cols: dict[int, int] = {}
        for key, coef in rel.terms:
            cols[col[key]] = cols.get(col[key], 0) + coef
        model.add_row(-lp.INF if rel.at_most else 0.0, 0.0, list(cols), list(cols.values()))


class _Protector(Generic[K]):
    def __init__(
        self,
        values: Mapping[K, int],
        relations: Sequence[Relation[K]],
        threshold: int,
        earlier: dict[K, tuple[Earlier, ...]],
    ) -> None:
        self.values = values
        self.earlier = earlier
        self.truth = {**{k: e[0].value for k, e in earlier.items()}, **values}
        self.relations = [r for r in relations if len(r.terms) > 1]
        self.k = threshold
        self.order = {key: i for i, key in enumerate(self.truth)}
        self.totals = {r.total for r in self.relations if r.total is not None}
        self.touching: dict[K, list[int]] = {}
        for i, rel in enumerate(self.relations):
            for key in set(rel.cells()):
                self.touching.setdefault(key, []).append(i)
        self.primary = {key for key, v in values.items() if 0 < v < threshold}
        #: Small cells shown as "*" rather than "<k" (see :meth:`_Model.helpers`).
        self.demoted: set[K] = set()
        self.seen_before = {key for key in values if key in earlier}
        self.published_before = {
            key
            for key in self.seen_before
            if any(e.status == CellStatus.PUBLISHED for e in earlier[key])
        }
        #: Cells the earlier exports alone already keep from their promise: each is kept as
        #: vague as those exports leave it (this range), no vaguer is possible, no less is
        #: allowed.
        self.goal: dict[K, Range] = {}
        self._baseline: lp.Model | None = None
        self._baselines: dict[K, Range] = {}

    # -- what the attacker knows of a cell, given the cells hidden in this export --------

    def known(self, key: K, hidden: set[K]) -> Range:
        found: Range = (0, None)
        if key in self.values:
            v = self.values[key]
            if key not in hidden:
                found = (v, v)
            else:
                shown_small = key in self.primary and key not in self.demoted
                found = stated_range(
                    CellStatus.SMALL if shown_small else CellStatus.SECONDARY, v, self.k
                )
        return _meet(found, self.told_before(key))

    def told_before(self, key: K) -> Range:
        """What the earlier exports' statuses alone say of ``key``."""
        found: Range = (0, None)
        for e in self.earlier.get(key, ()):
            found = _meet(found, stated_range(e.status, e.value, e.threshold, e.bounds))
        return found

    def width_needed(self, key: K) -> int:
        ks = [self.k] if key in self.values else []
        ks.extend(e.threshold for e in self.earlier.get(key, ()))
        return max(ks)

    # -- the search ----------------------------------------------------------------------

    def run(self, start: Protection[K] | None = None) -> Protection[K]:
        hidden = set(self.primary)
        # Hidden before: publishing it now would give it away.
        hidden |= self.seen_before - self.published_before
        # A small count an earlier export showed as "*" stays "*": "<k" now would tell what that
        # export withheld (a quarter's "*" among "<k" parts, then "<k" in the next one's trend).
        for key in self.primary & self.seen_before:
            if any(e.status == CellStatus.SECONDARY for e in self.earlier[key]):
                self.demoted.add(key)
        if start is not None:
            for key, before in start.status.items():
                if before == CellStatus.SECONDARY and key not in self.published_before:
                    hidden.add(key)
                    if key in self.primary:
                        self.demoted.add(key)
        model = _Model(self, hidden)
        beyond: set[K] = set()
        safe: set[K] = set()  # hiding more only widens what is known: safe stays safe
        todo = [key for key in self.truth if self._variable(key, hidden)]
        while todo:
            key = todo.pop(0)
            if key in safe or key in beyond:
                continue
            sides = model.narrow_side(key)
            if sides is None:
                safe.add(key)
                continue
            helpers: list[K] = []
            for side in sides:
                helpers = model.helpers(key, side)
                if helpers:
                    break
            if not helpers:  # not from here: first towards what earlier exports leave open
                helpers = model.toward(key, self.baseline(key))
            if not helpers:
                if key not in self.goal and self._settle_for_baseline(key):
                    todo.insert(0, key)  # keep at least what earlier exports left of it
                else:
                    beyond.add(key)
                continue
            for helper in helpers:
                if helper in self.primary:
                    self.demoted.add(helper)
                    safe.discard(helper)  # "*" for a small count promises more: check again
                hidden.add(helper)
                model.update(helper)
                todo.append(helper)
            todo.insert(0, key)
        beyond |= set(self.goal)
        beyond |= {key for key in self.primary if not self._variable(key, hidden)}
        # A hidden cell that earlier exports already fix exactly (a zero that the quarters'
        # zeros add up to, a caseload another report published) tells nothing when shown.
        for key in sorted(beyond - self.primary, key=self.order.__getitem__):
            if key in self.values and key in hidden and model.pinned(key):
                hidden.discard(key)
                beyond.discard(key)
        # A hidden cell that they fix to fewer values than a "*" promises: shown as that
        # range. Worked out from published numbers only, so it adds nothing to them.
        ranges: dict[K, tuple[int, int]] = {}
        for key in beyond - self.primary:
            if key in self.values and key in hidden:
                j = model.col[key]
                low, high = (
                    model.model.extreme(j, upward=False),
                    model.model.extreme(j, upward=True),
                )
                if low is not None and high is not None and high - low < self.width_needed(key):
                    ranges[key] = (int(low), int(high))
        status = {
            key: CellStatus.SMALL
            if key in self.primary and key not in self.demoted
            else CellStatus.RANGE
            if key in ranges
            else CellStatus.SECONDARY
            if key in hidden
            else CellStatus.PUBLISHED
            for key in self.values
        }
        return Protection(status, frozenset(beyond), ranges)

    def baseline(self, key: K) -> Range:
        """What the earlier exports alone (with the relations) tell of ``key``: this
        export's cells taken as unknown counts."""
        found = self._baselines.get(key)
        if found is not None:
            return found
        if self._baseline is None:
            self._baseline = lp.Model(len(self.order))
            _add_relations(self._baseline, self.relations, self.order)
            for c in self.earlier:
                self._baseline.set_bounds(self.order[c], *self.told_before(c))
        j = self.order[key]
        low = self._baseline.extreme(j, upward=False)
        high = self._baseline.extreme(j, upward=True)
        found = self._baselines[key] = (int(low or 0), None if high is None else int(high))
        return found

    def _settle_for_baseline(self, key: K) -> bool:
        """Where no hiding gives ``key`` what its status promises, because the earlier
        exports already narrowed it (two quarters' "<k" make their year at least 2): aim for
        the range they leave instead. False if they do not narrow it (nothing to settle for)."""
        own = self.known(key, {key})  # its own status's range and earlier exports'
        low, high = _meet(self.baseline(key), own)
        if own[1] is not None:
            narrowed = (low, high) != own
        elif key in self.primary:  # a small count shown as "*": each of 1 … k-1 promised
            narrowed = low > 1 or (high is not None and high < self.k - 1)
        else:
            narrowed = high is not None and high - low < self.width_needed(key)
        if narrowed:
            self.goal[key] = (low, high)
        return narrowed

    def candidate(self, key: K, hidden: set[K]) -> bool:
        """Whether ``key`` could still be hidden (or, if small, shown as "*")."""
        if key not in self.values or key in self.seen_before or key in self.demoted:
            return False
        return key not in hidden or key in self.primary

    def weight(self, key: K) -> float:
        """What hiding ``key`` costs: totals are kept where there is a choice, zeros are
        hidden rather than totals, and a small count loses its "<k" last."""
        if key in self.primary:
            return 20.0
        return 10.0 if key in self.totals else 2.0 if self.values[key] == 0 else 1.0

    def _variable(self, key: K, hidden: set[K]) -> bool:
        low, high = self.known(key, hidden)
        return high is None or high > low


class _Model(Generic[K]):
    """Every cell a column (bounded by what is known of it), every relation a row; and for
    each cell that could be hidden, two more columns (up, down) and a row
    ``x - up + down = value`` that let the search ask which cells must move."""

    def __init__(self, owner: _Protector[K], hidden: set[K]) -> None:
        self.owner = owner
        self.hidden = hidden
        self.cells = list(owner.truth)
        self.col = {key: j for j, key in enumerate(self.cells)}
        self.movable = [key for key in self.cells if owner.candidate(key, hidden)]
        n = len(self.cells)
        self.model = lp.Model(n + 2 * len(self.movable), whole_columns=n)
        _add_relations(self.model, owner.relations, self.col)
        self.move_col: dict[K, int] = {}
        for i, key in enumerate(self.movable):
            up, down = n + 2 * i, n + 2 * i + 1
            self.move_col[key] = up
            # x - up + down is the value (for a small one: anything "<k" allows), so up and
            # down say how far x must leave what it is known to be
            v = float(owner.truth[key])
            low, high = (1.0, float(owner.k - 1)) if key in owner.primary else (v, v)
            self.model.add_row(low, high, [self.col[key], up, down], [1, -1, 1])
        for key in self.cells:
            self.update(key)
        # The lowest and highest value each count took in a feasible point met so far. During
        # a search the model only grows (hiding more widens what is known), so a point found
        # once stays feasible, and a count seen at both ends of its range needs no question.
        self.seen_low = np.full(n, np.inf)
        self.seen_high = np.full(n, -np.inf)

    def _extreme(self, key: K, upward: bool) -> float | None:
        value, x = self.model.extreme_and_point(self.col[key], upward=upward)
        if len(x):
            counts = x[: len(self.cells)]
            np.minimum(self.seen_low, counts, out=self.seen_low)
            np.maximum(self.seen_high, counts, out=self.seen_high)
        return value

    def _seen_protected(self, key: K, low: int, high: int | None) -> bool:
        """Whether points met already show that ``key`` keeps its protection (what
        :meth:`narrow_side` would find by solving)."""
        j = self.col[key]
        seen_low, seen_high = float(self.seen_low[j]), float(self.seen_high[j])
        if not math.isfinite(seen_low) or not math.isfinite(seen_high):
            return False
        if high is not None:
            return seen_low <= low + 1e-6 and seen_high >= high - 1e-6
        if key in self.owner.demoted and seen_low > 1 + 1e-6:
            return False
        reach = math.floor(seen_high + 1e-6) - math.ceil(seen_low - 1e-6)
        return reach >= self.owner.width_needed(key)

    def update(self, key: K) -> None:
        low, high = self.owner.known(key, self.hidden)
        self.model.set_bounds(self.col[key], low, high)
        up = self.move_col.get(key)
        if up is not None:
            # hidden as "*": x may be anything its bounds allow
            free = key in self.hidden and (
                key in self.owner.demoted or key not in self.owner.primary
            )
            self.model.set_bounds(up, 0, None if free else 0)
            self.model.set_bounds(up + 1, 0, None if free else 0)

    def narrow_side(self, key: K) -> list[tuple[int | None, int | None]] | None:
        """None when ``key`` keeps its protection; else the bounds (low, high) it could be
        made to reach for that, in the order to try them."""
        goal = self.owner.goal.get(key)
        if goal is not None:
            return self._short_of(key, goal)
        low, high = self.owner.known(key, self.hidden)
        if self._seen_protected(key, low, high):
            return None
        lowest = self._extreme(key, upward=False)
        assert lowest is not None
        if high is not None:
            if lowest > low:
                return [(None, low)]
            highest = self._extreme(key, upward=True)
            if highest is not None and highest < high:
                return [(high, None)]
            return None
        if key in self.owner.demoted and lowest > 1:
            return [(None, 1)]  # shown as "*", yet still as vague as "<k" would be
        highest = self._extreme(key, upward=True)
        width = self.owner.width_needed(key)
        if highest is None or highest - lowest >= width:
            return None
        sides: list[tuple[int | None, int | None]] = [(int(lowest) + width, None)]
        if highest - width >= low:
            sides.append((None, int(highest) - width))
        return sides

    def toward(self, key: K, reach: Range) -> list[K]:
        """Cells to hide so that ``key`` reaches an end of ``reach`` (what the earlier exports
        leave of it) it cannot reach now; nothing if it reaches both or cannot."""
        low, high = reach
        lowest = self._extreme(key, upward=False)
        if lowest is not None and lowest > low:
            found = self.helpers(key, (None, low))
            if found:
                return found
        highest = self._extreme(key, upward=True)
        if high is not None and highest is not None and highest < high:
            return self.helpers(key, (high, None))
        return []

    def _short_of(self, key: K, goal: Range) -> list[tuple[int | None, int | None]] | None:
        """For a cell kept to what earlier exports leave of it: the end of ``goal`` it
        cannot reach now, or None."""
        low, high = goal
        lowest = self._extreme(key, upward=False)
        if lowest is not None and lowest > low:
            return [(None, low)]
        highest = self._extreme(key, upward=True)
        if high is None:  # as a "*": each of 1 … k-1 for a small count, else k values
            reach = (
                max(low, self.owner.k - 1)
                if key in self.owner.primary
                else low + self.owner.width_needed(key)
            )
            return None if highest is None or highest >= reach else [(reach, None)]
        if highest is not None and highest < high:
            return [(high, None)]
        return None

    def pinned(self, key: K) -> bool:
        j = self.col[key]
        return self.model.extreme(j, upward=False) == self.model.extreme(j, upward=True)

    def helpers(self, key: K, side: tuple[int | None, int | None]) -> list[K]:
        """The published cells that must be hidden so that ``key`` can reach ``side``: the
        cheapest way (by linear programming) to move published cells so it does."""
        j = self.col[key]
        free = [c for c in self.movable if c != key and self.owner.candidate(c, self.hidden)]
        if not free:
            return []
        low, high = self.owner.known(key, self.hidden)
        want_low, want_high = side
        self.model.set_bounds(
            j, low if want_low is None else want_low, want_high if want_high is not None else high
        )
        costs: dict[int, float] = {}
        for c in free:
            self.model.set_bounds(self.col[c], 0, None)
            up = self.move_col[c]
            self.model.set_bounds(up, 0, None)
            self.model.set_bounds(up + 1, 0, None)
            costs[up] = costs[up + 1] = self.owner.weight(c)
        try:
            answer, x = self.model.minimise(costs)
        finally:
            for c in free:
                self.update(c)
            self.update(key)
        if not answer.feasible:
            return []
        moved = [c for c in free if x[self.move_col[c]] + x[self.move_col[c] + 1] > 1e-6]
        if moved:
            return moved
        # The programme moved nothing: only whole numbers were missing. Hide the cheapest
        # cell sharing a relation with ``key``.
        near = [
            c
            for i in self.owner.touching.get(key, ())
            for c in self.owner.relations[i].cells()
            if c in free
        ]
        pool = near or free
        return [min(pool, key=lambda c: (self.owner.weight(c), self.owner.truth[c]))]
