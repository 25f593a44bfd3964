"""What the demo's audit trail says a new row's event names comes from the table's columns and
the record declarations, not a list per table (issue 18): a new column on a meeting needs no
change in the demo's trail."""

from __future__ import annotations

import re

from sqlalchemy import Boolean, Column, Integer, MetaData, Text

from app.demo.trail import created_fields, has_text, is_set
from app.demo.trail_records import MEETING_FIELDS
from app.models import Meeting

#: Never named by a meeting's event: its identity, its case (the event's own) and bookkeeping.
_NOT_NAMED = {"id", "case_id", "created_at", "updated_at", "created_by"}


def named(expression: str) -> set[str]:
    """The field names an SQL expression of :func:`~app.demo.trail.filled_fields` may list."""
    return set(re.findall(r"'(\w+),'", expression))


def test_a_meetings_event_names_every_column_a_meeting_is_recorded_with() -> None:
    columns = set(Meeting.__table__.columns.keys())
    assert named(MEETING_FIELDS) == columns - _NOT_NAMED


def test_a_new_column_is_named_as_its_kind_says_with_no_list_to_change() -> None:
    meetings = Meeting.__table__.to_metadata(MetaData())
    for column in (
        # made-up names, so that a real column added later does not collide with them
        Column("example_text", Text, nullable=True),  # free text, optional
        Column("example_minutes", Integer, nullable=True),
        Column("example_flag", Boolean, nullable=False, default=False),
        Column("example_rating", Integer, nullable=False),
    ):
        meetings.append_column(column)
    expression = created_fields(meetings, always=("recorded_by",))
    assert named(expression) == set(meetings.columns.keys()) - _NOT_NAMED
    assert f"CASE WHEN {has_text('example_text')} THEN 'example_text,'" in expression
    assert f"CASE WHEN {is_set('example_minutes')} THEN 'example_minutes,'" in expression
    assert "CASE WHEN example_flag = 1 THEN 'example_flag,'" in expression
    assert " || 'example_rating,' || " in expression  # NOT NULL: always named
    assert " || 'recorded_by,' || " in expression  # nullable, but the service always names it


def test_what_the_declarations_cannot_say_is_said_where_the_table_is() -> None:
    expression = created_fields(
        "consular_contacts", skip=("notes",), always=("consent_to_notify",), outcome="1 = 0"
    )
    assert "notes" not in named(expression)
    assert " || 'consent_to_notify,' || " in expression
    assert "CASE WHEN 1 = 0 THEN 'outcome,'" in expression
    # fields declared internal (a case's reference number's parts) are never named
    assert {"reference_year", "reference_seq", "last_activity_at"}.isdisjoint(
        named(created_fields("cases"))
    )
