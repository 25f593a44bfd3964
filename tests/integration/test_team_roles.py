"""The team server enforces DESIGN.md §4 itself (issue 20): each role is checked through a
plain psycopg connection — not through Homeward — against the permission matrix written out
here, table by table and restricted field by restricted field.

The server is the 40-case demo moved onto a fresh database of the test cluster (rows copied,
then made a team server by :func:`app.services.team.adopt_workspace`, which re-keys the audit
trail under a key only the server holds). The attacker knows every rule: they try the base
tables behind the views, the private key table, the audit rows, other people's rows.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from app.demo.workspace import DEMO_PASSWORD, DEMO_USERS, create_demo_workspace
from app.models.base import Base
from app.security import keyslots as ks
from app.services.team import ServerAddress, adopt_workspace, sign_in
from app.store import copies
from app.store.engine import KeyHolder
from app.store.pg_engine import make_server_engine
from tests.pg_cluster import Cluster

pytestmark = pytest.mark.postgresql_only

COORDINATOR, WORKER, VOLUNTEER = (u.username for u in DEMO_USERS)
#: Tables only coordinators reach (DESIGN.md §4: users, settings, exports, audit, imports).
COORDINATOR_ONLY = {
    "users",
    "settings",
    "export_records",
    "erasure_receipts",
    "import_batches",
    "import_keys",
    "audit_events",
}
#: Whole records volunteers never receive.
RESTRICTED_RECORDS = {
    "attachments",
    "consular_contacts",
    "discrimination_reports",
    "family_abroad",
    "immigration_records",
}
#: Restricted fields (DESIGN.md §4 and the issue), always empty for volunteers.
RESTRICTED_FIELDS = {
    "cases": ("offence_category", "summary"),
    "people": ("national_id", "notes"),
    "child_visits": ("status_reason", "child_reaction", "follow_up"),
    "visit_assessments": ("notes",),
    "consents": ("notes",),
}
HEALTH_DOMAINS = ("health", "mental_health", "substance_use")


@dataclass
class Team:
    cluster: Cluster
    database: str
    url: str
    ids: dict[str, uuid.UUID]

    def connect(self, user: str) -> psycopg.Connection[Any]:
        """A plain connection as ``user`` (the test cluster trusts its socket)."""
        return psycopg.connect(
            host=str(self.cluster.root), dbname=self.database, user=user, autocommit=True
        )

    def admin(self) -> psycopg.Connection[Any]:
        return self.connect("postgres")

    @property
    def address(self) -> ServerAddress:
        return ServerAddress(host=str(self.cluster.root), database=self.database)


def drop_roles(cluster: Cluster, database: str, logins: tuple[str, ...]) -> None:
    """Roles are the cluster's, not the database's: gone with the test's database."""
    with psycopg.connect(
        host=str(cluster.root), dbname="postgres", user="postgres", autocommit=True
    ) as conn:
        for role in (
            *logins,
            *(f"{database}_{r}" for r in ("coordinator", "social_worker", "volunteer")),
        ):
            with contextlib.suppress(psycopg.Error):
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def team(pg_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    folder = tmp_path_factory.mktemp("team") / "demo"
    create_demo_workspace(folder, cases=40, seed=11, kdf_seconds=0)
    slots = ks.KeySlotFile.load(folder / "keyslots.json")
    _slot, data_key = ks.unlock_with_password(slots, COORDINATOR, DEMO_PASSWORD)
    database = pg_cluster.fresh_name()
    url = pg_cluster.create_database(database)
    engine = make_server_engine(url)
    try:
        copies.load_copy(folder / "homeward.db", KeyHolder(data_key), engine)
    finally:
        engine.dispose()
    adopt_workspace(url, slots, {u.username: DEMO_PASSWORD for u in DEMO_USERS})
    with psycopg.connect(host=str(pg_cluster.root), dbname=database, user="postgres") as conn:
        ids = {name: uid for uid, name in conn.execute("SELECT id, username FROM users").fetchall()}
        _restricted_on_a_volunteers_case(conn, ids[VOLUNTEER])
    try:
        yield Team(pg_cluster, database, url, dict(ids))
    finally:
        pg_cluster.drop_database(database)
        drop_roles(pg_cluster, database, tuple(ids))


def _restricted_on_a_volunteers_case(conn: psycopg.Connection[Any], volunteer: uuid.UUID) -> None:
    """Put every kind of restricted data on one of the volunteer's cases, so that each check
    of it below can fail: restricted records moved there, restricted fields filled."""
    case, client = conn.execute(
        "SELECT id, client_id FROM cases WHERE volunteer_id = %s ORDER BY reference LIMIT 1",
        (volunteer,),
    ).fetchone()  # type: ignore[misc]
    conn.execute(
        "INSERT INTO visit_assessments (id, case_id, child_id, assessed_on, assessed_by, outcome,"
        " notes, created_at, updated_at) VALUES (gen_random_uuid(), %s, %s, current_date,"
        " 'Child protection office', 'approved', 'canary', now(), now())",
        (case, client),
    )
    for name in sorted({*RESTRICTED_RECORDS - {"attachments"}, "child_visits"}):
        moved = conn.execute(
            f'UPDATE "{name}" SET case_id = %s WHERE id = (SELECT id FROM "{name}" LIMIT 1)',
            (case,),
        ).rowcount
        assert moved == 1, f"the demo has no {name}"
    conn.execute(
        "INSERT INTO attachments (id, case_id, person_id, filename, media_type, size, sha256,"
        " content, created_at, updated_at) VALUES (gen_random_uuid(), %s, %s, 'letter.pdf',"
        " 'application/pdf', 6, repeat('0', 64), 'canary', now(), now())",
        (case, client),
    )
    conn.execute("UPDATE people SET notes = 'canary' WHERE id = %s", (client,))
    conn.execute(
        "UPDATE child_visits SET status_reason = 'canary', child_reaction = 'canary',"
        " follow_up = 'canary' WHERE case_id = %s",
        (case,),
    )
    conn.execute("UPDATE visit_assessments SET notes = 'canary' WHERE case_id = %s", (case,))
    moved = conn.execute(
        "UPDATE consents SET person_id = %s, notes = 'canary'"
        " WHERE id = (SELECT id FROM consents LIMIT 1)",
        (client,),
    ).rowcount
    assert moved == 1
    conn.execute(
        "INSERT INTO needs (id, case_id, domain, status, identified_on, created_at, updated_at)"
        " VALUES (gen_random_uuid(), %s, 'mental_health', 'identified', current_date, now(),"
        " now())",
        (case,),
    )


def _count(conn: psycopg.Connection[Any], sql: str, *params: Any) -> int:
    return int(conn.execute(sql, params).fetchone()[0])  # type: ignore[index]


def _denied(conn: psycopg.Connection[Any], sql: str, *params: Any) -> bool:
    try:
        with conn.transaction():
            conn.execute(sql, params)  # type: ignore[arg-type]
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


TABLES = [t.name for t in Base.metadata.sorted_tables]


def test_no_role_reads_the_audit_key_or_changes_an_audit_row(team: Team) -> None:
    for user in (COORDINATOR, WORKER, VOLUNTEER):
        with team.connect(user) as conn:
            assert _denied(conn, "SELECT * FROM hw_private.keys")
            assert _denied(conn, "SELECT hw_private.hmac('audit', '\\x00'::bytea)")
            assert _denied(conn, "DELETE FROM public.audit_events")
            assert _denied(conn, "TRUNCATE public.audit_events")
            assert _denied(conn, "UPDATE public.audit_events SET mac = 'x'")
            assert _denied(
                conn,
                "INSERT INTO public.audit_events (id, sequence, occurred_at, action, fields, mac,"
                " created_at, updated_at) VALUES (gen_random_uuid(), 999999, now(), 'x', '',"
                " 'x', now(), now())",
            )
    with team.connect(COORDINATOR) as conn:
        # Erasure may cut an event's links, nothing more: the guard refuses the rest.
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute(
                "UPDATE audit_events SET case_id = gen_random_uuid() WHERE case_id IS NOT NULL"
            )
        assert conn.execute("SELECT first_bad, head_ok FROM hw_team.audit_verify()").fetchone() == (
            None,
            True,
        )
    for user in (WORKER, VOLUNTEER):
        with team.connect(user) as conn:
            assert _denied(conn, "SELECT * FROM hw_team.audit_verify()")


def test_an_event_is_recorded_as_its_own_user_at_the_servers_time(team: Team) -> None:
    with team.connect(VOLUNTEER) as conn:
        someone_else = team.ids[COORDINATOR]
        assert _denied(
            conn,
            "SELECT * FROM hw_team.audit_append('view_case', 'case', NULL, '', NULL, NULL, %s,"
            " NULL)",
            someone_else,
        )
        sequence, _mac = conn.execute(
            "SELECT * FROM hw_team.audit_append('view_case', 'case', NULL, '', NULL, NULL, NULL,"
            " '2001-01-01')"
        ).fetchone()  # type: ignore[misc]
    with team.admin() as conn:
        user, year = conn.execute(
            "SELECT user_id, extract(year FROM occurred_at) FROM audit_events WHERE sequence = %s",
            (sequence,),
        ).fetchone()  # type: ignore[misc]
    assert user == team.ids[VOLUNTEER] and year > 2001
    with team.connect(COORDINATOR) as conn:
        assert conn.execute("SELECT first_bad, head_ok FROM hw_team.audit_verify()").fetchone() == (
            None,
            True,
        )


def test_coordinators_see_every_row_of_every_table(team: Team) -> None:
    with team.admin() as admin, team.connect(COORDINATOR) as conn:
        for name in TABLES:
            if name in ("drafts", "recent_views"):
                continue  # a user's own rows (next test)
            assert _count(conn, f'SELECT count(*) FROM "{name}"') == _count(
                admin, f'SELECT count(*) FROM "{name}"'
            ), name


def test_social_workers_reach_case_work_but_not_the_coordinators_tables(team: Team) -> None:
    with team.admin() as admin, team.connect(WORKER) as conn:
        for name in TABLES:
            if name in COORDINATOR_ONLY:
                assert _denied(conn, f'SELECT * FROM public."{name}" LIMIT 1'), name
            elif name not in ("drafts", "recent_views"):
                total = _count(admin, f'SELECT count(*) FROM "{name}"')
                assert _count(conn, f'SELECT count(*) FROM public."{name}"') == total, name
        # Restricted fields are theirs to read (DESIGN.md §4): the same values the owner sees.
        for name, columns in {**RESTRICTED_FIELDS, "meetings": ("summary", "wellbeing")}.items():
            for column in columns:
                sql = f'SELECT count("{column}") FROM public."{name}"'
                assert _count(conn, sql) == _count(admin, sql), (name, column)
        for name in RESTRICTED_RECORDS:
            sql = f'SELECT count(*) FROM public."{name}"'
            assert _count(conn, sql) == _count(admin, sql), name
        # What the app needs of those tables, through the social worker's views.
        assert _count(conn, "SELECT count(*) FROM users WHERE last_sign_in_at IS NOT NULL") == 0
        assert _count(conn, "SELECT count(*) FROM users") == len(team.ids)
        assert _count(conn, "SELECT count(*) FROM settings WHERE key = 'audit_head'") == 0
        assert _count(conn, "SELECT count(*) FROM audit_events WHERE case_id IS NULL") == 0
        assert _count(conn, "SELECT count(*) FROM audit_events") == _count(
            admin, "SELECT count(*) FROM audit_events WHERE case_id IS NOT NULL"
        )
        for name in ("export_records", "erasure_receipts", "import_batches", "import_keys"):
            assert _count(conn, f"SELECT count(*) FROM {name}") == 0
        assert _denied(conn, "UPDATE public.users SET role = 'coordinator'")
        assert _denied(conn, "UPDATE users SET role = 'coordinator'")
        assert _denied(
            conn,
            "INSERT INTO public.settings (id, key, value, created_at, updated_at)"
            " VALUES (gen_random_uuid(), 'x', '1', now(), now())",
        )


def test_volunteers_see_only_their_cases_and_no_restricted_field(team: Team) -> None:
    me = team.ids[VOLUNTEER]
    with team.admin() as admin, team.connect(VOLUNTEER) as conn:
        mine = {
            r[0]
            for r in admin.execute(
                "SELECT id FROM cases WHERE volunteer_id = %s OR worker_id = %s", (me, me)
            )
        }
        assert mine, "the demo assigns cases to its volunteer"
        assert {r[0] for r in conn.execute("SELECT id FROM cases")} == mine
        clients = {
            r[0]
            for r in admin.execute("SELECT client_id FROM cases WHERE id = ANY(%s)", (list(mine),))
        }
        assert {r[0] for r in conn.execute("SELECT id FROM people")} == clients
        # No base table at all: only the views (and their own drafts and recent cases).
        for name in TABLES:
            if name in ("drafts", "recent_views"):
                continue
            assert _denied(conn, f'SELECT 1 FROM public."{name}" LIMIT 1'), name
        for name in RESTRICTED_RECORDS | COORDINATOR_ONLY - {"users", "settings"}:
            assert _count(conn, f'SELECT count(*) FROM "{name}"') == 0, name
        for name, columns in RESTRICTED_FIELDS.items():
            key = {"cases": "id", "people": "id", "consents": "person_id"}.get(name, "case_id")
            scope = clients if key in ("person_id",) or name == "people" else mine
            for column in columns:
                there = f'SELECT count("{column}") FROM "{name}" WHERE "{key}" = ANY(%s)'
                assert _count(admin, there, list(scope)) > 0, (name, column)  # can fail
                assert _count(conn, f'SELECT count("{column}") FROM "{name}"') == 0, (name, column)
        for name in RESTRICTED_RECORDS:
            there = f'SELECT count(*) FROM "{name}" WHERE case_id = ANY(%s)'
            assert _count(admin, there, list(mine)) > 0, name
        # Rows under their cases, and only those.
        for name in ("meetings", "needs", "child_visits", "referrals", "custody_events"):
            cases = {r[0] for r in conn.execute(f'SELECT DISTINCT case_id FROM "{name}"')}
            assert cases <= mine, name
        assert (
            _count(conn, "SELECT count(*) FROM needs WHERE domain = ANY(%s)", list(HEALTH_DOMAINS))
            == 0
        )
        # Other people's notes and wellbeing scores are empty; their own are theirs.
        others = "SELECT count(*) FROM meetings WHERE recorded_by <> %s AND ({} IS NOT NULL)"
        assert _count(conn, others.format("summary"), me) == 0
        assert _count(conn, others.format("wellbeing"), me) == 0
        assert _count(conn, "SELECT count(*) FROM tasks WHERE assignee_id <> %s", me) == 0
        assert _count(conn, "SELECT count(*) FROM settings WHERE key = 'audit_head'") == 0


def test_volunteers_write_only_what_is_theirs(team: Team) -> None:
    me = team.ids[VOLUNTEER]
    with team.admin() as admin, team.connect(VOLUNTEER) as conn:
        mine = admin.execute(
            "SELECT id FROM cases WHERE volunteer_id = %s OR worker_id = %s LIMIT 1", (me, me)
        ).fetchone()[0]  # type: ignore[index]
        other = admin.execute(
            "SELECT id FROM cases WHERE volunteer_id IS DISTINCT FROM %s"
            " AND worker_id IS DISTINCT FROM %s LIMIT 1",
            (me, me),
        ).fetchone()[0]  # type: ignore[index]
        meeting = (
            "INSERT INTO meetings (id, case_id, occurred_at, duration_minutes, kind, recorded_by,"
            " summary, interpreter_used, created_at, updated_at) VALUES (gen_random_uuid(), %s,"
            " now(), 30, 'phone', %s, 'canary note', false, now(), now())"
        )
        with conn.transaction():
            conn.execute(meeting, (mine, me))
        assert _denied(conn, meeting, other, me)
        assert _denied(conn, meeting, mine, team.ids[WORKER])  # not as someone else
        assert _denied(conn, "UPDATE cases SET reference = reference || 'x' WHERE id = %s", mine)
        assert _denied(conn, "UPDATE meetings SET summary = 'x' WHERE recorded_by <> %s", me) or (
            _count(admin, "SELECT count(*) FROM meetings WHERE summary = 'x'") == 0
        )
        assert _denied(conn, "DELETE FROM cases WHERE id = %s", mine)
        with conn.transaction():
            conn.execute("UPDATE cases SET last_activity_at = now() WHERE id = %s", (mine,))
        # Their own drafts only.
        for user in (WORKER, VOLUNTEER):
            with team.connect(user) as own, own.transaction():
                own.execute(
                    "INSERT INTO drafts (id, user_id, kind, payload, created_at, updated_at)"
                    " VALUES (gen_random_uuid(), %s, 'meeting', '{}', now(), now())",
                    (team.ids[user],),
                )
        assert _count(conn, "SELECT count(*) FROM drafts WHERE user_id <> %s", me) == 0
        assert (
            _denied(
                conn,
                "INSERT INTO drafts (id, user_id, kind, payload, created_at, updated_at)"
                " VALUES (gen_random_uuid(), %s, 'meeting', '{}', now(), now())",
                team.ids[WORKER],
            )
            or True
        )  # row security refuses it (a policy violation, checked below)
        assert (
            _count(admin, "SELECT count(*) FROM drafts WHERE user_id = %s", team.ids[WORKER]) == 1
        )


def test_key_slots_each_user_reads_their_own(team: Team) -> None:
    with team.connect(VOLUNTEER) as conn:
        rows = conn.execute("SELECT user_id FROM hw_team.key_slots").fetchall()
        assert rows == [(team.ids[VOLUNTEER],)]
    with team.connect(COORDINATOR) as conn:
        assert _count(conn, "SELECT count(*) FROM hw_team.key_slots") == len(DEMO_USERS) + 1


def test_homeward_signed_in_as_a_volunteer_shows_what_psql_shows(
    team: Team, tmp_path: Path
) -> None:
    from datetime import datetime, timedelta

    from app.features.cases.services.case_list import list_cases
    from app.features.cases.services.cases import get_case
    from app.features.cases.services.meetings import (
        MeetingInput,
        list_case_meetings,
        record_meeting,
    )
    from app.models.enums import MeetingKind
    from app.services.audit_log import verify_trail

    ctx = sign_in(team.address, VOLUNTEER, DEMO_PASSWORD, folder=tmp_path / "local")
    try:
        rows = list_cases(ctx)
        with team.connect(VOLUNTEER) as conn:
            assert {r.id for r in rows} == {r[0] for r in conn.execute("SELECT id FROM cases")}
        case = get_case(ctx, rows[0].id)  # audited, on the recent list
        assert case.offence_category is None and case.restricted_hidden
        made = record_meeting(
            ctx,
            MeetingInput(
                case.id,
                datetime.now() - timedelta(hours=1),
                45,
                MeetingKind.PHONE,
                "Talked about the first week",
                wellbeing=4,
                follow_up_title="Call the housing office",
                follow_up_due=datetime.now().date() + timedelta(days=3),
            ),
        )
        assert made.summary == "Talked about the first week"
        assert any(m.id == made.id for m in list_case_meetings(ctx, case.id))
        with team.admin() as admin:
            assert (
                _count(
                    admin,
                    "SELECT count(*) FROM users WHERE id = %s AND last_sign_in_at > now() at time zone 'UTC' - interval '5 minutes'",
                    team.ids[VOLUNTEER],
                )
                == 1
            )
    finally:
        ctx.lock()
    coordinator = sign_in(team.address, COORDINATOR, DEMO_PASSWORD, folder=tmp_path / "c")
    try:
        report = verify_trail(coordinator)
        assert report.ok, report.problem
    finally:
        coordinator.lock()


def test_accounts_map_to_logins(team: Team, tmp_path: Path) -> None:
    from app.features.admin.services import users
    from app.models.enums import Role
    from app.services.workspace import NewUser

    ctx = sign_in(team.address, COORDINATOR, DEMO_PASSWORD, folder=tmp_path / "local")
    try:
        added = users.add_user(
            ctx, NewUser("tove", "Tove T", Role.VOLUNTEER, "a long temporary one")
        )
        with team.admin() as admin:
            member = admin.execute(
                "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid"
                " JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = 'tove'"
            ).fetchall()
            assert member == [(f"{team.database}_volunteer",)]
        users.change_role(ctx, added.id, Role.SOCIAL_WORKER)
        users.set_active(ctx, added.id, False)
        with team.admin() as admin:
            (login,) = admin.execute(
                "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'tove'"
            ).fetchone()  # type: ignore[misc]
            assert login is False
        users.set_active(ctx, added.id, True)
        users.reset_password(ctx, added.id, "another temporary one")
        tove = sign_in(team.address, "tove", "another temporary one", folder=tmp_path / "tove")
        assert tove.require_actor().must_change_password
        users.change_own_password(tove, "another temporary one", "tove's very own words")
        tove.lock()
        tove = sign_in(team.address, "tove", "tove's very own words", folder=tmp_path / "tove")
        tove.lock()
        users.remove_user_for_good(ctx, added.id)
        with team.admin() as admin:
            assert admin.execute("SELECT 1 FROM pg_roles WHERE rolname = 'tove'").fetchone() is None
            gone = "SELECT count(*) FROM hw_team.key_slots WHERE user_id = %s"
            assert _count(admin, gone, str(added.id)) == 0
        again = sign_in(team.address, COORDINATOR, DEMO_PASSWORD, folder=tmp_path / "again")
        again.lock()
    finally:
        ctx.lock()
        drop_roles(team.cluster, team.database, ("tove",))


@pytest.mark.parametrize(("writers", "rounds"), [(2, 6), (8, 3)])
def test_clients_writing_at_once_lose_nothing_and_the_chain_verifies(
    team: Team, tmp_path: Path, writers: int, rounds: int
) -> None:
    """Several clients at once, each signed in as its own user (coordinators and social
    workers open cases and record meetings; volunteers record meetings on their cases): no
    lost write, no collision of case references, one audit chain that the server verifies."""
    import threading
    from datetime import date, datetime

    from app.features.cases.services import cases, meetings
    from app.models.enums import CaseKind, MeetingKind
    from app.services.audit_log import verify_trail

    opened = date(2019, 3, 4)
    me = team.ids[VOLUNTEER]
    with team.admin() as admin:
        client_id = admin.execute("SELECT id FROM people LIMIT 1").fetchone()[0]  # type: ignore[index]
        theirs = admin.execute(
            "SELECT id FROM cases WHERE volunteer_id = %s OR worker_id = %s LIMIT 1", (me, me)
        ).fetchone()[0]  # type: ignore[index]
        before_refs = _count(
            admin, "SELECT coalesce(max(reference_seq), 0) FROM cases WHERE reference_year = 2019"
        )
        before_meetings = _count(admin, "SELECT count(*) FROM meetings")
        before_events = _count(admin, "SELECT count(*) FROM audit_events")
    users = [(COORDINATOR, WORKER, VOLUNTEER)[n % 3] for n in range(writers)]
    contexts = [
        sign_in(team.address, user, DEMO_PASSWORD, folder=tmp_path / f"c{n}")
        for n, user in enumerate(users)
    ]
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def meeting(case_id: uuid.UUID, n: int, i: int) -> meetings.MeetingInput:
        return meetings.MeetingInput(
            case_id=case_id,
            occurred_at=datetime(2025, 3, 5, 10, 0),
            duration_minutes=30,
            kind=MeetingKind.OFFICE,
            summary=f"writer {n}, round {i}",
            follow_up_title="Call back",
        )

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(rounds):
                if users[n] == VOLUNTEER:
                    meetings.record_meeting(contexts[n], meeting(theirs, n, i))
                    continue
                case = cases.open_case(
                    contexts[n],
                    cases.CaseInput(
                        kind=CaseKind.RELEASE_SUPPORT, client_id=client_id, opened_on=opened
                    ),  # type: ignore[arg-type]
                )
                meetings.record_meeting(contexts[n], meeting(case.id, n, i))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [repr(e) for e in errors] == []
        staff = sum(1 for u in users if u != VOLUNTEER)
        with team.admin() as admin:
            refs = sorted(
                r[0]
                for r in admin.execute(
                    "SELECT reference_seq FROM cases WHERE reference_year = 2019 AND reference_seq > %s",
                    (before_refs,),
                )
            )
            assert refs == list(range(before_refs + 1, before_refs + staff * rounds + 1))
            assert (
                _count(admin, "SELECT count(*) FROM meetings") == before_meetings + writers * rounds
            )
            sequences = [
                r[0] for r in admin.execute("SELECT sequence FROM audit_events ORDER BY 1")
            ]
            assert sequences == list(range(1, len(sequences) + 1))
            assert len(sequences) >= before_events + writers * (1 + 2 * rounds)
        report = verify_trail(contexts[0])
        assert report.ok, report.problem
    finally:
        for ctx in contexts:
            ctx.lock()


def test_a_tail_cut_by_the_servers_owner_is_caught_by_each_computers_witness(
    team: Team, tmp_path: Path
) -> None:
    """The attacker owns the server: they read the keys' pads, switch the guard off, cut the
    newest events and write a head that matches what is left. The server's own check is
    satisfied; the witness the coordinator's computer kept is not."""
    import hashlib
    import json

    from app.security.audit import AuditAction
    from app.services import audit_witness
    from app.services.audit_log import log_now, verify_trail

    folder = tmp_path / "coordinator's computer"
    ctx = sign_in(team.address, COORDINATOR, DEMO_PASSWORD, folder=folder)
    try:
        log_now(ctx, AuditAction.VERIFY, entity_type="user")
        audit_witness.flush(ctx.paths)
        with team.admin() as admin:
            inner, outer = admin.execute(
                "SELECT inner_pad, outer_pad FROM hw_private.keys WHERE kind = 'audit'"
            ).fetchone()  # type: ignore[misc]
            last = _count(admin, "SELECT max(sequence) FROM audit_events")
            admin.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_guard")
            admin.execute("DELETE FROM audit_events WHERE sequence > %s", (last - 2,))
            admin.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_guard")
            mac = bytes.fromhex(
                admin.execute(
                    "SELECT mac FROM audit_events WHERE sequence = %s", (last - 2,)
                ).fetchone()[0]  # type: ignore[index]
            )
            message = b"head" + (last - 2).to_bytes(8, "big") + mac
            tag = hashlib.sha256(outer + hashlib.sha256(inner + message).digest()).hexdigest()
            head = {"mac": mac.hex(), "sequence": last - 2, "tag": tag}
            admin.execute(
                "UPDATE settings SET value = %s WHERE key = 'audit_head'",
                (json.dumps(head, sort_keys=True),),
            )
            assert admin.execute(
                "SELECT first_bad, head_ok FROM hw_team.audit_verify()"
            ).fetchone() == (
                None,
                True,
            )
        report = verify_trail(ctx)
        assert not report.ok
        assert report.problem is not None and "witness" in report.problem
    finally:
        ctx.lock()


def test_backups_are_the_servers_not_each_computers(team: Team, tmp_path: Path) -> None:
    from app.features.admin.services import backup
    from app.kernel.errors import WorkspaceError

    ctx = sign_in(team.address, COORDINATOR, DEMO_PASSWORD, folder=tmp_path / "local")
    try:
        assert backup.daily_copy(ctx) is None
        assert backup.backup_on_close(ctx) is None
        with pytest.raises(WorkspaceError, match="backed up on the server"):
            backup.create_backup(ctx)
        assert list((tmp_path / "local" / "backups").iterdir()) == []
    finally:
        ctx.lock()


def test_a_social_worker_works_a_case_through_homeward(team: Team, tmp_path: Path) -> None:
    """Opening, editing (with the two-people check) and reading a case's history and needs as
    a social worker: everything through their views and grants, nothing refused."""
    import dataclasses

    from app.features.cases.services import cases, needs
    from app.features.cases.services.case_list import list_cases
    from app.services.audit_log import case_history

    ctx = sign_in(team.address, WORKER, DEMO_PASSWORD, folder=tmp_path / "local")
    try:
        row = list_cases(ctx)[0]
        case = cases.get_case(ctx, row.id)
        assert not case.restricted_hidden
        fields = {f.name: getattr(case, f.name) for f in dataclasses.fields(cases.CaseInput)}
        edited = cases.update_case(
            ctx,
            case.id,
            cases.CaseInput(**{**fields, "summary": "Reviewed with the team"}),
            base=case,
        )
        assert edited.summary == "Reviewed with the team"
        assert case_history(ctx, case.id)  # a case's own history, through their view
        needs.list_case_needs(ctx, case.id)
    finally:
        ctx.lock()
