"""Alembic, run from inside the package so an installed Homeward can upgrade a workspace."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from app.kernel.errors import WorkspaceError
from app.kernel.i18n import _

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` in one transaction.

    Foreign keys are switched off meanwhile (outside the transaction, where SQLite honours
    it): when a migration rebuilds a table, dropping the old copy must not cascade into the
    rows that point at it. They are checked before commit and switched back on after.
    """
    config = alembic_config()
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise WorkspaceError(
                        _(
                            "Upgrading the workspace would break links between records; nothing was changed."
                        )
                    )
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()
