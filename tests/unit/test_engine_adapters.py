"""The engine adapters' pure parts: hand-written SQL in SQLite's parameter style handed to
psycopg, the choice of engine from a location, and the per-engine SQL of stored bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from app.security.audit_chain import EVENTS
from app.store import case_list
from app.store.adapters import POSTGRES, SQLITE, stored_bytes, to_pyformat
from app.store.pg_engine import is_server_location


@pytest.mark.parametrize(
    ("written", "driven"),
    [
        ("SELECT a FROM t WHERE id = ? AND b = ?", "SELECT a FROM t WHERE id = %s AND b = %s"),
        ("UPDATE t SET x = :x WHERE id = :id_1", "UPDATE t SET x = %(x)s WHERE id = %(id_1)s"),
        ("SELECT CAST(x AS text)::uuid, :v::text", "SELECT CAST(x AS text)::uuid, %(v)s::text"),
        ("SELECT 'a ? :b %' || x LIKE '5%'", "SELECT 'a ? :b %%' || x LIKE '5%%'"),
        ('SELECT x % 2, "odd:name?" FROM t', 'SELECT x %% 2, "odd:name?" FROM t'),
        ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', %s"),
    ],
)
def test_hand_written_sql_becomes_psycopg_style(written: str, driven: str) -> None:
    assert to_pyformat(written) == driven
    assert POSTGRES.sql(written) == driven
    assert SQLITE.sql(written) == written


def test_a_location_is_a_server_only_by_its_url() -> None:
    assert is_server_location("postgresql+psycopg://homeward@db.example/hw")
    assert not is_server_location(Path("postgresql+psycopg:/folder"))
    assert not is_server_location("/home/ana/Homeward/workspace")
    assert not is_server_location("postgresql://homeward@db/hw")  # psycopg 3 is named


def test_planner_hints_are_sqlites_alone() -> None:
    assert SQLITE.unindexed("c.kind") == "+c.kind" and SQLITE.fixed_join == "CROSS JOIN"
    assert POSTGRES.unindexed("c.kind") == "c.kind" and POSTGRES.fixed_join == "JOIN"


def test_stored_bytes_are_blobs_on_sqlite_and_their_stored_text_on_postgresql() -> None:
    statement = select(*(stored_bytes(EVENTS.c[n]) for n in ("occurred_at", "user_id", "action")))
    on_sqlite = str(statement.compile(dialect=sqlite.dialect()))
    on_postgresql = str(statement.compile(dialect=postgresql.dialect()))
    # The SQL existing SQLCipher chains were verified with, unchanged.
    assert "CAST(audit_events.occurred_at AS BLOB)" in on_sqlite
    assert "CAST(audit_events.user_id AS BLOB)" in on_sqlite
    assert "to_char(audit_events.occurred_at, 'YYYY-MM-DD HH24:MI:SS.US')" in on_postgresql
    assert "replace(CAST(audit_events.user_id AS text), '-', '')" in on_postgresql
    assert "convert_to(CAST(audit_events.action AS text), 'UTF8')" in on_postgresql


def test_one_status_newest_first_walks_the_status_index_on_both_engines() -> None:
    """SQLite picks ``(status, last_activity_at)`` by itself; PostgreSQL is told by the order,
    which starts with the status (one value: the same order) under a filter it cannot turn
    into an equality (which would drop the status from the order again)."""
    sqlite_sql, _ = case_list.page(case_list.ListSpec(statuses=("closed",)), 55_000, 0, 200)
    assert "WHERE c.status IN (:status0) ORDER BY c.last_activity_at DESC, c.id" in sqlite_sql
    spec = case_list.ListSpec(statuses=("closed",), planner=POSTGRES)
    pg_sql, params = case_list.page(spec, 55_000, 0, 200)
    assert (
        "WHERE c.status = ANY(ARRAY[:status0]) ORDER BY c.status DESC, c.last_activity_at DESC, "
        "c.id LIMIT" in pg_sql
    )
    assert params["status0"] == "closed"
    # Other lists are written as before on both engines.
    for planner in (SQLITE, POSTGRES):
        two = case_list.ListSpec(statuses=("active", "open"), planner=planner)
        assert "c.status IN (:status0, :status1)" in case_list.page(two, 9_000, 0, 200)[0]
