"""The demo writes its rows by column name (issue 18): a new NULLable column on a table needs no
change in the generator, which leaves it empty."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, MetaData, Text

from app.demo import core
from app.demo.generate import DemoStats, populate
from app.demo.workspace import DEMO_USERS
from app.models import Base
from app.services.workspace import create_workspace


def test_a_new_nullable_meeting_column_is_left_empty_with_no_change_in_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the schema as it would be with one more (optional) column on a meeting
    widened = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(widened)
    # a made-up name, so that a real column added later does not collide with it
    widened.tables["meetings"].append_column(Column("example_text", Text, nullable=True))

    class WidenedBase:
        metadata = widened

    monkeypatch.setattr(core, "Base", WidenedBase)
    made: list[DemoStats] = []
    found: list[tuple[int, ...]] = []

    def fill(engine: Engine, users: dict[str, uuid.UUID]) -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE meetings ADD COLUMN example_text TEXT")
        made.append(populate(engine, cases=40, seed=5, users=users, today=date(2026, 11, 20)))
        with engine.connect() as conn:
            row = conn.exec_driver_sql(
                "SELECT count(*), count(example_text), count(follow_up_task_id), "
                "count(t.id) FROM meetings m LEFT JOIN tasks t ON t.id = m.follow_up_task_id"
            ).one()
            found.append(tuple(int(n) for n in row))

    create_workspace(
        tmp_path / "demo",
        organisation="Demo",
        admin=DEMO_USERS[0],
        extra_users=DEMO_USERS[1:],
        demo=True,
        kdf_seconds=0,
        min_password=4,
        fill=fill,
    )
    (stats,) = made
    # every meeting written, each follow-up pointing at a task, the new column empty
    ((meetings, filled, follow_ups, tasks),) = found
    assert meetings == stats.meetings > 100 and filled == 0
    assert follow_ups == tasks > 0
