"""The vocabulary of the record declarations in :mod:`app.kernel.record_labels`: what a field is,
where a record appears in a subject access pack, and what erasure does with it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What a field holds, as far as showing it is concerned."""

    VALUE = "value"  # shown as it is (text, date, number, yes/no, a choice)
    USER = "user"  # a user's id: shown as the user's name
    LINK = "link"  # another record's id: in the JSON; the PDF says it by the record's place
    DETAIL = "detail"  # in the JSON, not the readable PDF (checksums, file types, stamps)
    INTERNAL = "internal"  # never shown to the person (ids, MACs, content, bookkeeping)


class Erase(StrEnum):
    """What an anonymous stub (erasure, retention) keeps of a field of a row it keeps."""

    KEEP = "keep"
    CLEAR = "clear"  # NULL
    EMPTY = "empty"  # "" (the column is NOT NULL)
    NAME = "name"  # the word "Erased" (a given name)
    QUARTER = "quarter"  # the first day of the quarter (a date of birth)
    YEAR = "year"  # the year of the date of birth, else the estimate kept
    UNLINK = "unlink"  # NULL where it points at an erased person or case


class Rows(StrEnum):
    """What erasure does with the rows of a table that belong to the erased."""

    KEEP = "keep"  # untouched (or only unlinked: see the fields' Erase.UNLINK)
    STUB = "stub"  # kept as anonymous counting stubs: the fields' Erase says what goes
    DELETE = "delete"  # deleted


@dataclass(frozen=True)
class Section:
    """Where a record's rows appear in the subject access pack."""

    title: str  # N_-marked
    order: int
    name: str = ""  # the section's key in the pack and its JSON; the table's name if empty


@dataclass(frozen=True)
class RecordLabels:
    table: str
    entity: str  # the record's name in the audit trail ("consular_contact")
    label: str  # N_-marked
    fields: Mapping[str, str]  # column (or a field the pack adds) -> N_-marked label
    count: Callable[[int], str] | None = field(default=None, compare=False)  # "{n} …", plural
    section: Section | None = None  # its place in a subject access pack
    kinds: Mapping[str, Kind] = field(default_factory=dict)  # VALUE unless named here
    free_text: tuple[str, ...] = ()  # columns of free text that may name someone
    restricted: tuple[str, ...] = ()  # restricted fields (DESIGN.md §4); "*": the whole record
    health: tuple[str, ...] = ()  # health data (GDPR Art. 9)
    rows: Rows = Rows.KEEP  # what erasure does with the rows
    erase: Mapping[str, Erase] = field(default_factory=dict)  # KEEP unless named here
