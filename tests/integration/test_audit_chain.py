"""The audit chain on a real database: clean chains verify, every tampering is found.

Tampering is done the way someone holding the key would do it: raw SQL on the file (or, on
PostgreSQL, on the database). Every test runs on both engines unless marked.
"""

from __future__ import annotations

import secrets
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from app.models import AuditEvent
from app.security.audit import AuditAction, NewAuditEvent, append_bulk, audit_key, record
from app.security.audit_chain import HEAD_SETTING
from app.security.audit_events import events_for
from app.security.audit_verify import verify_chain
from app.store.adapters import adapter
from app.store.engine import KeyHolder, make_engine
from app.store.migrate import upgrade
from app.store.pg_engine import make_server_engine

pytestmark = pytest.mark.engines

DATA_KEY = secrets.token_bytes(32)
KEY = audit_key(DATA_KEY)
T0 = datetime(2026, 3, 1, 9, 30, 0, 0)  # microsecond 0 on purpose: it must survive storage
CASE = uuid.uuid4()
PERSON = uuid.uuid4()
USERS = [uuid.uuid4() for _ in range(3)]
COVERED = ("occurred_at", "user_id", "action", "entity_type", "entity_id", "fields")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated workspace database, copied for each test (creating one costs ~0.15 s)."""
    path = tmp_path_factory.mktemp("audit-template") / "a.db"
    engine = make_engine(path, KeyHolder(DATA_KEY), create=True)
    upgrade(engine)
    engine.dispose()
    return path


def open_copy(template: Path, folder: Path) -> Engine:
    shutil.copyfile(template, folder / "a.db")
    return make_engine(folder / "a.db", KeyHolder(DATA_KEY))


@pytest.fixture
def engine(store_engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    if store_engine == "postgresql":
        engine = make_server_engine(request.getfixturevalue("pg_url"))
    else:
        engine = open_copy(request.getfixturevalue("template"), tmp_path)
    yield engine
    engine.dispose()


def an_event(i: int) -> NewAuditEvent:
    """Event number ``i``: a mix of actions, missing users and entities, several fields."""
    actions = list(AuditAction)
    return NewAuditEvent(
        action=actions[i % len(actions)],
        user_id=None if i % 4 == 0 else USERS[i % 3],
        entity_type=None if i % 5 == 0 else "case",
        entity_id=None if i % 5 == 0 else uuid.UUID(int=i + 1),
        fields=("status", "priority") if i % 2 else (),
        case_id=CASE if i % 3 == 0 else None,
        person_id=PERSON if i % 3 == 1 else None,
        occurred_at=T0 + timedelta(minutes=i, microseconds=i * 7),
    )


def write(engine: Engine, count: int, *, per_session: int = 4) -> None:
    """``count`` events through :func:`record`, committed a few at a time as services would."""
    done = 0
    while done < count:
        with Session(engine) as session:
            for i in range(done, min(count, done + per_session)):
                record(session, KEY, **an_event(i))
            session.commit()
        done = min(count, done + per_session)


def verify(engine: Engine, key: bytes = KEY) -> Any:
    with engine.connect() as conn:
        return verify_chain(conn, key)


def sql(engine: Engine, statement: str, *params: Any) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(adapter(conn).sql(statement), params)


def row_values(engine: Engine, sequence: int, columns: tuple[str, ...]) -> tuple[Any, ...]:
    with engine.connect() as conn:
        row = conn.exec_driver_sql(
            adapter(conn).sql(f"SELECT {', '.join(columns)} FROM audit_events WHERE sequence = ?"),
            (sequence,),
        ).one()
    return tuple(row)


def swap(engine: Engine, a: int, b: int, columns: tuple[str, ...]) -> None:
    """Exchange two events' ``columns``, keeping their sequence numbers."""
    first, second = row_values(engine, a, columns), row_values(engine, b, columns)
    assignments = ", ".join(f"{column} = ?" for column in columns)
    update = f"UPDATE audit_events SET {assignments} WHERE sequence = ?"
    sql(engine, update, *second, a)
    sql(engine, update, *first, b)


# --- clean chains ---------------------------------------------------------------------------


def test_an_untouched_chain_verifies(engine: Engine) -> None:
    assert verify(engine) == verify(engine)  # reading changes nothing
    write(engine, 10)
    report = verify(engine)
    assert (report.ok, report.events, report.first_bad_sequence, report.problem) == (
        True,
        10,
        None,
        None,
    )


def test_an_empty_workspace_verifies(engine: Engine) -> None:
    report = verify(engine)
    assert report.ok and report.events == 0


def test_stored_values_read_back_exactly_as_recorded(engine: Engine) -> None:
    """The MAC covers the stored text, so the ORM must read back what ``record`` was given."""
    write(engine, 6)
    with Session(engine) as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.sequence)).all()
    for i, row in enumerate(rows):
        given = an_event(i)
        assert row.sequence == i + 1
        assert row.occurred_at == given["occurred_at"]
        assert (row.user_id, row.entity_type, row.entity_id) == (
            given.get("user_id"),
            given.get("entity_type"),
            given.get("entity_id"),
        )
        assert row.action == given["action"].value
        assert row.fields == ",".join(sorted(given.get("fields", ())))
        assert len(row.mac) == 64


def test_aware_times_are_stored_as_utc(engine: Engine) -> None:
    oslo = timezone(timedelta(hours=1))
    with Session(engine) as session:
        record(
            session,
            KEY,
            action=AuditAction.SIGN_IN,
            occurred_at=datetime(2026, 1, 1, 10, tzinfo=oslo),
        )
        session.commit()
        [row] = events_for(session)
    assert row.occurred_at == datetime(2026, 1, 1, 9)
    assert verify(engine).ok


def test_unreadable_events_are_a_finding_not_a_crash(template: Path, tmp_path: Path) -> None:
    """A damaged page in the trail (SQLCipher refuses its HMAC: "malformed") makes the walk
    report the trail broken from there, as ``homeward verify`` must, instead of raising."""
    engine = open_copy(template, tmp_path)
    with engine.begin() as conn:
        append_bulk(conn, KEY, (an_event(i) for i in range(400)))
    with engine.connect() as conn:
        root = conn.exec_driver_sql(
            "SELECT rootpage FROM sqlite_master WHERE name = 'audit_events'"
        ).scalar_one()
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    assert not (tmp_path / "a.db-wal").exists()
    with open(tmp_path / "a.db", "r+b") as handle:
        handle.seek((root - 1) * 4096 + 100)
        handle.write(secrets.token_bytes(64))
    engine = make_engine(tmp_path / "a.db", KeyHolder(DATA_KEY))
    try:
        report = verify(engine)
    finally:
        engine.dispose()
    assert not report.ok
    assert (report.events, report.first_bad_sequence) == (0, 1)
    assert report.problem == "Some records cannot be read: the file is damaged."


def test_record_writes_nothing_unless_the_caller_commits(engine: Engine) -> None:
    write(engine, 3)
    with Session(engine) as session:
        record(session, KEY, action=AuditAction.UPDATE, fields=["notes"])
        session.rollback()
    with Session(engine) as session:
        record(session, KEY, action=AuditAction.UPDATE, fields=["notes"])
        # closed without commit
    report = verify(engine)
    assert report.ok and report.events == 3


@pytest.mark.sqlcipher_only  # SQLite's query plan
def test_record_is_one_indexed_lookup_one_insert_and_the_head(engine: Engine) -> None:
    write(engine, 5)
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        statements.append((statement, parameters))

    with Session(engine) as session:
        session.connection()  # BEGIN happens before we listen
        event.listen(engine, "before_cursor_execute", capture)
        try:
            record(session, KEY, action=AuditAction.VIEW_CASE, case_id=CASE)
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        lookup, parameters = statements[0]
        explain = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {lookup}", parameters)
        plan = " ".join(str(row[-1]) for row in explain)
        session.commit()
    assert len(statements) == 3
    assert lookup.startswith("SELECT") and "INSERT INTO audit_events" in statements[1][0]
    assert "INSERT INTO settings" in statements[2][0] and "ON CONFLICT" in statements[2][0]
    assert "USING INDEX" in plan and "TEMP B-TREE" not in plan
    assert verify(engine).ok


def test_record_and_append_bulk_extend_the_same_chain(engine: Engine) -> None:
    write(engine, 3)
    with engine.begin() as conn:
        assert append_bulk(conn, KEY, (an_event(i) for i in range(3, 20_003))) == 20_000
        assert append_bulk(conn, KEY, []) == 0
    write(engine, 2)
    report = verify(engine)
    assert report.ok and report.events == 20_005
    sql(engine, "UPDATE audit_events SET fields = 'notes' WHERE sequence = 19999")
    assert verify(engine).first_bad_sequence == 19_999


def test_verify_works_inside_a_session(engine: Engine) -> None:
    write(engine, 4)
    with Session(engine) as session:
        assert verify_chain(session, KEY).ok


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        (("given_name", "Ștefan Popescu"), ValueError),  # a value, not a field name
        (("a,b",), ValueError),
        ("given_name", TypeError),  # a bare string would be split into letters
    ],
)
def test_only_field_names_are_accepted(engine: Engine, fields: Any, error: type[Exception]) -> None:
    with Session(engine) as session, pytest.raises(error):
        record(session, KEY, action=AuditAction.UPDATE, fields=fields)


# --- tampering ------------------------------------------------------------------------------

N = 10
TARGET = 4  # an event with a user, an entity and fields, so each can also be nulled


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("occurred_at", "2026-03-01 09:33:00.000022"),  # a microsecond later
        ("occurred_at", "2026-03-01T09:33:00.000021"),  # the same moment, spelt differently
        ("user_id", "7f2728a690664d5db3a144c0a562ba64"),
        ("user_id", None),
        ("action", "view_case"),
        ("action", 42),
        ("action", b"\xffdelete"),  # not even UTF-8
        ("entity_type", "person"),
        ("entity_type", None),
        ("entity_id", uuid.UUID(int=99).hex),
        ("entity_id", None),
        ("fields", "notes"),
        ("fields", "status"),
        ("fields", "status,priority"),  # the same names in another order
        ("fields", ""),
        ("sequence", 500),
    ],
)
def test_editing_a_covered_column_is_found(
    engine: Engine, column: str, value: object, store_engine: str
) -> None:
    write(engine, N)
    assert row_values(engine, TARGET, (column,))[0] != value
    sql(engine, f"UPDATE audit_events SET {column} = ? WHERE sequence = ?", value, TARGET)
    report = verify(engine)
    if store_engine == "postgresql" and value == "2026-03-01T09:33:00.000021":
        # A timestamp column keeps the moment, not its spelling: nothing was changed.
        assert report.ok
        return
    assert not report.ok
    assert report.first_bad_sequence == TARGET and report.events == TARGET - 1
    assert report.problem


def test_an_edit_reads_as_a_sentence(engine: Engine) -> None:
    write(engine, N)
    sql(engine, "UPDATE audit_events SET action = 'export' WHERE sequence = 5")
    assert verify(engine).problem == "Event 5 was changed after it was written."


@pytest.mark.parametrize("sequence", [1, 5, N])
def test_editing_a_mac_is_found(engine: Engine, sequence: int) -> None:
    write(engine, N)
    sql(engine, "UPDATE audit_events SET mac = ? WHERE sequence = ?", "ab" * 32, sequence)
    report = verify(engine)
    assert not report.ok and report.first_bad_sequence == sequence


def test_erasure_may_cut_case_and_person_links(engine: Engine) -> None:
    write(engine, N)
    sql(engine, "UPDATE audit_events SET case_id = NULL, person_id = NULL")
    sql(engine, "UPDATE audit_events SET case_id = ? WHERE sequence = 2", uuid.uuid4().hex)
    assert verify(engine).ok


def test_deleting_a_middle_event_is_found(engine: Engine) -> None:
    write(engine, N)
    sql(engine, "DELETE FROM audit_events WHERE sequence = 5")
    report = verify(engine)
    assert (report.ok, report.first_bad_sequence, report.events) == (False, 5, 4)
    assert report.problem == "Event 5 is missing (the trail jumps from 4 to 6)."


def test_deleting_several_events_names_the_range(engine: Engine) -> None:
    write(engine, N)
    sql(engine, "DELETE FROM audit_events WHERE sequence BETWEEN 4 AND 6")
    report = verify(engine)
    assert report.first_bad_sequence == 4
    assert report.problem == "Events 4 to 6 are missing (the trail jumps from 3 to 7)."


def test_deleting_and_renumbering_is_found(engine: Engine) -> None:
    write(engine, N)
    sql(engine, "DELETE FROM audit_events WHERE sequence = 5")
    sql(engine, "UPDATE audit_events SET sequence = sequence - 1 WHERE sequence > 5")
    report = verify(engine)
    assert not report.ok and report.first_bad_sequence == 5


def test_deleting_the_first_event_is_found(engine: Engine) -> None:
    write(engine, N)
    sql(engine, "DELETE FROM audit_events WHERE sequence = 1")
    report = verify(engine)
    assert (report.ok, report.first_bad_sequence, report.events) == (False, 1, 0)
    assert report.problem == "Event 1 is missing (the trail starts at 2)."


@pytest.mark.parametrize("with_macs", [True, False], ids=["whole-rows", "contents-only"])
def test_swapping_neighbours_is_reported_as_out_of_order(engine: Engine, with_macs: bool) -> None:
    write(engine, N)
    swap(engine, 4, 5, (*COVERED, "mac") if with_macs else COVERED)
    report = verify(engine)
    assert (report.ok, report.first_bad_sequence) == (False, 4)
    assert report.problem == "Events 4 and 5 are out of order."


@pytest.mark.parametrize("with_macs", [True, False], ids=["whole-rows", "contents-only"])
def test_swapping_distant_events_is_found(engine: Engine, with_macs: bool) -> None:
    write(engine, N)
    swap(engine, 3, 7, (*COVERED, "mac") if with_macs else COVERED)
    report = verify(engine)
    assert (report.ok, report.first_bad_sequence) == (False, 3)
    assert report.problem


def test_swapping_sequence_numbers_is_found(engine: Engine) -> None:
    write(engine, N)
    sql(engine, "UPDATE audit_events SET sequence = -6 WHERE sequence = 6")
    sql(engine, "UPDATE audit_events SET sequence = 6 WHERE sequence = 7")
    sql(engine, "UPDATE audit_events SET sequence = 7 WHERE sequence = -6")
    report = verify(engine)
    assert report.first_bad_sequence == 6 and report.problem == "Events 6 and 7 are out of order."


@pytest.mark.parametrize(
    ("cut", "problem"),
    [
        (1, "The last event was removed (the trail ends at 9; 10 were written)."),
        (3, "The last 3 events were removed (the trail ends at 7; 10 were written)."),
        (N, "All 10 events were removed."),
    ],
)
def test_cutting_off_the_tail_is_found(engine: Engine, cut: int, problem: str) -> None:
    write(engine, N)
    sql(engine, "DELETE FROM audit_events WHERE sequence > ?", N - cut)
    report = verify(engine)
    assert (report.ok, report.events, report.first_bad_sequence) == (False, N - cut, N - cut + 1)
    assert report.problem == problem


def test_a_wrong_key_fails_at_event_1(engine: Engine) -> None:
    write(engine, N)
    report = verify(engine, audit_key(secrets.token_bytes(32)))
    assert (report.ok, report.first_bad_sequence, report.events) == (False, 1, 0)


def test_the_audit_key_depends_on_the_data_key_only() -> None:
    assert audit_key(DATA_KEY) == KEY and len(KEY) == 32
    assert audit_key(bytes(32)) != KEY and KEY != DATA_KEY
    with pytest.raises(ValueError):
        audit_key(b"short")


def head(engine: Engine) -> str:
    with engine.connect() as conn:
        value = conn.exec_driver_sql(
            adapter(conn).sql("SELECT value FROM settings WHERE key = ?"), (HEAD_SETTING,)
        ).scalar_one()
    return str(value)


def test_removing_or_forging_the_head_is_found(engine: Engine) -> None:
    write(engine, N)
    genuine = head(engine)
    forged = genuine.replace('"sequence": 10', '"sequence": 7')
    assert forged != genuine
    sql(engine, "UPDATE settings SET value = ? WHERE key = ?", forged, HEAD_SETTING)
    report = verify(engine)
    assert (report.ok, report.first_bad_sequence, report.events) == (False, None, N)
    assert report.problem == "The record of the audit trail's end was altered."
    sql(engine, "UPDATE settings SET value = ? WHERE key = ?", b"\xff{", HEAD_SETTING)
    assert verify(engine).problem == "The record of the audit trail's end was altered."
    sql(engine, "DELETE FROM settings WHERE key = ?", HEAD_SETTING)
    report = verify(engine)
    assert not report.ok and report.problem == "The record of the audit trail's end is missing."


def test_an_older_head_with_a_longer_trail_is_found(engine: Engine) -> None:
    write(engine, 6)
    older = head(engine)
    write(engine, 2)
    sql(engine, "UPDATE settings SET value = ? WHERE key = ?", older, HEAD_SETTING)
    report = verify(engine)
    assert not report.ok and report.first_bad_sequence is None
    assert report.problem and "names event 6" in report.problem


# --- random chains, random tampering --------------------------------------------------------


@pytest.fixture(scope="module")
def shared_engine(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = open_copy(template, tmp_path_factory.mktemp("audit-hypothesis"))
    yield engine
    engine.dispose()


names = st.sampled_from(["status", "priority", "notes", "given_name", "custody.status"])
uuids = st.none() | st.uuids()
new_events = st.builds(
    NewAuditEvent,
    action=st.sampled_from(list(AuditAction)),
    user_id=uuids,
    entity_type=st.none() | st.sampled_from(["case", "person", "meeting"]),
    entity_id=uuids,
    fields=st.lists(names, max_size=3),
    case_id=uuids,
    occurred_at=st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1)),
)
TAMPERINGS = ("edit", "mac", "delete", "swap", "truncate", "wipe")


@settings(max_examples=60, deadline=None)
@given(events=st.lists(new_events, min_size=2, max_size=12), data=st.data())
def test_any_single_tampering_is_found(
    shared_engine: Engine, events: list[NewAuditEvent], data: st.DataObject
) -> None:
    engine = shared_engine
    sql(engine, "DELETE FROM audit_events")
    sql(engine, "DELETE FROM settings")
    with Session(engine) as session:
        for new in events:
            record(session, KEY, **new)
        session.commit()
    assert verify(engine).ok

    n = len(events)
    kind = data.draw(st.sampled_from(TAMPERINGS), label="tampering")
    target = data.draw(st.integers(1, n), label="event")
    if kind == "edit":
        column = data.draw(st.sampled_from(COVERED), label="column")
        before = row_values(engine, target, (column,))[0]
        value = data.draw(
            st.one_of(st.none(), st.text(max_size=40), st.uuids().map(lambda u: u.hex))
            .filter(lambda v: v != before)
            .filter(lambda v: v is not None or column in ("user_id", "entity_type", "entity_id")),
            label="value",
        )
        sql(engine, f"UPDATE audit_events SET {column} = ? WHERE sequence = ?", value, target)
        expected = target
    elif kind == "mac":
        sql(
            engine,
            "UPDATE audit_events SET mac = ? WHERE sequence = ?",
            secrets.token_hex(32),
            target,
        )
        expected = target
    elif kind == "delete":
        sql(engine, "DELETE FROM audit_events WHERE sequence = ?", target)
        expected = target
    elif kind == "swap":
        other = data.draw(st.integers(1, n).filter(lambda s: s != target), label="other")
        columns = (*COVERED, "mac") if data.draw(st.booleans(), label="macs") else COVERED
        if row_values(engine, target, columns) == row_values(engine, other, columns):
            return  # two identical events: swapping them changes nothing
        swap(engine, target, other, columns)
        expected = min(target, other)
    elif kind == "truncate":
        sql(engine, "DELETE FROM audit_events WHERE sequence >= ?", target)
        expected = target
    else:
        sql(engine, "DELETE FROM audit_events")
        expected = 1

    report = verify(engine)
    assert not report.ok
    assert report.first_bad_sequence == expected
    assert report.problem


# --- the read model -------------------------------------------------------------------------


def test_events_for_filters_and_pages_newest_first(engine: Engine) -> None:
    write(engine, 30)
    with engine.connect() as conn:
        everything = events_for(conn, limit=1000)
        assert [row.sequence for row in everything] == list(range(30, 0, -1))
        assert [row.sequence for row in events_for(conn, limit=5, offset=5)] == list(
            range(25, 20, -1)
        )
        on_case = events_for(conn, case_id=CASE)
        assert on_case and {row.sequence % 3 for row in on_case} == {1}  # event i is sequence i+1
        assert all(row.case_id == CASE for row in on_case)
        [one] = events_for(conn, entity=("case", uuid.UUID(int=8)))
        assert one.sequence == 8 and one.fields == ("priority", "status")
        cases = events_for(conn, entity=("case", None), limit=1000)
        assert len(cases) == 24 and all(row.entity_type == "case" for row in cases)
        by_user = events_for(conn, user_id=USERS[1], limit=1000)
        assert by_user and all(row.user_id == USERS[1] for row in by_user)
        exports = events_for(conn, action=AuditAction.EXPORT)
        assert exports and all(row.action == "export" for row in exports)
        window = events_for(
            conn,
            since=T0 + timedelta(minutes=10),
            until=(T0 + timedelta(minutes=13)).replace(tzinfo=UTC),
        )
        assert [row.sequence for row in window] == [13, 12, 11]
        assert events_for(conn, case_id=CASE, user_id=uuid.uuid4()) == []
