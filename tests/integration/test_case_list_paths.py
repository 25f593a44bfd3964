"""The case list reads the same rows whichever way it reads them.

``cases`` chooses between strategies by the number of matches (walk the activity index and
test each line, or find the matches and sort them), reads the default order from the search
index's copies of the case columns, and can hand out every id for scrolling. Each is checked
against a plain Python reading of the same cases, and the copies against the cases.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app.features.cases.services import case_list, cases, meetings
from app.models.enums import CaseKind, CaseStatus, CloseReason, MeetingKind
from app.services.context import ServiceContext
from app.store import case_list as list_sql
from app.store.search import fold, latin, variants
from tests.integration.helpers.casework import client, sign_in_new_user

NAMES = [
    ("Ștefan", "Popescu"),
    ("Ørjan", "Ølstad"),
    ("Пётр", "Иванов"),
    ("Anna", "Berg"),
    ("Ana", "Bergersen"),
    ("Ion", "Stan"),
    ("Kari", "Nordmann"),
    ("Olga", "Petrova"),
]
NOT_CLOSED = frozenset(s for s in CaseStatus if s != CaseStatus.CLOSED)


@pytest.fixture
def world(ctx: ServiceContext, workspace: object) -> dict[str, object]:
    """24 cases over 8 clients, of every kind and status, two workers and a volunteer."""
    folder: Path = workspace.folder  # type: ignore[attr-defined]
    volunteer, volunteer_ctx = sign_in_new_user(ctx, folder, "vera")
    rng = random.Random(7)
    people = [client(ctx, given, family) for given, family in NAMES]
    kinds = list(CaseKind)
    made = []
    for n in range(24):
        person = people[n % len(people)]
        case = cases.open_case(
            ctx,
            cases.CaseInput(
                kind=kinds[n % 3],
                client_id=person.id,
                opened_on=date(2025, 1, 1) + timedelta(days=n),
                worker_id=ctx.require_actor().id if n % 2 else None,
                volunteer_id=volunteer.id if n % 5 == 0 else None,
            ),
        )
        made.append(case)
    for case in rng.sample(made, 12):
        cases.change_status(ctx, case.id, CaseStatus.OPEN)
    for case in rng.sample(made, 5):
        if cases.get_case(ctx, case.id).status == CaseStatus.OPEN:
            cases.change_status(ctx, case.id, CaseStatus.CLOSED, close_reason=CloseReason.GOALS_MET)
    for case in rng.sample(made, 8):  # activity in a new order
        meetings.record_meeting(
            ctx,
            meetings.MeetingInput(
                case_id=case.id,
                occurred_at=datetime.now() - timedelta(hours=1),
                duration_minutes=30,
                kind=MeetingKind.PHONE,
                summary="Checked in.",
            ),
        )
    yield {"volunteer_ctx": volunteer_ctx, "volunteer_id": volunteer.id}
    volunteer_ctx.lock()


def reference(ctx: ServiceContext, query: case_list.CaseQuery) -> list[uuid.UUID]:
    """The list as a person would work it out: every visible case, filtered, newest first."""
    everything = case_list.list_cases(ctx, case_list.CaseQuery(), limit=10_000)
    words = [variants(w) for w in fold(query.text).split()]  # a name in another script: either
    actor = ctx.require_actor()
    kept = []
    for row in everything:
        view = cases.get_case(ctx, row.id)
        text = f"{row.reference} {row.client_name} {row.institution_name or ''}"
        line = f"{fold(text)} {latin(text)}"  # and its Latin spelling (Иванов: "ivanov")
        if query.statuses and row.status not in query.statuses:
            continue
        if query.kinds and row.kind not in query.kinds:
            continue
        if query.mine and actor.id not in (view.worker_id, view.volunteer_id):
            continue
        if query.worker_id is not None and view.worker_id != query.worker_id:
            continue
        if all(any(v in line for v in w) for w in words):
            kept.append(row)
    kept.sort(key=lambda r: r.id.hex)
    kept.sort(key=lambda r: r.last_activity_at, reverse=True)
    return [r.id for r in kept]


QUERIES = [
    case_list.CaseQuery(statuses=NOT_CLOSED),
    case_list.CaseQuery(),
    case_list.CaseQuery(text="a", statuses=NOT_CLOSED),
    case_list.CaseQuery(text="an"),
    case_list.CaseQuery(text="berg"),
    case_list.CaseQuery(text="Ø"),
    case_list.CaseQuery(text="ste pop"),
    case_list.CaseQuery(text="hw-2025", kinds=frozenset({CaseKind.CHILD_VISITS})),
    case_list.CaseQuery(text="петр", statuses=NOT_CLOSED),
    case_list.CaseQuery(text="e", mine=True),
    case_list.CaseQuery(text="zz"),
    case_list.CaseQuery(statuses=frozenset({CaseStatus.CLOSED})),
    case_list.CaseQuery(
        statuses=frozenset({CaseStatus.OPEN}), kinds=frozenset({CaseKind.CHILD_VISITS})
    ),
]


@pytest.mark.parametrize("walk_above", [0, 10**9], ids=["many-matches", "few-matches"])
def test_every_strategy_reads_the_same_list(
    ctx: ServiceContext,
    world: dict[str, object],
    monkeypatch: pytest.MonkeyPatch,
    walk_above: int,
) -> None:
    monkeypatch.setattr(list_sql, "WALK_ABOVE", walk_above)
    mine = ctx.require_actor().id
    for query in [*QUERIES, case_list.CaseQuery(worker_id=mine, statuses=NOT_CLOSED)]:
        expected = reference(ctx, query)
        page = case_list.first_page(ctx, query, limit=5)
        assert page.total == len(expected) == case_list.count_cases(ctx, query), query
        assert [r.id for r in page.rows] == expected[:5], query
        pages = [case_list.list_cases(ctx, query, offset=o, limit=5) for o in range(0, 30, 5)]
        assert [r.id for p in pages for r in p] == expected, query
        ids = case_list.case_ids(ctx, query)
        assert list(ids) == expected and ids[1:3] == expected[1:3], query
        middle = ids[len(ids) // 2 :]
        assert [r.id for r in case_list.case_rows(ctx, middle)] == middle


def test_other_orders_agree_between_pages_and_ids(
    ctx: ServiceContext, world: dict[str, object]
) -> None:
    for sort in case_list.CaseSort:
        for text_ in ("", "an"):
            query = case_list.CaseQuery(text=text_, sort=sort, descending=False)
            listed = [r.id for r in case_list.list_cases(ctx, query, limit=10_000)]
            assert list(case_list.case_ids(ctx, query)) == listed, (sort, text_)
            assert case_list.first_page(ctx, query, limit=3).rows == case_list.list_cases(
                ctx, query, limit=3
            )


def test_a_volunteer_reads_only_their_cases_every_way(
    ctx: ServiceContext, world: dict[str, object]
) -> None:
    volunteer_ctx: ServiceContext = world["volunteer_ctx"]  # type: ignore[assignment]
    theirs = {
        r.id
        for r in case_list.list_cases(ctx, case_list.CaseQuery(), limit=10_000)
        if cases.get_case(ctx, r.id).volunteer_id == world["volunteer_id"]
    }
    assert theirs
    for query in (case_list.CaseQuery(), case_list.CaseQuery(text="a")):
        assert {r.id for r in case_list.first_page(volunteer_ctx, query).rows} <= theirs
        assert set(case_list.case_ids(volunteer_ctx, query)) <= theirs
    everyone = list(case_list.case_ids(ctx))
    assert {r.id for r in case_list.case_rows(volunteer_ctx, everyone)} == theirs


def test_the_search_index_copies_stay_equal_to_the_cases(
    ctx: ServiceContext, world: dict[str, object]
) -> None:
    some = case_list.list_cases(ctx, case_list.CaseQuery(statuses=frozenset({CaseStatus.OPEN})))[0]
    view = cases.get_case(ctx, some.id)
    cases.update_case(
        ctx,
        some.id,
        cases.CaseInput(
            **{
                name: getattr(view, name)
                for name in cases.CaseInput.__dataclass_fields__
                if name not in ("worker_id", "volunteer_id")
            },
            worker_id=None,
            volunteer_id=None,
        ),
    )
    cases.change_status(ctx, some.id, CaseStatus.ACTIVE)
    with ctx.engine.connect() as conn:
        different = conn.execute(
            text(
                "SELECT count(*) FROM cases c LEFT JOIN case_search_index s ON s.case_id = c.id "
                "WHERE s.id IS NULL OR s.status IS DISTINCT FROM c.status "
                "OR s.kind IS DISTINCT FROM c.kind OR s.worker_id IS DISTINCT FROM c.worker_id "
                "OR s.volunteer_id IS DISTINCT FROM c.volunteer_id "
                "OR s.last_activity_at IS DISTINCT FROM c.last_activity_at"
            )
        ).scalar_one()
        total = conn.execute(text("SELECT count(*) FROM case_search_index")).scalar_one()
    assert different == 0
    assert total == case_list.count_cases(ctx) == 24


def test_the_read_cursor_reads_one_snapshot_and_writes_nothing(
    ctx: ServiceContext, store_engine: str
) -> None:
    """The case list's raw read transaction sees one snapshot, and whatever is run on it
    is rolled back (PostgreSQL refuses it outright: the transaction is read-only): its
    connection goes back to the pool clean."""
    from app.store.uow import read_cursor

    with read_cursor(ctx.engine) as cursor:
        before = cursor.execute("SELECT count(*) FROM cases").fetchone()[0]
        if store_engine == "postgresql":
            with pytest.raises(Exception, match="read-only transaction"):
                cursor.execute("CREATE TABLE scratch (x integer)")
        else:
            cursor.execute("CREATE TABLE scratch (x)")
    with read_cursor(ctx.engine) as cursor:
        assert cursor.execute("SELECT count(*) FROM cases").fetchone()[0] == before
        exists = "SELECT 1 FROM information_schema.tables WHERE table_name = 'scratch'"
        if store_engine == "sqlcipher":
            exists = "SELECT 1 FROM sqlite_master WHERE name = 'scratch'"
        assert not cursor.execute(exists).fetchall()
    with ctx.uow() as uow:  # the pooled connection is usable for ordinary work afterwards
        assert uow.session.execute(text("SELECT count(*) FROM cases")).scalar_one() == before


@pytest.mark.parametrize("walk_above", [0, 10**9], ids=["walk-names", "sort-matches"])
@pytest.mark.parametrize("descending", [False, True], ids=["a-z", "z-a"])
def test_client_name_order_is_the_same_either_way(
    ctx: ServiceContext,
    world: dict[str, object],
    monkeypatch: pytest.MonkeyPatch,
    walk_above: int,
    descending: bool,
) -> None:
    """Sorting by client: walking the people name index and sorting the matches give the
    list a person would write down (family name, given name; one client's cases by id)."""
    monkeypatch.setattr(list_sql, "WALK_ABOVE", walk_above)
    family_of = {f"{given} {family}": (family, given) for given, family in NAMES}
    for query in (
        case_list.CaseQuery(statuses=NOT_CLOSED),
        case_list.CaseQuery(),
        case_list.CaseQuery(text="an"),
        case_list.CaseQuery(text="e", kinds=frozenset({CaseKind.RELEASE_SUPPORT})),
    ):
        query = case_list.CaseQuery(
            text=query.text,
            kinds=query.kinds,
            statuses=query.statuses,
            sort=case_list.CaseSort.CLIENT,
            descending=descending,
        )
        wanted = set(reference(ctx, query))
        kept = [
            r
            for r in case_list.list_cases(ctx, case_list.CaseQuery(), limit=10_000)
            if r.id in wanted
        ]
        kept.sort(key=lambda r: r.id.hex)  # one client's cases: by id, whichever direction
        kept.sort(key=lambda r: family_of[r.client_name], reverse=descending)
        expected = [r.id for r in kept]
        assert [r.id for r in case_list.first_page(ctx, query, limit=4).rows] == expected[:4]
        pages = [case_list.list_cases(ctx, query, offset=o, limit=4) for o in range(0, 28, 4)]
        assert [r.id for p in pages for r in p] == expected, query
        assert list(case_list.case_ids(ctx, query)) == expected, query
