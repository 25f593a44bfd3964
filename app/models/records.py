"""Bookkeeping for imports and erasure: which rows an import made, and erasure receipts.

None of these tables holds client data in clear: import keys are SHA-256 digests of the
matching key (external id, or name and birth date), and a receipt holds counts only.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Entity, utcnow


class ImportBatch(Entity, Base):
    """One committed batch of an import. ``import_id`` identifies the file and mapping, so
    running the same import again skips the batches already committed."""

    __tablename__ = "import_batches"

    import_id: Mapped[str] = mapped_column(String(64))
    batch_no: Mapped[int]
    first_row: Mapped[int]
    rows: Mapped[int]
    people_created: Mapped[int] = mapped_column(default=0)
    cases_created: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        UniqueConstraint("import_id", "batch_no", name="uq_import_batches_import_batch"),
    )


class ImportKey(Entity, Base):
    """The record an imported row became: ``kind`` is ``person`` or ``case``; ``key`` is the
    digest of the row's matching key, so importing the same row again finds this record."""

    __tablename__ = "import_keys"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[uuid.UUID]
    import_id: Mapped[str] = mapped_column(String(64))
    batch_no: Mapped[int]

    __table_args__ = (
        Index("ix_import_keys_record", "record_id"),
        Index("ix_import_keys_import", "import_id", "batch_no"),
    )


class ErasureReceipt(Entity, Base):
    """What an erasure or anonymisation removed: counts per table, when, by whom. Never the
    removed data, never a name: ``counts`` is JSON ``{"people": 2, "meetings": 14, ...}``."""

    __tablename__ = "erasure_receipts"

    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(String(20))
    counts: Mapped[str] = mapped_column(Text, default="{}")
