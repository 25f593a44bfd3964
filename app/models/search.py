"""Derived search data: one folded line of text per case, indexed by FTS5 (trigram).

Not a record of anything (so it has an integer key and no timestamps): it is rebuilt from
cases, people and institutions at any time by :func:`app.store.search.rebuild_case_index`.
The FTS5 table ``fts_cases`` (external content = this table, kept in sync by triggers) is
created by migration SQL, not by the ORM, and lives behind :mod:`app.store.search`.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class CaseSearchRow(Base):
    __tablename__ = "case_search_index"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), unique=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
