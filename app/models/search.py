"""Derived search data: one folded line of text per case, indexed by FTS5 (trigram).

Not a record of anything (so it has an integer key and no timestamps): it is rebuilt from
cases, people and institutions at any time by :func:`app.store.search.rebuild_case_index`.
The status, kind, worker, volunteer and last-activity columns copy the case's (a trigger on ``cases``
keeps them equal) so that counting a search never joins ``cases``. The FTS5 table ``fts_cases`` (external content = this table, kept in sync by triggers) is
created by migration SQL, not by the ORM, and lives behind :mod:`app.store.search`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, enum_type
from app.models.enums import CaseKind, CaseStatus


class CaseSearchRow(Base):
    __tablename__ = "case_search_index"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), unique=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    # Copies of the case's list filters, so a search is counted without touching ``cases``.
    # Written with the text; kept equal afterwards by the trigger ``cases_search_filters_au``.
    status: Mapped[CaseStatus | None] = mapped_column(enum_type(CaseStatus))
    kind: Mapped[CaseKind | None] = mapped_column(enum_type(CaseKind))
    worker_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    volunteer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    last_activity_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (Index("ix_case_search_activity", "last_activity_at"),)
