"""The counting rules, on a small hand-built workspace whose right answers are worked out here.

The reporting period is the second quarter of 2026 (1 April – 30 June); the trend runs from
the third quarter of 2025. Records sit on the edges on purpose: the first and last day (and
moment) of the quarter, the day before and after, a person with two cases of one kind and a
third of another, someone who turns 18 on the last day, a birth year that makes 54 or 55.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.features.cases.services import cases
from app.features.people.services import people
from app.features.reports.services import figures as f
from app.features.reports.services import periods, queries, service
from app.features.reports.services.figures import ALL, FigureKey, FigureStatus
from app.models import (
    ChildVisit,
    ConsularContact,
    DiscriminationReport,
    Meeting,
    Need,
    Organisation,
    Referral,
    Task,
    User,
)
from app.models.enums import (
    CaseKind,
    CaseStatus,
    CloseReason,
    ConsularOutcome,
    ContactChannel,
    Gender,
    MeetingKind,
    NeedDomain,
    NeedStatus,
    OrganisationType,
    ReferralStatus,
    Role,
    VisitStatus,
    VisitType,
)
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace, NewUser
from tests.conftest import PASSWORD

Q2 = periods.quarter(2026, 2)
RS, CV, FI = (k.value for k in CaseKind)


@dataclass
class Built:
    ctx: ServiceContext
    cases: dict[str, uuid.UUID]


def _person(ctx: ServiceContext, name: str, **values: object) -> uuid.UUID:
    return people.create_person(ctx, people.PersonInput(name, "Test", **values)).id  # type: ignore[arg-type]


def _case(
    ctx: ServiceContext,
    kind: CaseKind,
    client: uuid.UUID,
    opened: date,
    closed: date | None = None,
    reason: CloseReason | None = None,
    released: date | None = None,
) -> uuid.UUID:
    case = cases.open_case(
        ctx, cases.CaseInput(kind=kind, client_id=client, opened_on=opened, actual_release=released)
    )
    if closed is not None:
        cases.change_status(ctx, case.id, CaseStatus.CLOSED, close_reason=reason, closed_on=closed)
    return case.id


def build(ctx: ServiceContext) -> Built:
    p1 = _person(
        ctx,
        "P1",
        gender=Gender.FEMALE,
        birth_date=date(2008, 6, 30),
        nationality="RO",
        languages=("ro", "en"),
        interpreter_needed=True,
    )
    p2 = _person(ctx, "P2", gender=Gender.MALE, birth_year_estimate=1971, nationality="XX")
    p3 = _person(ctx, "P3", gender=Gender.MALE, birth_date=date(1990, 1, 1), nationality="SE")
    p4 = _person(ctx, "P4", nationality="NG")
    p5 = _person(ctx, "P5", gender=Gender.FEMALE, birth_date=date(1980, 5, 5), nationality="NO")
    child6 = _person(ctx, "Child6", birth_date=date(2016, 1, 1))
    child7 = _person(ctx, "Child7", birth_date=date(2018, 1, 1))
    ids = {
        "A": _case(
            ctx, CaseKind.RELEASE_SUPPORT, p1, date(2026, 1, 10), released=date(2026, 5, 31)
        ),
        "B": _case(
            ctx,
            CaseKind.RELEASE_SUPPORT,
            p2,
            date(2026, 4, 5),
            date(2026, 5, 20),
            CloseReason.GOALS_MET,
            released=date(2026, 4, 30),
        ),
        "C": _case(ctx, CaseKind.RELEASE_SUPPORT, p1, date(2026, 6, 30)),
        "D": _case(
            ctx,
            CaseKind.CHILD_VISITS,
            p1,
            date(2025, 12, 1),
            date(2026, 4, 1),
            CloseReason.LOST_CONTACT,
        ),
        "E": _case(
            ctx,
            CaseKind.FOREIGN_INMATE,
            p3,
            date(2026, 3, 31),
            date(2026, 3, 31),
            CloseReason.DEPORTED,
        ),
        "F": _case(ctx, CaseKind.FOREIGN_INMATE, p4, date(2026, 7, 1)),
        "G": _case(
            ctx,
            CaseKind.CHILD_VISITS,
            p5,
            date(2025, 8, 1),
            date(2025, 9, 30),
            CloseReason.GOALS_MET,
        ),
    }
    with ctx.uow(write=True) as uow:
        s = uow.session
        coord = s.scalar(select(User.id).where(User.username == "coord"))
        vol = s.scalar(select(User.id).where(User.username == "vol"))
        a, b, d, e = ids["A"], ids["B"], ids["D"], ids["E"]

        def meeting(
            case: uuid.UUID, at: datetime, minutes: int, kind: MeetingKind, by: object
        ) -> None:
            s.add(
                Meeting(
                    case_id=case,
                    occurred_at=at,
                    duration_minutes=minutes,
                    kind=kind,
                    recorded_by=by,
                )
            )

        meeting(a, datetime(2026, 4, 1, 0, 0), 60, MeetingKind.OFFICE, coord)
        meeting(a, datetime(2026, 6, 30, 23, 59), 30, MeetingKind.PHONE, vol)
        meeting(a, datetime(2026, 7, 1, 0, 0), 45, MeetingKind.PHONE, vol)  # next quarter
        meeting(b, datetime(2026, 5, 5, 10, 0), 90, MeetingKind.HOME_VISIT, vol)
        meeting(d, datetime(2026, 3, 31, 23, 59), 20, MeetingKind.VIDEO, coord)  # first quarter

        def visit(child: uuid.UUID, at: datetime, kind: VisitType, status: VisitStatus) -> None:
            s.add(
                ChildVisit(
                    case_id=d, child_id=child, scheduled_at=at, visit_type=kind, status=status
                )
            )

        visit(child6, datetime(2026, 4, 10, 15), VisitType.ORDINARY, VisitStatus.HELD)
        visit(child6, datetime(2026, 5, 10, 15), VisitType.CHILD_FRIENDLY_ROOM, VisitStatus.HELD)
        visit(child7, datetime(2026, 5, 11, 15), VisitType.ORDINARY, VisitStatus.CANCELLED)
        visit(child7, datetime(2026, 5, 12, 15), VisitType.ORDINARY, VisitStatus.SCHEDULED)
        visit(child7, datetime(2026, 7, 2, 15), VisitType.ORDINARY, VisitStatus.HELD)

        welfare = Organisation(name="Welfare", type=OrganisationType.WELFARE_OFFICE)
        legal = Organisation(name="Legal", type=OrganisationType.LEGAL_AID)
        s.add_all([welfare, legal])
        s.flush()
        for case, org, sent, status in (
            (a, welfare, date(2026, 4, 15), ReferralStatus.ACCEPTED),
            (a, welfare, date(2026, 6, 30), ReferralStatus.SENT),
            (b, legal, None, ReferralStatus.DRAFT),
            (b, legal, date(2026, 3, 31), ReferralStatus.COMPLETED),
            (b, legal, date(2026, 5, 1), ReferralStatus.DECLINED),
        ):
            s.add(Referral(case_id=case, organisation_id=org.id, sent_on=sent, status=status))

        for case, domain, identified, status, met in (
            (a, NeedDomain.HOUSING, date(2026, 4, 2), NeedStatus.MET, date(2026, 6, 1)),
            (a, NeedDomain.DEBT, date(2026, 1, 5), NeedStatus.MET, date(2026, 5, 5)),
            (d, NeedDomain.FAMILY_CONTACT, date(2026, 5, 5), NeedStatus.IN_PROGRESS, None),
            (a, NeedDomain.HEALTH, date(2026, 4, 20), NeedStatus.NOT_MET, None),
            (a, NeedDomain.ID_DOCUMENTS, date(2026, 2, 1), NeedStatus.MET, date(2026, 3, 1)),
        ):
            s.add(
                Need(
                    case_id=case, domain=domain, identified_on=identified, status=status, met_on=met
                )
            )

        # A: a task exactly 30 days before release (counts); B: 29 days before (does not).
        s.add(Task(title="plan", case_id=a, created_at=datetime(2026, 5, 1, 9, 0)))
        s.add(Task(title="plan", case_id=b, created_at=datetime(2026, 4, 1, 12, 0)))

        for on, outcome in (
            (date(2026, 4, 3), ConsularOutcome.CONTACT_MADE),
            (date(2026, 6, 30), ConsularOutcome.PENDING),
            (date(2026, 7, 1), ConsularOutcome.PENDING),
        ):
            s.add(
                ConsularContact(
                    case_id=e,
                    country="SE",
                    contacted_on=on,
                    channel=ContactChannel.PHONE,
                    outcome=outcome,
                )
            )
        s.add(DiscriminationReport(case_id=e, reported_on=date(2026, 5, 5), description="x"))
        s.add(DiscriminationReport(case_id=e, reported_on=date(2026, 3, 31), description="x"))
        uow.commit()
    return Built(ctx, ids)


@pytest.fixture
def built(make_workspace: Callable[..., CreatedWorkspace]) -> Iterator[Built]:
    created = make_workspace(
        "counting", users=(NewUser("vol", "Val Volunteer", Role.VOLUNTEER, PASSWORD),)
    )
    ctx = ws.unlock(created.folder, "coord", PASSWORD)
    try:
        yield build(ctx)
    finally:
        ctx.lock()


def _k(
    ind: str, kind: str = ALL, dim: str = f.TOTAL, cat: str = f.TOTAL, p: periods.Period = Q2
) -> FigureKey:
    return f.key(ind, p, kind, dim, cat)


def expected_q2() -> dict[FigureKey, int]:
    want: dict[FigureKey, int] = {}

    def put(
        ind: str,
        kind: str,
        n: int,
        dim: str = f.TOTAL,
        cat: str = f.TOTAL,
        *,
        also_all: bool = True,
    ) -> None:
        want[_k(ind, kind, dim, cat)] = want.get(_k(ind, kind, dim, cat), 0) + n
        if also_all and kind != ALL:
            want[_k(ind, ALL, dim, cat)] = want.get(_k(ind, ALL, dim, cat), 0) + n

    # caseload: RS 1 + 2 - 1 = 2 (A at start; B, C opened; B closed); CV 1 + 0 - 1 = 0 (D)
    put(f.CASES_OPEN_AT_START, RS, 1)
    put(f.CASES_OPEN_AT_START, CV, 1)
    put(f.CASES_OPENED, RS, 2)
    put(f.CASES_CLOSED, RS, 1)
    put(f.CASES_CLOSED, RS, 1, "close_reason", "goals_met")
    put(f.CASES_CLOSED, CV, 1)
    put(f.CASES_CLOSED, CV, 1, "close_reason", "lost_contact")
    put(f.CASES_OPEN_AT_END, RS, 2)
    # clients served: RS {P1, P2}, CV {P1} (D was open on 1 April), all {P1, P2}: P1 once.
    for kind, persons in ((RS, ("p1", "p2")), (CV, ("p1",)), (ALL, ("p1", "p2"))):
        attrs = {
            "p1": {"gender": "female", "age_band": "18_24", "region": "other_eu_eea"},
            "p2": {"gender": "male", "age_band": "45_54", "region": "stateless_or_unknown"},
        }
        for person in persons:
            put(f.CLIENTS_SERVED, kind, 1, also_all=False)
            for dim, cat in attrs[person].items():
                put(f.CLIENTS_SERVED, kind, 1, dim, cat, also_all=False)
        if "p1" in persons:  # needs an interpreter; first language Romanian
            put(f.CLIENTS_NEEDING_INTERPRETER, kind, 1, also_all=False)
            put(
                f.CLIENTS_NEEDING_INTERPRETER,
                kind,
                1,
                "language_group",
                "other_european",
                also_all=False,
            )
    # meetings: 1 April 00:00 and 30 June 23:59 count, 1 July and 31 March do not
    put(f.MEETINGS, RS, 3)
    for kind in ("office", "phone", "home_visit"):
        put(f.MEETINGS, RS, 1, "meeting_kind", kind)
    put(f.MEETINGS_BY_VOLUNTEERS, RS, 2)
    # child visits: two held (one child), one cancelled; scheduled and July ones left out
    put(f.CHILD_VISITS_HELD, ALL, 2)
    put(f.CHILD_VISITS_HELD, ALL, 1, "visit_type", "ordinary")
    put(f.CHILD_VISITS_HELD, ALL, 1, "visit_type", "child_friendly_room")
    put(f.CHILD_VISITS_CANCELLED, ALL, 1)
    put(f.CHILD_VISITS_CANCELLED, ALL, 1, "visit_type", "ordinary")
    put(f.CHILDREN_VISITING, ALL, 1)
    # referrals: by sent_on; the draft never sent and the March one are left out
    put(f.REFERRALS_SENT, ALL, 3)
    put(f.REFERRALS_SENT, ALL, 2, "organisation_type", "welfare_office")
    put(f.REFERRALS_SENT, ALL, 1, "organisation_type", "legal_aid")
    for ind, org in (
        (f.REFERRALS_ACCEPTED, "welfare_office"),
        (f.REFERRALS_AWAITING, "welfare_office"),
        (f.REFERRALS_DECLINED, "legal_aid"),
    ):
        put(ind, ALL, 1)
        put(ind, ALL, 1, "organisation_type", org)
    # needs: identified housing, health (RS) and family contact (CV); met housing and debt
    put(f.NEEDS_IDENTIFIED, RS, 2)
    put(f.NEEDS_IDENTIFIED, RS, 1, "need_domain", "housing")
    put(f.NEEDS_IDENTIFIED, RS, 1, "need_domain", "health")
    put(f.NEEDS_IDENTIFIED, CV, 1)
    put(f.NEEDS_IDENTIFIED, CV, 1, "need_domain", "family_contact")
    put(f.NEEDS_MET, RS, 2)
    put(f.NEEDS_MET, RS, 1, "need_domain", "housing")
    put(f.NEEDS_MET, RS, 1, "need_domain", "debt")
    # release: P1 (A, task exactly 30 days before) with a plan, P2 (B, 29 days) without
    want[_k(f.CLIENTS_RELEASED, RS)] = 2
    want[_k(f.RELEASED_WITH_PLAN, RS)] = 1
    want[_k(f.RELEASED_WITHOUT_PLAN, RS)] = 1
    # foreign: two consular contacts (3 April, 30 June), one discrimination report
    put(f.CONSULAR_CONTACTS, ALL, 2)
    put(f.CONSULAR_CONTACTS, ALL, 1, "consular_outcome", "contact_made")
    put(f.CONSULAR_CONTACTS, ALL, 1, "consular_outcome", "pending")
    put(f.DISCRIMINATION_REPORTS, ALL, 1)
    # the trend, 2025-Q3 … 2026-Q2 (2026-Q2's own figures are the keys above)
    q3, q4, q1 = periods.quarter(2025, 3), periods.quarter(2025, 4), periods.quarter(2026, 1)
    trend = {
        f.CLIENTS_SERVED: {q3: 1, q4: 1, q1: 2},  # G; D; A, D, E (P1 once, P3)
        f.CASES_OPENED: {q3: 1, q4: 1, q1: 2},  # G; D; A, E
        f.CASES_CLOSED: {q3: 1, q1: 1},  # G on 30 Sept; E on 31 March
        f.CASES_OPEN_AT_END: {q4: 1, q1: 2},  # D; A, D
        f.MEETINGS: {q1: 1},
        f.REFERRALS_SENT: {q1: 1},
        f.NEEDS_MET: {q1: 1},
    }
    for ind, by_quarter in trend.items():
        for q, n in by_quarter.items():
            want[_k(ind, p=q)] = n
    return want


def test_every_count_follows_the_rules(built: Built) -> None:
    with built.ctx.engine.connect() as conn:
        counts = queries.count_all(conn, Q2, periods.trend_quarters(Q2))
    found = {k: v for k, v in counts.values.items() if v}
    want = expected_q2()
    assert {k: found.get(k) for k in want if found.get(k) != want[k]} == {}
    assert {k: v for k, v in found.items() if k not in want} == {}
    assert counts.minutes[RS] == counts.minutes[ALL] == 60 + 30 + 90


def test_a_range_that_is_a_quarter_has_the_quarters_trend(built: Built) -> None:
    # The trend quarter that is the period itself takes the period's own count; a range
    # covering exactly 2026-Q2 must get the same trend as the quarter does.
    as_range = periods.Period(Q2.start, Q2.end)  # a range (date_range would make it Q2)
    assert as_range.code != Q2.code
    trend = periods.trend_quarters(as_range)
    with built.ctx.engine.connect() as conn:
        by_quarter = queries.count_all(conn, Q2, trend)
        by_range = queries.count_all(conn, as_range, trend)
    trend_keys = [k for k in by_range.values if k.period in {q.code for q in trend}]
    assert len(trend_keys) > 20
    assert {k: by_range.values[k] for k in trend_keys} == {
        k: by_quarter.values[k] for k in trend_keys
    }
    assert by_range.values[f.key(f.MEETINGS, Q2)] == 3


#: The summary's big tables: read from indexes alone, so that what one computation reads fits
#: in the page cache (see migration 0010).
_BIG = ("cases", "people", "meetings", "tasks", "needs", "child_visits", "audit_events")


@pytest.mark.sqlcipher_only  # SQLite's query plans and page cache
def test_the_summary_reads_big_tables_through_covering_indexes_only(built: Built) -> None:
    from sqlalchemy import event

    statements: list[tuple[str, object]] = []

    def capture(_c: object, _cur: object, sql: str, params: object, *_: object) -> None:
        statements.append((sql, params))

    event.listen(built.ctx.engine, "before_cursor_execute", capture)
    try:
        service.compute_summary(built.ctx, Q2)
    finally:
        event.remove(built.ctx.engine, "before_cursor_execute", capture)
    reads = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) > 20
    assert any("INDEXED BY ix_cases_id_kind" in s for s, _ in reads)
    raw = built.ctx.engine.raw_connection()
    try:
        steps = [
            row[3]
            for sql, params in reads
            for row in raw.cursor().execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
        ]
    finally:
        raw.close()
    on_big = [
        s for s in steps if s.split(" ")[:1] in (["SCAN"], ["SEARCH"]) and s.split()[1] in _BIG
    ]
    assert on_big, steps
    assert [s for s in on_big if "COVERING INDEX" not in s] == []


def test_the_caseload_adds_up_across_the_trend(built: Built) -> None:
    summary = service.compute_summary(built.ctx, Q2, threshold=3)
    values = {k: fig.value for k, fig in summary.figures.items()}
    for before, q in zip(summary.trend, summary.trend[1:], strict=False):
        end_before = values[_k(f.CASES_OPEN_AT_END, p=before)]
        opened, closed = values[_k(f.CASES_OPENED, p=q)], values[_k(f.CASES_CLOSED, p=q)]
        if None not in (end_before, opened, closed):
            assert values[_k(f.CASES_OPEN_AT_END, p=q)] == end_before + opened - closed  # type: ignore[operator]


def test_the_summary_hides_small_counts_and_keeps_zeros(built: Built) -> None:
    summary = service.compute_summary(built.ctx, Q2)  # the default threshold, 5
    assert summary.threshold == 5
    served = summary.get(f.CLIENTS_SERVED)
    assert served.suppressed and served.value is None  # 4 people
    assert summary.get(f.CASES_OPENED, FI).value == 0
    assert summary.get(f.CASES_OPENED, FI).status == FigureStatus.PUBLISHED
    hours = summary.get(f.MEETING_HOURS, RS)
    assert hours.value is None  # 3 meetings: their hours would tell too much
    share = summary.get(f.RELEASE_PLAN_SHARE, RS)
    assert share.value is None and share.status == FigureStatus.SECONDARY
    for figure in summary:
        if figure.value is not None and isinstance(figure.value, int):
            assert not 0 < figure.value < 5 or figure.key.indicator == f.RELEASE_PLAN_SHARE


def test_with_threshold_three_the_hours_follow_their_meetings(built: Built) -> None:
    summary = service.compute_summary(built.ctx, Q2, threshold=3)
    shown = [k for k in f.KINDS_AND_ALL if summary.get(f.MEETINGS, k).published]
    assert shown, "at threshold 3 some meeting counts are published"
    for k in f.KINDS_AND_ALL:
        meetings, hours = summary.get(f.MEETINGS, k), summary.get(f.MEETING_HOURS, k)
        assert hours.published == meetings.published
    assert summary.get(f.CLIENTS_RELEASED, RS).value is None  # 2 released: below 3


def test_a_year_is_the_sum_of_its_quarters(built: Built) -> None:
    year = periods.year(2026)
    quarters = service.compute_summary(built.ctx, year, threshold=3)
    assert [q.code for q in quarters.trend] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    with built.ctx.engine.connect() as conn:
        counts = queries.count_all(conn, year, quarters.trend)
    for ind in f.ADDITIVE:
        total = counts.values[f.key(ind, year)]
        assert total == sum(counts.values[f.key(ind, q)] for q in quarters.trend), ind


def test_a_custom_range_has_no_trend_and_says_why(built: Built) -> None:
    period = periods.date_range(date(2026, 4, 15), date(2026, 6, 30))
    summary = service.compute_summary(built.ctx, period, threshold=3)
    assert summary.trend == ()
    with built.ctx.engine.connect() as conn:
        counts = queries.count_all(conn, period, ())
    # case B was opened on 5 April, before the range: open at the start, closed in it
    assert counts.values[f.key(f.CASES_OPENED, period, RS)] == 1  # C only
    assert counts.values[f.key(f.CASES_OPEN_AT_START, period, RS)] == 2  # A, B
