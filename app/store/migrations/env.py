"""Alembic environment: always given a live connection by :mod:`app.store.migrate`."""

from __future__ import annotations

from alembic import context

from app.models import Base
from app.store import search

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached if someone runs the alembic CLI
    raise RuntimeError("Run migrations through app.store.migrate, which supplies the key.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    include_name=search.include_name,
)
with context.begin_transaction():
    context.run_migrations()
