"""Migrations and models agree, and a workspace at the first revision upgrades to head."""

from __future__ import annotations

import secrets
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app.models import Base
from app.store import migrate, search
from app.store.engine import KeyHolder, make_engine


def fresh_engine(tmp_path: Path) -> tuple[object, KeyHolder]:
    keys = KeyHolder(secrets.token_bytes(32))
    return make_engine(tmp_path / "m.db", keys, create=True), keys


def test_autogenerate_finds_no_difference(tmp_path: Path) -> None:
    engine, keys = fresh_engine(tmp_path)
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


def test_upgrade_from_the_first_revision_step_by_step(tmp_path: Path) -> None:
    engine, keys = fresh_engine(tmp_path)
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
