"""What a subject access pack holds: the read model that :mod:`.subject_access` collects and
:mod:`.subject_access_pdf` and the JSON writer show (apart, so neither imports the other back)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.kernel.i18n import _
from app.kernel.record_labels import field_label
from app.kernel.records import section_record, section_title
from app.security.permissions import pure


@dataclass(frozen=True)
class Record:
    """One row, as (field name, value) pairs: text, numbers, booleans, enum members or None."""

    section: str
    id: uuid.UUID
    values: tuple[tuple[str, Any], ...]

    def get(self, name: str) -> Any:
        return dict(self.values).get(name)


@dataclass(frozen=True)
class ReviewItem:
    """Third-party data to look at before the pack is released."""

    section: str
    record_id: uuid.UUID
    field: str
    reason: str  # "family_member", "other_person" or "name_in_text"
    other_name: str


@dataclass(frozen=True)
class AttachmentFile:
    id: uuid.UUID
    filename: str
    media_type: str
    size: int
    sha256: str
    content: bytes


@dataclass(frozen=True)
class SubjectAccessPack:
    person_id: uuid.UUID
    person_name: str
    organisation: str
    generated_at: datetime
    sections: tuple[tuple[str, tuple[Record, ...]], ...]
    attachments: tuple[AttachmentFile, ...]
    review: tuple[ReviewItem, ...]

    def section(self, name: str) -> tuple[Record, ...]:
        return dict(self.sections).get(name, ())

    @property
    def records(self) -> int:
        return sum(len(records) for _name, records in self.sections)


@pure
def section_table(section: str) -> str:
    """The table a section's records come from (its declaration in :mod:`app.kernel.record_labels`)."""
    return section_record(section).table


@pure
def place_words(section: str, field: str) -> tuple[str, str]:
    """A section and a field of the pack as the reader sees them (translated titles and labels),
    for the list of what to review; names this version does not know are shown as they are."""
    try:
        table = section_table(section)
        return _(section_title(section)), field_label(table, field)
    except KeyError:
        return section, field
