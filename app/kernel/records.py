"""What the record declarations (:mod:`app.kernel.record_labels`) say, as the services ask it.

Subject access takes its sections, titles and the fields it shows from here; erasure and
anonymisation the free-text columns that may name someone, what a stub keeps of each row and
which rows go; the erasure receipt its lines and their wording. No list of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from app.kernel.i18n import ngettext
from app.kernel.record_labels import COMMON_KINDS, RECORDS, record
from app.kernel.record_labels import declared as field_label_text
from app.kernel.record_types import Erase, F, Kind, RecordLabels, Rows
from app.models import Base

#: Receipt lines that count no table's rows, after the tables' (erasure wording).
RECEIPT_EXTRA: dict[str, Callable[[int], str]] = {
    "audit_links": lambda n: ngettext("{n} audit event unlinked", "{n} audit events unlinked", n),
    "mentions": lambda n: ngettext(
        "{n} mention in other records", "{n} mentions in other records", n
    ),
}
#: What a stub's column becomes, for the constant rules (the others need the row).
_CONSTANT: dict[Erase, Any] = {Erase.CLEAR: None, Erase.EMPTY: ""}


@cache
def _models() -> dict[str, type[Any]]:
    return {mapper.class_.__tablename__: mapper.class_ for mapper in Base.registry.mappers}


def model(table: str) -> type[Any]:
    """The mapped class of ``table``."""
    return _models()[table]


@dataclass(frozen=True)
class Field:
    """Everything the declarations say about one field, in one place."""

    table: str
    name: str
    label: str  # N_-marked
    kind: Kind
    free_text: bool
    restricted: bool
    health: bool
    erase: Erase  # what a stub keeps of it (rows erasure deletes go whole)


def field(table: str, name: str) -> Field:
    """The declaration of ``table``.``name``; ``KeyError`` if it has none."""
    declared = record(table)
    label = field_label_text(table, name)
    if label is None:
        raise KeyError(f"{table}.{name} is not declared")
    return Field(
        table=table,
        name=name,
        label=label,
        kind=field_kind(table, name),
        free_text=name in declared.free_text,
        restricted=name in declared.restricted or "*" in declared.restricted,
        health=name in declared.health,
        erase=declared.erase.get(name, Erase.KEEP),
    )


def field_kind(table: str, name: str) -> Kind:
    """What field ``name`` of ``table`` holds (:class:`~app.kernel.record_types.Kind`)."""
    return record(table).kinds.get(name) or COMMON_KINDS.get(name, Kind.VALUE)


@cache
def sections() -> tuple[tuple[str, RecordLabels], ...]:
    """The subject access pack's sections in their order: (name, the record shown there)."""
    shown = sorted((r.section.order, r.section.name or r.table, r) for r in RECORDS if r.section)
    return tuple((name, r) for _order, name, r in shown)


def section_names() -> tuple[str, ...]:
    return tuple(name for name, _record in sections())


def section_record(name: str) -> RecordLabels:
    """The record a pack's section shows ("person" → the people table's declaration)."""
    return dict(sections())[name]


def section_title(name: str) -> str:
    """The N_-marked title of a pack's section."""
    section = section_record(name).section
    assert section is not None
    return section.title


@cache
def free_text() -> tuple[tuple[type[Any], tuple[str, ...]], ...]:
    """Every free-text column that may name someone: (model, column names)."""
    return tuple((model(r.table), r.free_text) for r in RECORDS if r.free_text)


def free_text_columns(table: str) -> frozenset[str]:
    return frozenset(record(table).free_text)


def rows(table: str) -> Rows:
    """What erasure does with the rows of ``table`` that belong to the erased."""
    return record(table).rows


def erased(table: str, rule: Erase) -> tuple[str, ...]:
    """The columns of ``table`` a stub treats by ``rule``."""
    return tuple(name for name, how in record(table).erase.items() if how is rule)


def stub_values(table: str) -> dict[str, Any]:
    """The columns a stub of ``table`` empties, with the value each becomes (NULL or "")."""
    return {name: _CONSTANT[how] for name, how in record(table).erase.items() if how in _CONSTANT}


def restricted_fields(table: str) -> tuple[str, ...]:
    """Fields of ``table`` that only roles with restricted access see (DESIGN.md §4)."""
    return record(table).restricted


def restricted_among(table: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """Which of ``names`` (fields of ``table``) only roles with restricted access see: those
    declared restricted, or all of them when the whole record is ("*")."""
    restricted = record(table).restricted
    return names if "*" in restricted else tuple(n for n in names if n in restricted)


def text_fields(table: str) -> tuple[tuple[str, F], ...]:
    """The fields of ``table`` a user types as text (declared with a ``limit``), in their
    order: what a service checks and cleans, and a form shows, by their declarations."""
    return tuple((name, spec) for name, spec in record(table).specs.items() if spec.limit)


@cache
def receipt_lines() -> tuple[str, ...]:
    """The erasure receipt's lines in their order: tables, then what is not a table."""
    return (*(r.table for r in RECORDS if r.count is not None), *RECEIPT_EXTRA)


def count_wording(line: str) -> Callable[[int], str]:
    """ "{n} meetings" for a receipt line (plural-aware, translated when called)."""
    wording = RECEIPT_EXTRA.get(line) or record(line).count
    if wording is None:
        raise KeyError(f"{line} has no count wording")
    return wording
