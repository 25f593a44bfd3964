"""What earlier exports published, kept with each export record, and what it ties together.

Each export records its figure set (:func:`record`): the period, threshold, merged
categories and, for every count, its value and how it was shown. Aggregates only — no
person, date or text. A new summary reads the earlier sets back (:func:`parse`) and
:func:`combine` turns them into what a reader holding all of them knows:

* a count shown by an earlier export is the same unknown as this one's when its true value
  is unchanged (otherwise it is a separate unknown: the data changed since);
* each earlier export's own relations hold among its counts;
* reports of different periods are tied together: a year's events are the sum of its
  quarters' (the breakdowns too), its people at least each quarter's and at most their sum,
  its caseload at the start and end that of its first and last quarter; a report's caseload
  at the end is the next report's at the start. Where only some quarters of a year were
  published, the year is at least their sum.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from app.features.reports.services import figures as f
from app.features.reports.services.disclosure import CellStatus, Earlier, Relation, total_relation
from app.features.reports.services.figures import ALL, TOTAL, FigureKey
from app.features.reports.services.periods import Period, PeriodKind, trend_quarters

VERSION = 1
#: What an export's audit event names: the export record's columns, sorted (as the trail
#: stores them), never its parameters (they have no label in the trail).
EXPORT_AUDIT_FIELDS = ("figure_set", "file_sha256", "kind", "parameters")

#: Counts of events: over periods they add up (every breakdown too).
EVENTS = frozenset(
    {
        f.CASES_OPENED,
        f.CASES_CLOSED,
        f.MEETINGS,
        f.MEETINGS_BY_VOLUNTEERS,
        f.CHILD_VISITS_HELD,
        f.CHILD_VISITS_CANCELLED,
        f.REFERRALS_SENT,
        *f.REFERRAL_OUTCOMES,
        f.NEEDS_IDENTIFIED,
        f.NEEDS_MET,
        f.CONSULAR_CONTACTS,
        f.DISCRIMINATION_REPORTS,
    }
)
#: Counts of people: over periods, at least the largest part and at most the sum. (Age
#: bands are left out: a person's age at the end of a quarter and of the year may differ.)
PEOPLE = frozenset(
    {f.CLIENTS_SERVED, f.CLIENTS_NEEDING_INTERPRETER, f.CHILDREN_VISITING, f.CLIENTS_RELEASED}
)


@dataclass(frozen=True)
class PublishedSet:
    period: Period
    threshold: int
    categories: Mapping[str, tuple[str, ...]]
    cells: Mapping[FigureKey, tuple[int, CellStatus]]
    #: The ends of the cells shown as a range.
    ranges: Mapping[FigureKey, tuple[int, int]] = field(default_factory=dict)


def record(
    period: Period,
    threshold: int,
    categories: Mapping[str, tuple[str, ...]],
    values: Mapping[FigureKey, int],
    status: Mapping[FigureKey, CellStatus],
    ranges: Mapping[FigureKey, tuple[int, int]] | None = None,
) -> str:
    """The figure set of an export, as JSON for its record."""
    return json.dumps(
        {
            "version": VERSION,
            "period": [period.start.isoformat(), period.end.isoformat(), period.kind.value],
            "threshold": threshold,
            "categories": {dim: list(cats) for dim, cats in categories.items()},
            "cells": [
                [
                    k.indicator,
                    k.case_kind,
                    k.dimension,
                    k.category,
                    k.period,
                    n,
                    status[k].value,
                    *(ranges or {}).get(k, ()),
                ]
                for k, n in values.items()
            ],
        },
        separators=(",", ":"),
    )


def parse(text: str) -> PublishedSet:
    data = json.loads(text)
    if data.get("version") != VERSION:
        raise ValueError("unknown figure set version")
    start, end, kind = data["period"]
    cells: dict[FigureKey, tuple[int, CellStatus]] = {}
    ranges: dict[FigureKey, tuple[int, int]] = {}
    for ind, kind_, dim, cat, code, n, st, *ends in data["cells"]:
        k = FigureKey(ind, kind_, dim, cat, code)
        cells[k] = (int(n), CellStatus(st))
        if ends:
            low, high = ends
            ranges[k] = (int(low), int(high))
    return PublishedSet(
        period=Period(date.fromisoformat(start), date.fromisoformat(end), PeriodKind(kind)),
        threshold=int(data["threshold"]),
        categories={dim: tuple(cats) for dim, cats in data["categories"].items()},
        cells=cells,
        ranges=ranges,
    )


@dataclass(frozen=True)
class Combined:
    earlier: dict[Hashable, tuple[Earlier, ...]]
    relations: list[Relation[Hashable]]
    periods: tuple[str, ...]  # the earlier exports' periods taken into account


@dataclass
class _Report:
    period: Period
    names: dict[FigureKey, Hashable]  # a count's unknown in the combined problem


def _linked(current: Period, sets: Sequence[PublishedSet]) -> list[PublishedSet]:
    """The earlier sets that share a period with this report, directly or through others."""
    codes = {current.code, *(q.code for q in trend_quarters(current))}
    chosen: list[PublishedSet] = []
    rest = list(sets)
    grew = True
    while grew:
        grew = False
        for s in list(rest):
            mine = {k.period for k in s.cells} | {s.period.code}
            if mine & codes or _touches(s.period, chosen, current):
                chosen.append(s)
                rest.remove(s)
                codes |= mine
                grew = True
    return chosen


def _touches(p: Period, chosen: list[PublishedSet], current: Period) -> bool:
    periods = [current, *(s.period for s in chosen)]
    return any(
        _adjacent(p, q) or _adjacent(q, p) or _within(p, q) or _within(q, p) for q in periods
    )


def _adjacent(a: Period, b: Period) -> bool:
    return (b.start - a.end).days == 1


def _within(part: Period, whole: Period) -> bool:
    return part.kind == PeriodKind.QUARTER and part in whole.quarters()


def combine(
    values: Mapping[FigureKey, int], current: Period, sets: Sequence[PublishedSet]
) -> Combined:
    """Everything earlier exports make known, in the terms :func:`~.disclosure.protect` takes."""
    chosen = _linked(current, sets)
    truth: dict[FigureKey, int] = dict(values)
    earlier: dict[Hashable, list[Earlier]] = {}
    rels: list[Relation[Hashable]] = []
    reports = [_Report(current, {k: k for k in values})]
    for i, s in enumerate(chosen):
        names: dict[FigureKey, Hashable] = {}
        for k, (n, status) in s.cells.items():
            truth.setdefault(k, n)
            name: Hashable = k if truth[k] == n else (i, k)
            names[k] = name
            earlier.setdefault(name, []).append(Earlier(n, status, s.threshold, s.ranges.get(k)))
        reports.append(_Report(s.period, names))
        for rel in f.relations(s.period, trend_quarters(s.period), s.categories):
            rels.append(
                Relation(
                    tuple((names[k], c) for k, c in rel.terms),
                    total=None if rel.total is None else names[rel.total],
                    at_most=rel.at_most,
                )
            )
    rels.extend(_between(reports))
    value_of: dict[Hashable, int] = {n: e[0].value for n, e in earlier.items()}
    value_of.update(values.items())
    # Where the data changed since an earlier export, a relation across exports no longer
    # holds: a reader assuming it would be misled, not informed. Only true ones are kept.
    true_rels = [r for r in rels if _holds(r, value_of)]
    return Combined(
        {name: tuple(shown) for name, shown in earlier.items()},
        true_rels,
        tuple(dict.fromkeys(s.period.code for s in chosen)),
    )


def _holds(rel: Relation[Hashable], value_of: Mapping[Hashable, int]) -> bool:
    total = sum(c * value_of[k] for k, c in rel.terms)
    return total == 0 or (total < 0 and rel.at_most)


def _between(reports: list[_Report]) -> Iterator[Relation[Hashable]]:
    latest: dict[str, _Report] = {}
    for r in reports:
        latest.setdefault(r.period.code, r)  # the current report first, then newest first
    for whole in latest.values():
        inside = whole.period.quarters()
        parts = [latest[q.code] for q in inside if q.code in latest and q.code != whole.period.code]
        if len(inside) > 1 and parts:
            yield from _sum_over_periods(whole, parts, complete=len(parts) == len(inside))
        if len(inside) > 1:
            # a period opens with its first quarter's caseload and ends with its last one's,
            # whichever of its other quarters were exported
            first, last = latest.get(inside[0].code), latest.get(inside[-1].code)
            if first is not None and first is not whole:
                yield from _same_caseload(whole, first, f.CASES_OPEN_AT_START)
            if last is not None and last is not whole:
                yield from _same_caseload(whole, last, f.CASES_OPEN_AT_END)
        for after in latest.values():
            if _adjacent(whole.period, after.period):
                for kind in f.KINDS_AND_ALL:
                    end = _name(whole, f.CASES_OPEN_AT_END, kind)
                    start = _name(after, f.CASES_OPEN_AT_START, kind)
                    if end is not None and start is not None:
                        yield Relation(((end, 1), (start, -1)))


def _name(r: _Report, indicator: str, kind: str) -> Hashable | None:
    return r.names.get(FigureKey(indicator, kind, TOTAL, TOTAL, r.period.code))


def _same_caseload(whole: _Report, part: _Report, indicator: str) -> Iterator[Relation[Hashable]]:
    for kind in f.KINDS_AND_ALL:
        a, b = _name(whole, indicator, kind), _name(part, indicator, kind)
        if a is not None and b is not None:
            yield Relation(((a, 1), (b, -1)))


def _sum_over_periods(
    whole: _Report, parts: list[_Report], *, complete: bool
) -> Iterator[Relation[Hashable]]:
    for k, name in whole.names.items():
        if k.period != whole.period.code or k.dimension == "age_band":
            continue
        if k.indicator not in EVENTS and k.indicator not in PEOPLE:
            continue
        found = [p.names.get(FigureKey(*_fields(k)[:4], p.period.code)) for p in parts]
        pieces = [n for n in found if n is not None]
        if len(pieces) != len(parts):
            continue
        if k.indicator in EVENTS and complete:
            yield total_relation(name, pieces)
        elif k.indicator in EVENTS:
            yield Relation(((name, -1), *((n, 1) for n in pieces)), at_most=True)
        else:
            for n in pieces:
                yield Relation(((n, 1), (name, -1)), at_most=True)
            if complete:
                yield Relation(((name, 1), *((n, -1) for n in pieces)), at_most=True)


def _fields(k: FigureKey) -> tuple[str, str, str, str, str]:
    return k.indicator, k.case_kind, k.dimension, k.category, k.period


__all__ = ["ALL", "Combined", "PublishedSet", "combine", "parse", "record"]
