"""Every number a summary publishes, the relations between them, and the frozen result.

A number is identified by a tidy :class:`FigureKey` — indicator, case kind, dimension,
category, period — the same five columns the CSV carries. Counts are filled in by
:mod:`.queries`; :func:`relations` declares how they are tied together (totals, distinct
people, sub-counts, the caseload flow, the trend); :func:`.assemble.build_summary` protects
them and adds the derived figures.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from app.features.reports.services.disclosure import (
    Relation,
    at_most,
    distinct_total,
    total_relation,
)
from app.features.reports.services.periods import Period, previous_quarter, quarter_of
from app.features.reports.services.regions import LanguageGroup, Region
from app.models.enums import (
    CaseKind,
    CloseReason,
    ConsularOutcome,
    Gender,
    MeetingKind,
    NeedDomain,
    OrganisationType,
    VisitType,
)

ALL = "all"  # the case-kind code for "all kinds together"
TOTAL = "total"  # the dimension and category of an undivided figure
KINDS: tuple[str, ...] = tuple(k.value for k in CaseKind)
KINDS_AND_ALL: tuple[str, ...] = (*KINDS, ALL)

# Indicators: stable codes, the first column of the CSV.
CASES_OPEN_AT_START = "cases_open_at_start"
CASES_OPENED = "cases_opened"
CASES_CLOSED = "cases_closed"
CASES_OPEN_AT_END = "cases_open_at_end"
CLIENTS_SERVED = "clients_served"
MEETINGS = "meetings"
MEETING_HOURS = "meeting_hours"
MEETINGS_BY_VOLUNTEERS = "meetings_recorded_by_volunteers"
CHILD_VISITS_HELD = "child_visits_held"
CHILD_VISITS_CANCELLED = "child_visits_cancelled"
CHILDREN_VISITING = "children_with_a_visit_held"
REFERRALS_SENT = "referrals_sent"
REFERRALS_AWAITING = "referrals_awaiting_reply"
REFERRALS_ACCEPTED = "referrals_accepted"
REFERRALS_DECLINED = "referrals_declined"
REFERRALS_COMPLETED = "referrals_completed"
REFERRAL_OUTCOMES = (
    REFERRALS_AWAITING,
    REFERRALS_ACCEPTED,
    REFERRALS_DECLINED,
    REFERRALS_COMPLETED,
)
NEEDS_IDENTIFIED = "needs_identified"
NEEDS_MET = "needs_met"
CLIENTS_RELEASED = "clients_released"
RELEASED_WITH_PLAN = "clients_released_with_early_plan"
RELEASED_WITHOUT_PLAN = "clients_released_without_early_plan"
RELEASE_PLAN_SHARE = "release_plan_share_percent"
CLIENTS_NEEDING_INTERPRETER = "clients_needing_interpreter"
CONSULAR_CONTACTS = "consular_contacts"
DISCRIMINATION_REPORTS = "discrimination_reports"

#: Figures in the four-quarter trend (all case kinds together).
TREND_INDICATORS = (
    CLIENTS_SERVED,
    CASES_OPENED,
    CASES_CLOSED,
    CASES_OPEN_AT_END,
    MEETINGS,
    CHILD_VISITS_HELD,
    REFERRALS_SENT,
    NEEDS_MET,
)
#: Trend figures that add up over quarters (a year's count is the sum of its quarters').
ADDITIVE = (CASES_OPENED, CASES_CLOSED, MEETINGS, CHILD_VISITS_HELD, REFERRALS_SENT, NEEDS_MET)

NOT_RECORDED = "not_recorded"
AGE_BANDS = ("under_18", "18_24", "25_34", "35_44", "45_54", "55_plus", "unknown")
#: (lowest age, band) from the oldest down; ages are whole years at the end of the period.
AGE_BAND_FLOORS = ((55, "55_plus"), (45, "45_54"), (35, "35_44"), (25, "25_34"), (18, "18_24"))

DIMENSIONS: dict[str, tuple[str, ...]] = {
    "close_reason": (*(r.value for r in CloseReason), NOT_RECORDED),
    "gender": tuple(g.value for g in Gender),
    "age_band": AGE_BANDS,
    "region": tuple(r.value for r in Region),
    "meeting_kind": tuple(m.value for m in MeetingKind),
    "visit_type": tuple(v.value for v in VisitType),
    "organisation_type": tuple(o.value for o in OrganisationType),
    "need_domain": tuple(d.value for d in NeedDomain),
    "language_group": tuple(g.value for g in LanguageGroup),
    "consular_outcome": tuple(o.value for o in ConsularOutcome),
}
CLIENT_DIMENSIONS = ("gender", "age_band", "region")


@dataclass(frozen=True, order=True, slots=True)
class FigureKey:
    indicator: str
    case_kind: str
    dimension: str
    category: str
    period: str


def key(
    indicator: str,
    period: Period,
    case_kind: str = ALL,
    dimension: str = TOTAL,
    category: str = TOTAL,
) -> FigureKey:
    return FigureKey(indicator, case_kind, dimension, category, period.code)


class FigureStatus(StrEnum):
    PUBLISHED = "published"
    SMALL = "small"  # a count from 1 to threshold-1: shown as "<threshold"
    SECONDARY = "secondary"  # hidden so that a small count cannot be worked back
    RANGE = "range"  # the range earlier reports already fix it to: ``bounds``
    NOT_APPLICABLE = "not_applicable"  # a share of nothing


@dataclass(frozen=True, slots=True)
class Figure:
    key: FigureKey
    value: int | float | None  # None unless published
    status: FigureStatus
    #: Shown as a range (:attr:`FigureStatus.RANGE`): its lowest and highest value.
    bounds: tuple[int, int] | None = None

    @property
    def published(self) -> bool:
        return self.status == FigureStatus.PUBLISHED

    @property
    def suppressed(self) -> bool:
        return self.status in (FigureStatus.SMALL, FigureStatus.SECONDARY, FigureStatus.RANGE)


@dataclass(frozen=True)
class Summary:
    """An anonymised summary: only aggregates, already protected. Safe to show or export."""

    period: Period
    trend: tuple[Period, ...]
    threshold: int
    organisation: str
    produced_on: date
    figures: Mapping[FigureKey, Figure] = field(repr=False)
    #: Each dimension's categories, after small ones were merged (age bands, regions).
    categories: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: DIMENSIONS)
    #: Periods of earlier exports from this workspace the protection took into account.
    earlier: tuple[str, ...] = ()
    #: Cells hidden only because an earlier export could be combined with this one.
    hidden_for_earlier: int = 0
    #: Small counts an earlier export had already made known (nothing here could hide them).
    beyond_reach: int = 0
    #: Hidden counts that earlier exports fix up to one "<k" of theirs: less than k wide.
    tied_to_earlier: int = 0

    def get(
        self,
        indicator: str,
        case_kind: str = ALL,
        dimension: str = TOTAL,
        category: str = TOTAL,
        period: Period | None = None,
    ) -> Figure:
        return self.figures[
            FigureKey(indicator, case_kind, dimension, category, (period or self.period).code)
        ]

    def __iter__(self) -> Iterator[Figure]:
        return iter(self.figures.values())

    @property
    def suppressed_count(self) -> int:
        return sum(1 for f in self.figures.values() if f.suppressed)


class Counts:
    """Raw counts on their way to a summary: every key is declared up front (zero), so a
    category with nothing in it is still a published zero."""

    def __init__(self, period: Period, trend: tuple[Period, ...]) -> None:
        self.period = period
        self.trend = trend
        self.values: dict[FigureKey, int] = {}
        self.minutes: dict[str, int] = dict.fromkeys(KINDS_AND_ALL, 0)
        for k in _declared_keys(period, trend):
            self.values[k] = 0

    def add(self, k: FigureKey, n: int) -> None:
        if k not in self.values:
            raise KeyError(k)
        self.values[k] += n

    def set(self, k: FigureKey, n: int) -> None:
        """Set once (a trend quarter that is also the reporting period is counted twice by
        the same rule; the two must agree)."""
        if k not in self.values:
            raise KeyError(k)
        if self.values[k] not in (0, n):
            raise RuntimeError(f"two counting rules disagree on {k}")
        self.values[k] = n


def _by(
    indicator: str, period: Period, kinds: Iterable[str], dimensions: Iterable[str]
) -> Iterator[FigureKey]:
    for kind in kinds:
        yield key(indicator, period, kind)
        for dim in dimensions:
            for cat in DIMENSIONS[dim]:
                yield key(indicator, period, kind, dim, cat)


def _declared_keys(p: Period, trend: tuple[Period, ...]) -> Iterator[FigureKey]:
    for ind in (CASES_OPEN_AT_START, CASES_OPENED, CASES_OPEN_AT_END):
        yield from _by(ind, p, KINDS_AND_ALL, ())
    yield from _by(CASES_CLOSED, p, KINDS_AND_ALL, ("close_reason",))
    yield from _by(CLIENTS_SERVED, p, KINDS_AND_ALL, CLIENT_DIMENSIONS)
    yield from _by(MEETINGS, p, KINDS_AND_ALL, ("meeting_kind",))
    yield from _by(MEETINGS_BY_VOLUNTEERS, p, KINDS_AND_ALL, ())
    yield from _by(CHILD_VISITS_HELD, p, (ALL,), ("visit_type",))
    yield from _by(CHILD_VISITS_CANCELLED, p, (ALL,), ("visit_type",))
    yield key(CHILDREN_VISITING, p)
    for ind in (REFERRALS_SENT, *REFERRAL_OUTCOMES):
        yield from _by(ind, p, (ALL,), ("organisation_type",))
    yield from _by(NEEDS_IDENTIFIED, p, KINDS_AND_ALL, ("need_domain",))
    yield from _by(NEEDS_MET, p, KINDS_AND_ALL, ("need_domain",))
    release = CaseKind.RELEASE_SUPPORT.value
    for ind in (CLIENTS_RELEASED, RELEASED_WITH_PLAN, RELEASED_WITHOUT_PLAN):
        yield key(ind, p, release)
    yield from _by(CLIENTS_NEEDING_INTERPRETER, p, KINDS_AND_ALL, ("language_group",))
    yield from _by(CONSULAR_CONTACTS, p, (ALL,), ("consular_outcome",))
    yield key(DISCRIMINATION_REPORTS, p)
    for q in trend:
        for ind in TREND_INDICATORS:
            yield key(ind, q)


Categories = Mapping[str, tuple[str, ...]]


def relations(
    p: Period, trend: tuple[Period, ...], categories: Categories | None = None
) -> list[Relation[FigureKey]]:
    """Every true relation between the counts: what someone could combine to work out a
    hidden one. Distinct-person counts (clients) add up within one case kind only: a person
    with two kinds of cases is one person in the all-kinds column, which lies between the
    largest kind and the sum of the kinds. ``categories`` are the report's own (after small
    categories were merged)."""
    cats = {**DIMENSIONS, **(categories or {})}
    rels: list[Relation[FigureKey]] = []

    def parts(ind: str, kind: str, dim: str, period: Period = p) -> list[FigureKey]:
        return [key(ind, period, kind, dim, cat) for cat in cats[dim]]

    def across_kinds(ind: str, dim: str = TOTAL, cat: str = TOTAL) -> None:
        rels.append(
            total_relation(key(ind, p, ALL, dim, cat), [key(ind, p, k, dim, cat) for k in KINDS])
        )

    def people_across_kinds(ind: str, dim: str = TOTAL, cat: str = TOTAL) -> None:
        rels.extend(
            distinct_total(key(ind, p, ALL, dim, cat), [key(ind, p, k, dim, cat) for k in KINDS])
        )

    for dim in CLIENT_DIMENSIONS:
        for cat in cats[dim]:
            people_across_kinds(CLIENTS_SERVED, dim, cat)
    people_across_kinds(CLIENTS_SERVED)
    people_across_kinds(CLIENTS_NEEDING_INTERPRETER)
    for cat in cats["language_group"]:
        people_across_kinds(CLIENTS_NEEDING_INTERPRETER, "language_group", cat)
    for kind in KINDS_AND_ALL:
        rels.append(at_most(key(MEETINGS_BY_VOLUNTEERS, p, kind), key(MEETINGS, p, kind)))
        rels.append(
            at_most(key(CLIENTS_NEEDING_INTERPRETER, p, kind), key(CLIENTS_SERVED, p, kind))
        )
        # each client served had a case of the kind open in the period, a case of their own
        rels.append(
            Relation(
                (
                    (key(CLIENTS_SERVED, p, kind), 1),
                    (key(CASES_OPEN_AT_START, p, kind), -1),
                    (key(CASES_OPENED, p, kind), -1),
                ),
                at_most=True,
            )
        )
    rels.append(at_most(key(CHILDREN_VISITING, p), key(CHILD_VISITS_HELD, p)))

    for kind in KINDS_AND_ALL:
        rels.append(_flow(p, kind))
        rels.append(
            total_relation(key(CASES_CLOSED, p, kind), parts(CASES_CLOSED, kind, "close_reason"))
        )
        for dim in CLIENT_DIMENSIONS:
            rels.append(
                total_relation(key(CLIENTS_SERVED, p, kind), parts(CLIENTS_SERVED, kind, dim))
            )
        rels.append(total_relation(key(MEETINGS, p, kind), parts(MEETINGS, kind, "meeting_kind")))
        for ind in (NEEDS_IDENTIFIED, NEEDS_MET):
            rels.append(total_relation(key(ind, p, kind), parts(ind, kind, "need_domain")))
        rels.append(
            total_relation(
                key(CLIENTS_NEEDING_INTERPRETER, p, kind),
                parts(CLIENTS_NEEDING_INTERPRETER, kind, "language_group"),
            )
        )
    for ind in (CASES_OPEN_AT_START, CASES_OPENED, CASES_OPEN_AT_END, MEETINGS_BY_VOLUNTEERS):
        across_kinds(ind)
    for ind, dim in ((CASES_CLOSED, "close_reason"), (MEETINGS, "meeting_kind")):
        across_kinds(ind)
        for cat in DIMENSIONS[dim]:
            across_kinds(ind, dim, cat)
    for ind in (NEEDS_IDENTIFIED, NEEDS_MET):
        across_kinds(ind)
        for cat in DIMENSIONS["need_domain"]:
            across_kinds(ind, "need_domain", cat)
    for ind in (CHILD_VISITS_HELD, CHILD_VISITS_CANCELLED):
        rels.append(total_relation(key(ind, p), parts(ind, ALL, "visit_type")))
    for ind in (REFERRALS_SENT, *REFERRAL_OUTCOMES):
        rels.append(total_relation(key(ind, p), parts(ind, ALL, "organisation_type")))
    for cat in (TOTAL, *DIMENSIONS["organisation_type"]):
        dim = TOTAL if cat == TOTAL else "organisation_type"
        rels.append(
            total_relation(
                key(REFERRALS_SENT, p, ALL, dim, cat),
                [key(ind, p, ALL, dim, cat) for ind in REFERRAL_OUTCOMES],
            )
        )
    release = CaseKind.RELEASE_SUPPORT.value
    rels.append(
        total_relation(
            key(CLIENTS_RELEASED, p, release),
            [key(RELEASED_WITH_PLAN, p, release), key(RELEASED_WITHOUT_PLAN, p, release)],
        )
    )
    rels.append(
        total_relation(key(CONSULAR_CONTACTS, p), parts(CONSULAR_CONTACTS, ALL, "consular_outcome"))
    )
    rels.extend(_trend_relations(p, trend))
    return rels


def _served_within_open(before: Period, q: Period) -> Relation[FigureKey]:
    """Clients served in ``q`` <= cases open at its start + cases opened in it."""
    return Relation(
        (
            (key(CLIENTS_SERVED, q), 1),
            (key(CASES_OPEN_AT_END, before), -1),
            (key(CASES_OPENED, q), -1),
        ),
        at_most=True,
    )


def _flow(p: Period, kind: str) -> Relation[FigureKey]:
    """Open at the start + opened - closed = open at the end."""
    return Relation(
        (
            (key(CASES_OPEN_AT_START, p, kind), 1),
            (key(CASES_OPENED, p, kind), 1),
            (key(CASES_CLOSED, p, kind), -1),
            (key(CASES_OPEN_AT_END, p, kind), -1),
        )
    )


def _trend_relations(p: Period, trend: tuple[Period, ...]) -> Iterator[Relation[FigureKey]]:
    for before, q in itertools.pairwise(trend):
        yield _served_within_open(before, q)
        yield Relation(
            (
                (key(CASES_OPEN_AT_END, before), 1),
                (key(CASES_OPENED, q), 1),
                (key(CASES_CLOSED, q), -1),
                (key(CASES_OPEN_AT_END, q), -1),
            )
        )
    if not trend:
        return
    codes = {q.code for q in trend}
    # A trend exists only for quarter-aligned periods, so the day before the period ends a
    # quarter: its closing caseload is this period's opening caseload.
    before_p = previous_quarter(quarter_of(p.start))
    if before_p.code in codes:
        yield Relation(((key(CASES_OPEN_AT_START, p), 1), (key(CASES_OPEN_AT_END, before_p), -1)))
    last = trend[-1]
    if last.code != p.code and last.end == p.end:
        yield Relation(((key(CASES_OPEN_AT_END, p), 1), (key(CASES_OPEN_AT_END, last), -1)))
    inside = p.quarters()
    if inside and len(inside) > 1 and all(q.code in codes for q in inside):
        for ind in ADDITIVE:
            yield total_relation(key(ind, p), [key(ind, q) for q in inside])
        yield from distinct_total(key(CLIENTS_SERVED, p), [key(CLIENTS_SERVED, q) for q in inside])
