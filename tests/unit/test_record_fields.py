"""A field declared on one line (:class:`~app.kernel.record_types.F`) says the same as the
record's tuples and maps did, and what it declares for a form and a service fits its column."""

from __future__ import annotations

from sqlalchemy import String

from app.features.cases.services import meetings
from app.kernel import record_labels, records
from app.kernel.record_types import LONG_TEXT_MAX, NAME_MAX, Erase, F, Kind, RecordLabels, Rows
from app.models import Base

TABLES = {mapper.local_table.name: mapper.local_table for mapper in Base.registry.mappers}


def test_a_field_on_one_line_says_what_the_tuples_and_maps_say() -> None:
    on_lines = RecordLabels(
        "notes",
        "note",
        "Note",
        {
            "text": F("Text", free_text=True, restricted=True, erase=Erase.EMPTY),
            "mood": F("Mood", restricted=True, health=True),
            "author": F("Author", Kind.USER),
            "day": "Day",
        },
        rows=Rows.STUB,
    )
    in_lists = RecordLabels(
        "notes",
        "note",
        "Note",
        {"text": "Text", "mood": "Mood", "author": "Author", "day": "Day"},
        rows=Rows.STUB,
        kinds={"author": Kind.USER},
        free_text=("text",),
        restricted=("text", "mood"),
        health=("mood",),
        erase={"text": Erase.EMPTY},
    )
    assert on_lines == in_lists
    assert on_lines.fields == {"text": "Text", "mood": "Mood", "author": "Author", "day": "Day"}
    assert in_lists.specs["mood"] == F("Mood", restricted=True, health=True)
    assert in_lists.specs["day"] == F("Day")


def test_the_meetings_typed_texts_are_declared_with_their_limits() -> None:
    texts = {n: (s.limit, s.required, s.multiline) for n, s in meetings.TEXTS}
    assert texts["location"] == (NAME_MAX, False, False)
    assert texts["summary"] == (LONG_TEXT_MAX, True, True)
    assert list(texts).index("location") < list(texts).index("summary")  # the form's order
    assert {"summary", "wellbeing"} <= set(records.restricted_fields("meetings"))


def test_a_declared_text_limit_fits_its_column() -> None:
    """A form and a service that take more than the column holds would fail at the database."""
    wrong = []
    for record in record_labels.RECORDS:
        for name, spec in records.text_fields(record.table):
            column = TABLES[record.table].columns[name]
            assert spec.limit is not None
            length = column.type.length if isinstance(column.type, String) else None
            if length is not None and spec.limit > length:
                wrong.append(f"{record.table}.{name}: {spec.limit} > {length}")
            if spec.required and column.nullable:
                wrong.append(f"{record.table}.{name}: required, but the column takes NULL")
    assert wrong == []
