"""From raw counts to a protected :class:`~.figures.Summary`.

Small age bands and regions are merged first (:mod:`.merging`); then disclosure control runs
over every count at once (so a number that appears in two tables is hidden in both or
neither), with every earlier export of the workspace in view (:mod:`.published`); then the
derived figures (meeting hours, the release-plan share) are added.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import cast

from app.features.reports.services.disclosure import CellStatus, Relation, protect
from app.features.reports.services.figures import (
    CLIENTS_RELEASED,
    KINDS_AND_ALL,
    MEETING_HOURS,
    MEETINGS,
    RELEASE_PLAN_SHARE,
    RELEASED_WITH_PLAN,
    RELEASED_WITHOUT_PLAN,
    Counts,
    Figure,
    FigureKey,
    FigureStatus,
    Summary,
    key,
    relations,
)
from app.features.reports.services.merging import merge_small
from app.features.reports.services.periods import Period
from app.features.reports.services.published import PublishedSet, combine, record
from app.models.enums import CaseKind


@dataclass(frozen=True)
class Protected:
    """A summary and, for the export log only, the figure set it publishes."""

    summary: Summary
    figure_set: str


def build_summary(
    counts: Counts,
    *,
    threshold: int,
    organisation: str,
    produced_on: date,
    earlier: Sequence[PublishedSet] = (),
) -> Summary:
    return protect_counts(
        counts,
        threshold=threshold,
        organisation=organisation,
        produced_on=produced_on,
        earlier=earlier,
    ).summary


def protect_counts(
    counts: Counts,
    *,
    threshold: int,
    organisation: str,
    produced_on: date,
    earlier: Sequence[PublishedSet] = (),
) -> Protected:
    p, trend = counts.period, counts.trend
    values, categories = merge_small(counts.values, p.code, threshold)
    cells = cast(Mapping[Hashable, int], values)
    rels = cast(list[Relation[Hashable]], relations(p, trend, categories))
    combined = combine(values, p, earlier)
    alone = protect(cells, rels, threshold)
    result = alone
    if combined.periods:
        result = protect(cells, [*rels, *combined.relations], threshold, combined.earlier, alone)
    status = cast(Mapping[FigureKey, CellStatus], result.status)
    ranges = cast(Mapping[FigureKey, tuple[int, int]], result.ranges)
    extra = 0
    if combined.periods:
        extra = sum(
            1
            for k, s in status.items()
            if s != CellStatus.PUBLISHED and alone.status[k] == CellStatus.PUBLISHED
        )
    figures: dict[FigureKey, Figure] = {}
    for k, n in values.items():
        s = status[k]
        published = n if s == CellStatus.PUBLISHED else None
        figures[k] = Figure(k, published, FigureStatus(s.value), ranges.get(k))
    for kind in KINDS_AND_ALL:
        meetings = figures[key(MEETINGS, p, kind)]
        hours_key = key(MEETING_HOURS, p, kind)
        hours = round(counts.minutes[kind] / 60, 1)
        figures[hours_key] = (
            Figure(hours_key, hours, FigureStatus.PUBLISHED)
            if meetings.published
            else Figure(hours_key, None, FigureStatus.SECONDARY)
        )
    figures[key(RELEASE_PLAN_SHARE, p, CaseKind.RELEASE_SUPPORT.value)] = _share(
        figures, values, p, threshold
    )
    summary = Summary(
        period=p,
        trend=trend,
        threshold=threshold,
        organisation=organisation,
        produced_on=produced_on,
        figures=MappingProxyType(figures),
        categories=MappingProxyType(dict(categories)),
        earlier=combined.periods,
        hidden_for_earlier=extra,
        beyond_reach=sum(
            1
            for k, n in values.items()
            if 0 < n < threshold
            and (
                k in result.beyond_reach
                or any(e.status == CellStatus.PUBLISHED for e in combined.earlier.get(k, ()))
            )
        ),
        tied_to_earlier=len(ranges),
    )
    return Protected(summary, record(p, threshold, categories, values, status, ranges))


def _share(
    figures: Mapping[FigureKey, Figure], values: Mapping[FigureKey, int], p: Period, threshold: int
) -> Figure:
    """A percentage only over at least ``threshold`` people, and only when both parts are
    published (a share of a published total would give a hidden part away)."""
    release = CaseKind.RELEASE_SUPPORT.value
    share_key = key(RELEASE_PLAN_SHARE, p, release)
    released = values[key(CLIENTS_RELEASED, p, release)]
    if released == 0:
        return Figure(share_key, None, FigureStatus.NOT_APPLICABLE)
    parts = [
        figures[key(ind, p, release)]
        for ind in (CLIENTS_RELEASED, RELEASED_WITH_PLAN, RELEASED_WITHOUT_PLAN)
    ]
    if released < threshold or not all(f.published for f in parts):
        return Figure(share_key, None, FigureStatus.SECONDARY)
    with_plan = values[key(RELEASED_WITH_PLAN, p, release)]
    return Figure(share_key, round(100 * with_plan / released), FigureStatus.PUBLISHED)


__all__ = ["Protected", "build_summary", "protect_counts"]
