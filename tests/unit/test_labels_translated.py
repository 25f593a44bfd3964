"""Enum and audit labels stay distinct in every language, and every audit action has one."""

from __future__ import annotations

import enum

import pytest

from app.kernel.i18n import thread_language
from app.kernel.labels import audit_action_label, label
from app.models import enums
from app.security.audit import AuditAction

ENUMS = [
    value
    for value in vars(enums).values()
    if isinstance(value, type)
    and issubclass(value, enum.Enum)
    and value.__module__ == enums.__name__
]


@pytest.mark.parametrize("language", ["nb", "ru", "ro"])
@pytest.mark.parametrize("enum_cls", ENUMS, ids=lambda e: e.__name__)
def test_labels_are_translated_and_distinct(language: str, enum_cls: type[enum.Enum]) -> None:
    english = [label(m) for m in enum_cls]
    with thread_language(language):
        texts = [label(m) for m in enum_cls]
    assert len(set(texts)) == len(texts), texts
    if language != "nb":  # a few Norwegian words are spelt as in English ("Partner", "Video")
        assert texts != english


@pytest.mark.parametrize("action", list(AuditAction))
def test_every_audit_action_reads_as_words(action: AuditAction) -> None:
    text = audit_action_label(action.value)
    assert text != action.value and "_" not in text
    with thread_language("ru"):
        assert audit_action_label(action.value) != text
