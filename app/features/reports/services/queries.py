"""The counting rules, as SQL aggregates. Every figure of a summary is counted here.

Which date decides the period (all periods are whole calendar days, ends included):

* caseload — ``Case.opened_on`` (opened) and ``Case.closed_on`` (closed, by close reason);
  a case is *open* on a day from its opening date until its closing date; "open at the
  start" means opened before the first day and not closed before it; "open at the end"
  means opened by the last day and not closed by it. Cases awaiting acceptance (status
  "referral") count as open cases. A reopened case has no closing date any more, so it
  counts as open throughout.
* clients served — a client is served in the period by a case of a kind when that case was
  open on at least one day of the period. A person counts once per kind and once in the
  all-kinds column, however many cases they have. Gender, nationality (as a region) and
  languages are as recorded now; age is in whole years on the last day of the period
  (from the date of birth, or from an estimated birth year taken as 1 July).
* meetings — ``Meeting.occurred_at``; hours are the recorded durations. "Recorded by
  volunteers" means the recording user has the volunteer role now.
* child visits — ``ChildVisit.scheduled_at``, with status held or cancelled; children are
  counted once each, over visits held.
* referrals — ``Referral.sent_on``; a referral never sent (no date) is not counted. Its
  outcome is its status now: awaiting a reply (sent), accepted, declined, completed.
* needs — identified by ``Need.identified_on``; met when the status is "met" and
  ``Need.met_on`` falls in the period. Each need is counted, not each person.
* release plans — clients of release-support cases with ``Case.actual_release`` in the
  period; a plan counts as started early when the case has a task created at least
  :data:`PLAN_LEAD_DAYS` days before the release date.
* interpreter needs — clients served whose record says an interpreter is needed, by the
  group of their first-listed language.
* consular contacts — ``ConsularContact.contacted_on``, by outcome now;
  discrimination reports — ``DiscriminationReport.reported_on``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    distinct,
    func,
    literal,
    or_,
    select,
)

from app.features.reports.services import figures as f
from app.features.reports.services.figures import ALL, TOTAL, Counts, key
from app.features.reports.services.periods import Period
from app.features.reports.services.regions import language_group, region_of
from app.models import (
    Case,
    ChildVisit,
    ConsularContact,
    DiscriminationReport,
    Meeting,
    Need,
    Organisation,
    Person,
    Referral,
    Task,
    User,
)
from app.models.enums import CaseKind, NeedStatus, ReferralStatus, Role, VisitStatus
from app.security.permissions import internal
from app.store.adapters import whole

#: "A plan started at least 30 days before release": until release plans have a table of
#: their own, a release-support case has a plan from its first task's creation.
PLAN_LEAD_DAYS = 30

_OUTCOME = {
    ReferralStatus.DRAFT: f.REFERRALS_AWAITING,  # sent_on set but never marked sent
    ReferralStatus.SENT: f.REFERRALS_AWAITING,
    ReferralStatus.ACCEPTED: f.REFERRALS_ACCEPTED,
    ReferralStatus.DECLINED: f.REFERRALS_DECLINED,
    ReferralStatus.COMPLETED: f.REFERRALS_COMPLETED,
}

Tick = Callable[[], None]

#: A case's kind and a client's counted attributes by id, from covering indexes rather than
#: the 42 MB cases and 14 MB people tables. The summary's working set has to fit in the page
#: cache: SQLCipher decrypts every page it reads again. SQLite would pick the primary key's
#: index and read the table row (``INDEXED BY`` is rendered by app.store.engine; a missing
#: index is an error). SQLite's alone: other engines' planners get no hint (PostgreSQL
#: refuses one it does not know).
_CASE_KIND = "INDEXED BY ix_cases_id_kind"
_CLIENT_COUNTED = "INDEXED BY ix_people_summary"


@internal
def count_all(
    conn: Connection, period: Period, trend: tuple[Period, ...], tick: Tick | None = None
) -> Counts:
    """Run every query for ``period`` (and the trend quarters). ``tick`` is called between
    queries (progress, and a chance to cancel by raising)."""
    counts = Counts(period, trend)
    step = tick or (lambda: None)
    for run in (
        _caseload,
        _clients,
        _meetings,
        _child_visits,
        _referrals,
        _needs,
        _release_plans,
        _foreign,
    ):
        run(conn, counts)
        step()
    return counts


#: How many steps :func:`count_all` reports through ``tick``.
STEPS = 8


def _day(column: Any, p: Period) -> ColumnElement[bool]:
    return and_(column >= p.start, column <= p.end)


def _moment(column: Any, p: Period) -> ColumnElement[bool]:
    return and_(column >= p.first_moment, column < p.after_last_moment)


def _served(p: Period) -> ColumnElement[bool]:
    return and_(Case.opened_on <= p.end, or_(Case.closed_on.is_(None), Case.closed_on >= p.start))


def _flag(condition: ColumnElement[bool]) -> Any:
    return whole(func.coalesce(func.sum(case((condition, 1), else_=0)), 0))


def _periods(counts: Counts) -> list[Period]:
    found = {counts.period.code: counts.period}
    for q in counts.trend:
        found.setdefault(q.code, q)
    return list(found.values())


def _caseload(conn: Connection, counts: Counts) -> None:
    p = counts.period
    periods = _periods(counts)
    columns: list[Any] = [
        _flag(
            and_(Case.opened_on < p.start, or_(Case.closed_on.is_(None), Case.closed_on >= p.start))
        )
    ]
    for q in periods:
        columns += [
            _flag(_day(Case.opened_on, q)),
            _flag(_day(Case.closed_on, q)),
            _flag(
                and_(Case.opened_on <= q.end, or_(Case.closed_on.is_(None), Case.closed_on > q.end))
            ),
        ]
    stmt = select(Case.kind, Case.close_reason, *columns).group_by(Case.kind, Case.close_reason)
    for row in conn.execute(stmt):
        kind, reason, start, *rest = row
        reason_code = reason.value if reason is not None else f.NOT_RECORDED
        for target in (kind.value, ALL):
            counts.add(key(f.CASES_OPEN_AT_START, p, target), start)
            for i, q in enumerate(periods):
                opened, closed, end = rest[3 * i : 3 * i + 3]
                if q.code == p.code or target == ALL:
                    counts.add(key(f.CASES_OPENED, q, target), opened)
                    counts.add(key(f.CASES_CLOSED, q, target), closed)
                    counts.add(key(f.CASES_OPEN_AT_END, q, target), end)
                if q.code == p.code:
                    counts.add(key(f.CASES_CLOSED, q, target, "close_reason", reason_code), closed)


def _age_band(end: date) -> Any:
    """The age band on ``end``, in SQL that any database runs: birth dates are compared with
    the latest birth date for each age, so no date arithmetic happens in SQL."""
    by_date, by_year = [], []
    for age, band in f.AGE_BAND_FLOORS:
        cutoff = _years_before(end, age)
        # born on 1 July of year Y: aged `age` by `end` when 1 July Y <= cutoff
        year = cutoff.year if (cutoff.month, cutoff.day) >= (7, 1) else cutoff.year - 1
        by_date.append((Person.birth_date <= cutoff, band))
        by_year.append((Person.birth_year_estimate <= year, band))
    return case(
        (Person.birth_date.is_not(None), case(*by_date, else_=literal("under_18"))),
        (Person.birth_year_estimate.is_not(None), case(*by_year, else_=literal("under_18"))),
        else_=literal("unknown"),
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _clients(conn: Connection, counts: Counts) -> None:
    """Clients served, by kind, gender, age band, region and interpreter language, and the
    trend's clients served — from one pass over the cases.

    Per client, a bit mask says which kinds served them in the period (bits 0-2) and in which
    trend quarters they were served (bits 3-6); the people are then grouped by mask and
    attributes, and each kind (or quarter) adds up the groups whose mask has its bit.
    """
    p = counts.period
    trend = counts.trend
    span = Period(min([p.start, *(q.start for q in trend)]), max([p.end, *(q.end for q in trend)]))
    mask: Any = literal(0)
    for i, kind in enumerate(CaseKind):
        mask = mask + func.max(case((and_(Case.kind == kind, _served(p)), 1 << i), else_=0))
    for j, q in enumerate(trend):
        mask = mask + func.max(case((_served(q), 1 << (len(CaseKind) + j)), else_=0))
    served = (
        select(Case.client_id, mask.label("mask"))
        .where(_served(span))
        .group_by(Case.client_id)
        .subquery()
    )
    band = _age_band(p.end)
    language = case((Person.interpreter_needed.is_(True), Person.languages), else_=None)
    stmt = (
        select(served.c.mask, Person.gender, band, Person.nationality, language, func.count())
        .select_from(served)
        .join(Person, Person.id == served.c.client_id)
        .with_hint(Person, _CLIENT_COUNTED, dialect_name="sqlite")
        .group_by(served.c.mask, Person.gender, band, Person.nationality, language)
    )
    # Thousands of groups at 100,000 cases, a dozen figures each: tallied on plain tuples
    # first, each figure's key made once (a FigureKey per addition was half the time).
    tally: Counter[tuple[str, str, str, str]] = Counter()  # indicator, kind, dimension, category
    trend_served = [0] * len(trend)
    served_by = f.CLIENTS_SERVED
    interpreter = f.CLIENTS_NEEDING_INTERPRETER
    for bits, gender, age_band, nationality, languages, n in conn.execute(stmt):
        targets = [k.value for i, k in enumerate(CaseKind) if bits & (1 << i)]
        if targets:
            targets.append(ALL)
        region = region_of(nationality).value
        group = language_group(languages).value
        for target in targets:
            tally[served_by, target, TOTAL, TOTAL] += n
            tally[served_by, target, "gender", gender.value] += n
            tally[served_by, target, "age_band", age_band] += n
            tally[served_by, target, "region", region] += n
            if languages is not None:
                tally[interpreter, target, TOTAL, TOTAL] += n
                tally[interpreter, target, "language_group", group] += n
        for j in range(len(trend)):
            if bits & (1 << (len(CaseKind) + j)):
                trend_served[j] += n
    for (indicator, target, dimension, category), n in tally.items():
        counts.add(key(indicator, p, target, dimension, category), n)
    for q, n in zip(trend, trend_served, strict=True):
        counts.set(key(f.CLIENTS_SERVED, q), n)


def _meetings(conn: Connection, counts: Counts) -> None:
    """Meetings are summed per case first, so each case's kind is looked up once, not once
    per meeting (a quarter of a 100,000-case workspace holds about 150,000 meetings)."""
    p = counts.period
    volunteers = select(User.id).where(User.role == Role.VOLUNTEER)
    per_case = (
        select(
            Meeting.case_id,
            Meeting.kind.label("meeting_kind"),
            func.count().label("n"),
            whole(func.sum(Meeting.duration_minutes)).label("minutes"),
            _flag(Meeting.recorded_by.in_(volunteers)).label("by_volunteers"),
        )
        .where(_moment(Meeting.occurred_at, p))
        .group_by(Meeting.case_id, Meeting.kind)
        .subquery()
    )
    stmt = (
        select(
            Case.kind,
            per_case.c.meeting_kind,
            whole(func.sum(per_case.c.n)),
            whole(func.coalesce(func.sum(per_case.c.minutes), 0)),
            whole(func.sum(per_case.c.by_volunteers)),
        )
        .select_from(per_case)
        .join(Case, Case.id == per_case.c.case_id)
        .with_hint(Case, _CASE_KIND, dialect_name="sqlite")
        .group_by(Case.kind, per_case.c.meeting_kind)
    )
    for case_kind, meeting_kind, n, minutes, by_volunteers in conn.execute(stmt):
        for target in (case_kind.value, ALL):
            counts.add(key(f.MEETINGS, p, target), n)
            counts.add(key(f.MEETINGS, p, target, "meeting_kind", meeting_kind.value), n)
            counts.add(key(f.MEETINGS_BY_VOLUNTEERS, p, target), by_volunteers)
            counts.minutes[target] += minutes
    _trend_counts(conn, counts, f.MEETINGS, Meeting.occurred_at, moments=True)


def _trend_counts(
    conn: Connection,
    counts: Counts,
    indicator: str,
    column: Any,
    *,
    moments: bool,
    where: ColumnElement[bool] | None = None,
) -> None:
    """One count per trend quarter: a range count each, which an index on ``column`` answers
    without reading the rows. The quarter that is the reporting period itself was counted
    by the period's own query (by the same rule: ``indicator`` in all case kinds)."""
    p = counts.period
    for q in counts.trend:
        if (q.start, q.end) == (p.start, p.end):
            counts.set(key(indicator, q), counts.values[key(indicator, p)])
            continue
        condition = _moment(column, q) if moments else _day(column, q)
        if where is not None:
            condition = and_(condition, where)
        n = conn.execute(select(func.count()).where(condition)).scalar_one()
        counts.set(key(indicator, q), int(n))


def _child_visits(conn: Connection, counts: Counts) -> None:
    p = counts.period
    wanted = {
        VisitStatus.HELD: f.CHILD_VISITS_HELD,
        VisitStatus.CANCELLED: f.CHILD_VISITS_CANCELLED,
    }
    stmt = (
        select(ChildVisit.visit_type, ChildVisit.status, func.count())
        .where(_moment(ChildVisit.scheduled_at, p), ChildVisit.status.in_(list(wanted)))
        .group_by(ChildVisit.visit_type, ChildVisit.status)
    )
    for visit_type, status, n in conn.execute(stmt):
        indicator = wanted[status]
        counts.add(key(indicator, p), n)
        counts.add(key(indicator, p, ALL, "visit_type", visit_type.value), n)
    children = conn.execute(
        select(func.count(distinct(ChildVisit.child_id))).where(
            _moment(ChildVisit.scheduled_at, p), ChildVisit.status == VisitStatus.HELD
        )
    ).scalar_one()
    counts.set(key(f.CHILDREN_VISITING, p), int(children))
    _trend_counts(
        conn,
        counts,
        f.CHILD_VISITS_HELD,
        ChildVisit.scheduled_at,
        moments=True,
        where=ChildVisit.status == VisitStatus.HELD,
    )


def _referrals(conn: Connection, counts: Counts) -> None:
    p = counts.period
    stmt = (
        select(Organisation.type, Referral.status, func.count())
        .select_from(Referral)
        .join(Organisation, Organisation.id == Referral.organisation_id)
        .where(_day(Referral.sent_on, p))
        .group_by(Organisation.type, Referral.status)
    )
    for org_type, status, n in conn.execute(stmt):
        for indicator in (f.REFERRALS_SENT, _OUTCOME[status]):
            counts.add(key(indicator, p), n)
            counts.add(key(indicator, p, ALL, "organisation_type", org_type.value), n)
    _trend_counts(conn, counts, f.REFERRALS_SENT, Referral.sent_on, moments=False)


def _needs(conn: Connection, counts: Counts) -> None:
    p = counts.period
    met = and_(Need.status == NeedStatus.MET, _day(Need.met_on, p))
    stmt = (
        select(Case.kind, Need.domain, _flag(_day(Need.identified_on, p)), _flag(met))
        .select_from(Need)
        .join(Case, Case.id == Need.case_id)
        .with_hint(Case, _CASE_KIND, dialect_name="sqlite")
        .where(or_(_day(Need.identified_on, p), _day(Need.met_on, p)))
        .group_by(Case.kind, Need.domain)
    )
    for kind, domain, identified, met_count in conn.execute(stmt):
        for target in (kind.value, ALL):
            for indicator, n in ((f.NEEDS_IDENTIFIED, identified), (f.NEEDS_MET, met_count)):
                counts.add(key(indicator, p, target), n)
                counts.add(key(indicator, p, target, "need_domain", domain.value), n)
    _trend_counts(
        conn, counts, f.NEEDS_MET, Need.met_on, moments=False, where=Need.status == NeedStatus.MET
    )


def _release_plans(conn: Connection, counts: Counts) -> None:
    """One row per release-support case released in the period (ids and dates only): the
    plan rule compares each case's own dates, which portable SQL cannot subtract."""
    p = counts.period
    first_task = select(func.min(Task.created_at)).where(Task.case_id == Case.id).scalar_subquery()
    stmt = select(Case.client_id, Case.actual_release, first_task).where(
        Case.kind == CaseKind.RELEASE_SUPPORT, _day(Case.actual_release, p)
    )
    planned: dict[object, bool] = defaultdict(bool)
    for client_id, released_on, first in conn.execute(stmt):
        assert released_on is not None  # the WHERE clause wants a release date
        early = first is not None and _as_date(first) <= released_on - timedelta(
            days=PLAN_LEAD_DAYS
        )
        planned[client_id] = planned[client_id] or early
    release = CaseKind.RELEASE_SUPPORT.value
    with_plan = sum(planned.values())
    counts.set(key(f.CLIENTS_RELEASED, p, release), len(planned))
    counts.set(key(f.RELEASED_WITH_PLAN, p, release), with_plan)
    counts.set(key(f.RELEASED_WITHOUT_PLAN, p, release), len(planned) - with_plan)


def _as_date(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _foreign(conn: Connection, counts: Counts) -> None:
    p = counts.period
    stmt = (
        select(ConsularContact.outcome, func.count())
        .where(_day(ConsularContact.contacted_on, p))
        .group_by(ConsularContact.outcome)
    )
    for outcome, n in conn.execute(stmt):
        counts.add(key(f.CONSULAR_CONTACTS, p), n)
        counts.add(key(f.CONSULAR_CONTACTS, p, ALL, "consular_outcome", outcome.value), n)
    reports = conn.execute(
        select(func.count()).where(_day(DiscriminationReport.reported_on, p))
    ).scalar_one()
    counts.set(key(f.DISCRIMINATION_REPORTS, p), int(reports))


__all__ = ["PLAN_LEAD_DAYS", "STEPS", "TOTAL", "count_all"]
