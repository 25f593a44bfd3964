"""Each record is declared once (app/kernel/record_labels.py) and every declaration is complete,
consistent with the models and translated: subject access, erasure, anonymisation, the audit
trail and import read it, so a column without one, or a slip in one, shows here."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import grimp
import pytest
from babel.messages.pofile import read_po
from sqlalchemy import Text

from app.features.importing.services import import_sources
from app.features.privacy.services import anonymise, erasure, subject_access
from app.features.privacy.services.erasure import Receipt
from app.kernel import record_labels, records
from app.kernel.i18n import thread_language
from app.kernel.record_types import Erase, Kind, Rows
from app.models import Base

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("nb", "ru", "ro")
TABLES = {mapper.local_table.name: mapper.local_table for mapper in Base.registry.mappers}


def test_every_column_of_every_model_is_declared_with_a_label_and_a_kind() -> None:
    """Add a column to a model without declaring it, and this fails."""
    missing = [
        f"{name}.{column.key}"
        for name, table in TABLES.items()
        for column in table.columns
        if record_labels.declared(name, column.key) is None
    ]
    assert missing == []
    assert {r.table for r in record_labels.RECORDS} == set(TABLES)
    fields = [records.field(n, c.key) for n, t in TABLES.items() for c in t.columns]
    assert {f.kind for f in fields} == set(Kind)
    assert {f.erase for f in fields} == set(Erase)
    assert sorted(f"{f.table}.{f.name}" for f in fields if f.health) == [
        "meetings.wellbeing",
        "needs.domain",
    ]


def test_every_name_a_declaration_uses_is_a_column_of_its_table() -> None:
    """A flag on a misspelt or dropped column would silently protect nothing."""
    wrong = []
    for record in record_labels.RECORDS:
        columns = {c.key for c in TABLES[record.table].columns}
        named = [*record.kinds, *record.free_text, *record.health, *record.erase]
        named += [f for f in record.restricted if f != "*"]
        wrong += [f"{record.table}.{name}" for name in named if name not in columns]
    assert wrong == []


def test_every_shown_column_of_unbounded_text_is_declared_free_text_or_hidden() -> None:
    """A TEXT column shown in a subject access pack is where people write names: erasure must
    find the subject's name in it (or it is bookkeeping the pack never shows)."""
    undeclared = [
        f"{record.table}.{column.key}"
        for _name, record in records.sections()
        for column in TABLES[record.table].columns
        if isinstance(column.type, Text)
        and column.key not in record.free_text
        and records.field_kind(record.table, column.key) is Kind.VALUE
    ]
    # reasons for keeping a case and what happened in an audit event: the coordinator's and
    # the system's words, about the record, not about other people
    assert undeclared == ["cases.retention_reason", "audit_events.fields"]


def test_erasure_empties_every_free_text_it_keeps() -> None:
    """A free text erasure keeps rows of must be emptied in them (or the rows deleted)."""
    kept = []
    for record in record_labels.RECORDS:
        if record.rows is Rows.KEEP:
            continue
        for name in record.free_text:
            if record.rows is Rows.STUB and record.erase.get(name) not in (
                Erase.CLEAR,
                Erase.EMPTY,
            ):
                kept.append(f"{record.table}.{name}")
    assert kept == []
    assert [r.table for r in record_labels.RECORDS if r.free_text and r.rows is Rows.KEEP] == []


def test_a_stub_empties_a_column_as_its_nullability_allows() -> None:
    """CLEAR writes NULL, EMPTY writes "": each must suit the column, or the stub fails."""
    wrong = []
    for record in record_labels.RECORDS:
        for name, how in record.erase.items():
            column = TABLES[record.table].columns[name]
            if (how is Erase.CLEAR and not column.nullable) or (
                how is Erase.EMPTY and column.nullable
            ):
                wrong.append(f"{record.table}.{name}: {how}")
    assert wrong == []


def test_anonymisation_and_subject_access_read_the_declarations() -> None:
    assert records.free_text() == anonymise.FREE_TEXT
    assert {m.__tablename__ for m, _c in anonymise.FREE_TEXT} == {
        r.table for r in record_labels.RECORDS if r.free_text
    }
    assert records.section_names() == subject_access.SECTIONS
    assert subject_access.SECTIONS[0] == "person"
    assert subject_access.SECTIONS[-1] == "audit_events"
    orders = [r.section.order for _n, r in records.sections() if r.section]
    assert orders == sorted(set(orders))
    assert records.receipt_lines() == erasure.RECEIPT_ORDER
    assert [r.table for r in record_labels.RECORDS if r.rows is not Rows.KEEP and not r.count] == [
        "import_keys",
        "recent_views",
    ]  # bookkeeping: gone with the person, not worth a line on the receipt


def test_import_labels_a_person_field_as_declared() -> None:
    for field in ("given_name", "birth_date", "national_id", "notes"):
        assert import_sources.TARGETS[field] == record_labels.declared("people", field)


def _messages(language: str) -> dict[str, tuple[str, bool]]:
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalogue = read_po(f)
    found: dict[str, tuple[str, bool]] = {}
    for message in catalogue:
        if not message.id or message.context:  # pgettext's entries are other words
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string if isinstance(message.string, str) else message.string[0]
        found[key] = (text, message.fuzzy)
    return found


def _declared_texts() -> set[str]:
    texts = {r.label for r in record_labels.RECORDS} | set(record_labels.COMMON.values())
    for record in record_labels.RECORDS:
        texts |= set(record.fields.values())
        if record.section is not None:
            texts.add(record.section.title)
    return texts


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_declared_label_and_section_title_is_translated(language: str) -> None:
    """In the .po itself: present, not empty, not fuzzy (a fuzzy entry is shown in English)."""
    messages = _messages(language)
    texts = _declared_texts()
    assert len(texts) > 180
    bad = sorted(t for t in texts if not messages.get(t, ("", True))[0] or messages[t][1])
    assert bad == []


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_the_receipt_names_every_line_in_the_language(language: str) -> None:
    lines = records.receipt_lines()
    receipt = Receipt(
        uuid.UUID(int=1),
        "erase",
        datetime(2026, 12, 1, 10, 0),
        "Cora",
        tuple((line, 7) for line in lines),
    )
    with thread_language("en"):
        english = [records.count_wording(line)(7).format(n=7) for line in lines]
    with thread_language(language):
        text = erasure.receipt_text(receipt)
        shown = [records.count_wording(line)(7).format(n=7) for line in lines]
    assert [f"  - {line}" for line in shown] == [
        line for line in text.splitlines() if line.startswith("  - ")
    ]
    assert [line for line in shown if "_" in line] == []
    if language != "en":
        assert [s for s, e in zip(shown, english, strict=True) if s == e] == []


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_the_audit_trail_shows_every_declared_field_in_words(language: str) -> None:
    """Every record's every field, as the audit trail's display names it."""
    from app.kernel.labels import audit_fields_label, record_type_label

    messages = _messages(language) if language != "en" else {}
    with thread_language(language):
        for record in record_labels.RECORDS:
            columns = [c.key for c in TABLES[record.table].columns]
            assert "_" not in record_type_label(record.entity)
            shown = audit_fields_label(record.entity, columns)
            expected = [str(record_labels.declared(record.table, c)) for c in columns]
            if language != "en":  # the catalogue's words, never a column's name or English
                expected = [messages[text][0] for text in expected]
            assert shown == ", ".join(expected), record.table


def test_subject_access_and_its_pdf_import_no_cycle() -> None:
    graph = grimp.build_graph("app")
    pdf, pack = (
        "app.features.privacy.services.subject_access_pdf",
        "app.features.privacy.services.subject_access",
    )
    assert graph.find_shortest_chain(importer=pdf, imported=pack) is None
    for declarations in (
        "app.kernel.records",
        "app.kernel.record_labels",
        "app.kernel.record_types",
    ):
        assert not {
            m for m in graph.find_upstream_modules(declarations) if m.startswith("app.services")
        }
