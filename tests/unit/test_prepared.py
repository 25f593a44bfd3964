"""Prepared statements: compiled once, run on a bare cursor, values converted from their
stored form exactly as SQLAlchemy converts them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    create_engine,
    insert,
    select,
)

from app.models.base import enum_type
from app.models.enums import NeedDomain
from app.store.prepared import Prepared, param, stored

_META = MetaData()
_THINGS = Table(
    "things",
    _META,
    Column("id", Uuid(), primary_key=True),
    Column("owner", Uuid(), nullable=True),
    Column("domain", enum_type(NeedDomain)),
    Column("seen_at", DateTime()),
    Column("due_on", Date(), nullable=True),
    Column("done", Boolean()),
    Column("count", Integer()),
    Column("note", String(), nullable=True),
)


_ROWS = st.fixed_dictionaries(
    {
        "id": st.uuids(),
        "owner": st.none() | st.uuids(),
        "domain": st.sampled_from(NeedDomain),
        "seen_at": st.datetimes(min_value=datetime(2000, 1, 1)),
        "due_on": st.none() | st.dates(min_value=date(2000, 1, 1)),
        "done": st.booleans(),
        "count": st.integers(-(2**31), 2**31),
        "note": st.none() | st.text(),
    }
)


@given(row=_ROWS)
def test_values_come_back_as_sqlalchemy_gives_them(row: dict[str, object]) -> None:
    engine = create_engine("sqlite://")
    _META.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(_THINGS).values(**row))
        expected = conn.execute(select(_THINGS)).one()
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        prepared = Prepared(select(_THINGS).where(_THINGS.c.id == param("id")))
        got = prepared.rows(cursor, {"id": row["id"]})
    assert got == [tuple(expected)]
    assert [type(v) for v in got[0]] == [type(v) for v in expected]


def test_fixed_values_are_bound_in_their_stored_form() -> None:
    engine = create_engine("sqlite://")
    _META.create_all(engine)
    kept, left = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as conn:
        for id_, domain in ((kept, NeedDomain.HOUSING), (left, NeedDomain.HEALTH)):
            conn.execute(
                insert(_THINGS).values(
                    id=id_, domain=domain, seen_at=datetime(2026, 1, 1), done=False, count=1
                )
            )
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        prepared = Prepared(
            select(_THINGS.c.id).where(_THINGS.c.domain.not_in([NeedDomain.HEALTH]))
        )
        assert prepared.rows(cursor, {}) == [(kept,)]


def test_every_named_parameter_must_be_given() -> None:
    prepared = Prepared(select(_THINGS.c.id).where(_THINGS.c.owner == param("owner")))
    engine = create_engine("sqlite://")
    _META.create_all(engine)
    with engine.begin() as conn:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with pytest.raises(TypeError, match="owner"):
            prepared.rows(cursor, {})
        with pytest.raises(TypeError, match="owner"):
            prepared.rows(cursor, {"owner": uuid.uuid4(), "other": 1})


def test_stored_forms() -> None:
    value = uuid.uuid4()
    assert stored(value) == value.hex
    assert stored(NeedDomain.HOUSING) == "housing"
    assert stored(datetime(2026, 11, 21, 9, 5)) == "2026-11-21 09:05:00.000000"
    assert stored(date(2026, 11, 21)) == "2026-11-21"
    assert stored(True) == 1
    assert stored("text") == "text"
