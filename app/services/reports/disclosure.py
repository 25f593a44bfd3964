"""Small-number suppression with exact secondary suppression. Pure: no database, no context.

The rules (DESIGN.md §6, and the methodology note in every report):

* **Primary suppression.** A count from 1 to ``threshold - 1`` is never published; it is
  shown as ``<threshold``. Zero stays zero.
* **Secondary suppression.** Published numbers are tied together by linear relations
  (a total is the sum of its parts; cases open at the start, plus opened, minus closed, are
  the cases open at the end). For every hidden cell, the range of values it could take —
  given every published number, every relation and that counts are never negative — must be
  at least ``threshold`` wide. Where it is not, one more cell is hidden (the smallest
  non-total that helps) and the check repeats.

The check is exact: each group of hidden cells linked by relations is a small linear
programme, solved with rational arithmetic (:mod:`.simplex`). Hiding more never narrows a
range, so the loop ends, at the latest when every non-zero cell of a group is hidden (then
every hidden cell can grow without bound).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Generic, TypeVar

from app.services.reports import simplex

K = TypeVar("K", bound=Hashable)

#: The threshold may be raised by a coordinator, never set below this.
MIN_THRESHOLD = 3
DEFAULT_THRESHOLD = 5
#: Candidates tried (with an exact check each) before settling for the best partial help.
_CANDIDATES_TRIED = 12


class CellStatus(StrEnum):
    PUBLISHED = "published"
    SMALL = "small"  # 1 … threshold-1: shown as "<threshold"
    SECONDARY = "secondary"  # hidden so that a small count cannot be worked back


@dataclass(frozen=True)
class Relation(Generic[K]):
    """``sum(coefficient * value) == 0`` over ``terms``.

    ``total`` names the cell readers most want to keep (hidden last, when there is a choice).
    """

    terms: tuple[tuple[K, int], ...]
    total: K | None = None

    def cells(self) -> tuple[K, ...]:
        return tuple(key for key, _ in self.terms)


def total_relation(total: K, parts: Iterable[K]) -> Relation[K]:
    """``total == sum(parts)``."""
    return Relation(((total, 1), *((p, -1) for p in parts)), total=total)


def protect(
    values: Mapping[K, int], relations: Sequence[Relation[K]], threshold: int
) -> dict[K, CellStatus]:
    """Decide which cells to publish. Every key of ``values`` gets a status."""
    if threshold < MIN_THRESHOLD:
        raise ValueError(f"threshold below {MIN_THRESHOLD}")
    _check(values, relations)
    return _Protector(values, relations, threshold).run()


def hidden_ranges(
    values: Mapping[K, int], relations: Sequence[Relation[K]], hidden: Iterable[K]
) -> dict[K, tuple[Fraction, Fraction | None]]:
    """What someone holding every published number could know of each hidden cell:
    ``(lowest, highest)``, ``None`` for no upper limit."""
    hidden_set = set(hidden)
    finder = _Protector(values, relations, MIN_THRESHOLD)
    found: dict[K, tuple[Fraction, Fraction | None]] = {}
    for key in hidden_set:
        if key in found:
            continue
        cells, rels = finder.component(key, hidden_set)
        basis = finder.basis(cells, rels, hidden_set)
        for i, cell in enumerate(cells):
            found[cell] = simplex.bounds(basis, i)
    return found


def _check(values: Mapping[K, int], relations: Sequence[Relation[K]]) -> None:
    for key, value in values.items():
        if value < 0:
            raise ValueError(f"negative count for {key!r}")
    for rel in relations:
        missing = [k for k in rel.cells() if k not in values]
        if missing:
            raise ValueError(f"relation refers to unknown cells {missing!r}")
        if sum(coef * values[k] for k, coef in rel.terms) != 0:
            raise ValueError(f"relation does not hold: {rel.terms!r}")


class _Protector(Generic[K]):
    def __init__(
        self, values: Mapping[K, int], relations: Sequence[Relation[K]], threshold: int
    ) -> None:
        self.values = values
        self.relations = [r for r in relations if len(r.terms) > 1]
        self.k = threshold
        self.order = {key: i for i, key in enumerate(values)}
        self.totals = {r.total for r in self.relations if r.total is not None}
        self.touching: dict[K, list[int]] = {}
        for i, rel in enumerate(self.relations):
            for key in set(rel.cells()):
                self.touching.setdefault(key, []).append(i)

    def run(self) -> dict[K, CellStatus]:
        primary = {key for key, v in self.values.items() if 0 < v < self.k}
        hidden = set(primary)
        self._line_rule(hidden)
        self._exact(hidden)
        return {
            key: CellStatus.SMALL
            if key in primary
            else CellStatus.SECONDARY
            if key in hidden
            else CellStatus.PUBLISHED
            for key in self.values
        }

    def _cost(self, key: K) -> tuple[int, int, int]:
        return (1 if key in self.totals else 0, self.values[key], self.order[key])

    def _line_rule(self, hidden: set[K]) -> None:
        """The cheap part: no relation may hold exactly one hidden cell."""
        pending = list(range(len(self.relations)))
        while pending:
            rel = self.relations[pending.pop()]
            cells = set(rel.cells())
            if len(cells & hidden) != 1:
                continue
            candidates = [c for c in cells if c not in hidden and self.values[c] > 0]
            if not candidates:
                continue
            chosen = min(candidates, key=self._cost)
            hidden.add(chosen)
            pending.extend(self.touching.get(chosen, ()))

    def component(self, start: K, hidden: set[K]) -> tuple[list[K], list[Relation[K]]]:
        """The hidden cells linked to ``start`` through relations, and those relations."""
        cells, rel_ids, queue = {start}, set(), [start]
        while queue:
            key = queue.pop()
            for i in self.touching.get(key, ()):
                if i in rel_ids:
                    continue
                rel_ids.add(i)
                for other in self.relations[i].cells():
                    if other in hidden and other not in cells:
                        cells.add(other)
                        queue.append(other)
        ordered = sorted(cells, key=self.order.__getitem__)
        return ordered, [self.relations[i] for i in sorted(rel_ids)]

    def basis(self, cells: list[K], rels: list[Relation[K]], hidden: set[K]) -> simplex.Basis:
        index = {key: i for i, key in enumerate(cells)}
        matrix, rhs = [], []
        for rel in rels:
            row = [0] * len(cells)
            b = 0
            for key, coef in rel.terms:
                if key in hidden:
                    row[index[key]] += coef
                else:
                    b -= coef * self.values[key]
            matrix.append(row)
            rhs.append(b)
        found = simplex.feasible_basis(matrix, rhs)
        if found is None:  # the true values are a solution, so this is a bug
            raise RuntimeError("disclosure check found no feasible solution")
        return found

    def _width(self, basis: simplex.Basis, cells: list[K], key: K) -> tuple[bool, Fraction | None]:
        low, high = simplex.bounds(basis, cells.index(key), wide_enough=Fraction(self.k))
        if high is None:
            return True, None
        return high - low >= self.k, high - low

    def _width_ok(self, key: K, hidden: set[K]) -> tuple[bool, Fraction | None]:
        cells, rels = self.component(key, hidden)
        if not rels:
            return True, None
        return self._width(self.basis(cells, rels, hidden), cells, key)

    def _exact(self, hidden: set[K]) -> None:
        safe: set[K] = set()  # hiding more never narrows a range: once safe, always safe
        while True:
            narrow = self._first_narrow(hidden, safe)
            if narrow is None:
                return
            hidden.add(self._helper_for(narrow, hidden))

    def _first_narrow(self, hidden: set[K], safe: set[K]) -> K | None:
        seen: set[K] = set()
        for key in sorted(hidden - safe, key=self.order.__getitem__):
            if key in seen:
                continue
            cells, rels = self.component(key, hidden)
            seen.update(cells)
            if not rels:
                safe.update(cells)
                continue
            basis = self.basis(cells, rels, hidden)  # one phase one for the whole group
            for cell in cells:
                if cell in safe:
                    continue
                ok, _ = self._width(basis, cells, cell)
                if not ok:
                    return cell
                safe.add(cell)
        return None

    def _helper_for(self, key: K, hidden: set[K]) -> K:
        """The published cell whose hiding widens ``key``'s range the most cheaply."""
        _, rels = self.component(key, hidden)
        near = {c for i in self.touching.get(key, ()) for c in self.relations[i].cells()}
        candidates = sorted(
            {c for rel in rels for c in rel.cells() if c not in hidden and self.values[c] > 0},
            key=lambda c: (0 if c in near else 1, *self._cost(c)),
        )
        if not candidates:
            raise RuntimeError("no cell left to hide")
        best, best_width = candidates[0], Fraction(-1)
        for candidate in candidates[:_CANDIDATES_TRIED]:
            ok, width = self._width_ok(key, hidden | {candidate})
            if ok:
                return candidate
            if width is not None and width > best_width:
                best, best_width = candidate, width
        return best
