"""Declarative base, shared columns and the enum column type.

Conventions for every table (DESIGN.md §3): a UUID primary key, ``created_at`` and
``updated_at`` in UTC (naive, always UTC), and ``created_by`` (the user id, or ``None`` for
the system). ``created_by`` is an attribution, not a foreign key, so removing a user never
cascades into client records.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Enum as SAEnum
from sqlalchemy import MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Current UTC time as a naive datetime (SQLite has no time zones; all stored times are UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {uuid.UUID: Uuid(as_uuid=True)}  # noqa: RUF012 - SQLAlchemy API


class Entity:
    """Columns every record has."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4, sort_order=-100)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, sort_order=100)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, sort_order=101)
    created_by: Mapped[uuid.UUID | None] = mapped_column(default=None, sort_order=102)


def enum_type(enum_cls: type[enum.Enum], length: int = 32) -> Any:
    """Store an enum by its value (``"release_support"``), as text, portable to PostgreSQL."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
