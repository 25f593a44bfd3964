"""Migrations and models agree, and a workspace at the first revision upgrades to head, on
both engines (SQLCipher and PostgreSQL)."""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app.models import Base
from app.store import migrate, search
from app.store.engine import KeyHolder, make_engine
from app.store.pg_engine import make_server_engine

pytestmark = pytest.mark.engines


@pytest.fixture
def fresh_engine(
    tmp_path: Path, store_engine: str, request: pytest.FixtureRequest
) -> tuple[object, KeyHolder]:
    """An engine over an empty database (no schema) on the test's engine."""
    keys = KeyHolder(secrets.token_bytes(32))
    if store_engine == "postgresql":
        return make_server_engine(request.getfixturevalue("pg_empty_url")), keys
    return make_engine(tmp_path / "m.db", keys, create=True), keys


def test_autogenerate_finds_no_difference(fresh_engine: tuple[object, KeyHolder]) -> None:
    engine, keys = fresh_engine
    migrate.upgrade(engine)  # type: ignore[arg-type]
    with engine.connect() as conn:  # type: ignore[attr-defined]
        diff = compare_metadata(
            MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": search.include_name}
            ),
            Base.metadata,
        )
    engine.dispose()  # type: ignore[attr-defined]
    keys.forget()
    assert diff == []


def test_upgrade_from_the_first_revision_step_by_step(
    fresh_engine: tuple[object, KeyHolder],
) -> None:
    engine, keys = fresh_engine
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    revisions = [rev.revision for rev in reversed(list(scripts.walk_revisions()))]
    assert revisions[0] == "0001"
    for revision in revisions:
        migrate.upgrade(engine, revision)  # type: ignore[arg-type]
        assert migrate.current_revision(engine) == revision  # type: ignore[arg-type]
    assert not migrate.needs_upgrade(engine)  # type: ignore[arg-type]
    tables = set(inspect(engine).get_table_names())  # type: ignore[arg-type]
    assert set(Base.metadata.tables) <= tables
    engine.dispose()  # type: ignore[attr-defined]
    keys.forget()


def test_migration_scripts_ship_inside_the_package() -> None:
    assert (migrate.MIGRATIONS / "env.py").is_file()
    assert list((migrate.MIGRATIONS / "versions").glob("0001_*.py"))


def test_upgrading_keeps_every_row_and_link(
    fresh_engine: tuple[object, KeyHolder], store_engine: str
) -> None:
    """Data written at the first revision is all there, links intact, at head."""
    from sqlalchemy import text

    engine, keys = fresh_engine
    migrate.upgrade(engine, "0001")  # type: ignore[arg-type]
    ids = {name: f"{n:032x}" for n, name in enumerate(("person", "case", "task", "meeting"), 1)}
    now = "2026-01-01 10:00:00.000000"
    with engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(
            text(
                "INSERT INTO people(id, given_name, family_name, gender, languages, interpreter_needed,"
                " created_at, updated_at) VALUES (:person, 'Ana', 'Pop', 'female', '', false, :now, :now)"
            ),
            {**ids, "now": now},
        )
        conn.execute(
            text(
                "INSERT INTO cases(id, reference, reference_year, reference_seq, kind, status, client_id,"
                " opened_on, priority, last_activity_at, created_at, updated_at) VALUES (:case,"
                " 'HW-2026-0001', 2026, 1, 'release_support', 'open', :person, '2026-01-01', 'normal',"
                " :now, :now, :now)"
            ),
            {**ids, "now": now},
        )
        conn.execute(
            text(
                "INSERT INTO tasks(id, title, case_id, done, created_at, updated_at)"
                " VALUES (:task, 'Call', :case, false, :now, :now)"
            ),
            {**ids, "now": now},
        )
        conn.execute(
            text(
                "INSERT INTO meetings(id, case_id, occurred_at, duration_minutes, kind, summary,"
                " interpreter_used, follow_up_task_id, created_at, updated_at) VALUES (:meeting, :case,"
                " :now, 60, 'office', 'note', false, :task, :now, :now)"
            ),
            {**ids, "now": now},
        )
    migrate.upgrade(engine)  # type: ignore[arg-type]
    with engine.connect() as conn:  # type: ignore[attr-defined]
        task = conn.execute(text("SELECT follow_up_task_id FROM meetings")).scalar()
        assert (task.hex if isinstance(task, uuid.UUID) else task) == ids["task"]
        for table in ("people", "cases", "tasks", "meetings"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM case_search_index")).scalar() == 1
        # the year's reference counter starts from the numbers already handed out (0014)
        counters = conn.execute(text("SELECT year, last_seq FROM case_reference_counters"))
        assert [tuple(r) for r in counters] == [(2026, 1)]
        if store_engine == "sqlcipher":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()  # type: ignore[attr-defined]
    keys.forget()
