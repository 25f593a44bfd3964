"""Every field a user can see has a label, translated in every shipped language: the audit
trail, the subject access pack and the erasure receipt never show a column name."""

from __future__ import annotations

import gettext

import pytest

from app.kernel import record_labels
from app.kernel.i18n import _, _load, thread_language
from app.models import Base

LANGUAGES = ("nb", "ru", "ro")
MAPPED = sorted(
    (mapper.local_table.name, column.key)
    for mapper in Base.registry.mappers
    for column in mapper.columns
)


def every_label() -> list[str]:
    texts = {r.label for r in record_labels.RECORDS} | set(record_labels.COMMON.values())
    texts |= set(record_labels._OTHER_ENTITIES.values())
    for record in record_labels.RECORDS:
        texts |= set(record.fields.values())
    return sorted(texts)


def test_every_mapped_column_of_every_model_has_a_label() -> None:
    assert len(MAPPED) > 300  # every model, every column
    missing = [f"{t}.{c}" for t, c in MAPPED if record_labels.declared(t, c) is None]
    assert missing == []
    tables = {mapper.local_table.name for mapper in Base.registry.mappers}
    assert tables == {r.table for r in record_labels.RECORDS}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_is_translated(language: str) -> None:
    """A label the catalogue does not hold would be shown in English ("gettext returned the
    msgid"); Russian shares no word with English, so there it must also differ."""
    catalogue = _load(language)
    assert isinstance(catalogue, gettext.GNUTranslations)
    known = catalogue._catalog  # type: ignore[attr-defined]
    untranslated = [text for text in every_label() if not known.get(text)]
    assert untranslated == []
    if language == "ru":
        with thread_language("ru"):
            assert [t for t in every_label() if _(t) == t] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_receipt_counts_are_translated(language: str) -> None:
    english = [r.count(2) for r in record_labels.RECORDS if r.count is not None]
    assert len(english) >= 15
    with thread_language(language):
        translated = [r.count(2) for r in record_labels.RECORDS if r.count is not None]
    assert [t for t, e in zip(translated, english, strict=True) if t == e] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_audit_trail_names_records_and_fields_in_words(language: str) -> None:
    from app.kernel.labels import audit_fields_label, record_type_label

    with thread_language(language):
        assert "_" not in record_type_label("consular_contact")
        text = audit_fields_label("child_visit", ["transport_amount_minor", "status_reason"])
        assert "_" not in text
        assert text == ", ".join(
            record_labels.field_label("child_visits", f)
            for f in ("transport_amount_minor", "status_reason")
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_erasure_receipt_counts_in_the_language(language: str) -> None:
    from app.features.privacy.services.erasure import RECEIPT_ORDER, count_label

    english = [count_label(table, 3) for table in RECEIPT_ORDER]
    with thread_language(language):
        translated = [count_label(table, 3) for table in RECEIPT_ORDER]
    assert [t for t, e in zip(translated, english, strict=True) if t == e] == []
