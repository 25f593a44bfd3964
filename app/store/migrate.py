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
from app.store.adapters import adapter

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
    """Bring the database schema up to ``revision`` in one transaction, with links between
    records checked before it commits (see :meth:`~app.store.adapters.Adapter.upgrading`).
    """
    config = alembic_config()
    with engine.connect() as conn:
        engine_adapter = adapter(conn)
        with engine_adapter.upgrading(conn), conn.begin():
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            if engine_adapter.broken_links(conn):
                raise WorkspaceError(
                    _(
                        "Upgrading the workspace would break links between records; nothing was changed."
                    )
                )


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()
