"""The subject-access result lists what to review in the reader's words, not table and column
names (found walking the GUI: "relationships, field “other_person”")."""

from __future__ import annotations

import pytest

from app.features.privacy.services.subject_access_pack import place_words
from app.kernel.i18n import thread_language


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ("Relationships", "Other person")),
        ("ru", ("Родственные связи", "Другой человек")),
    ],
)
def test_a_review_item_is_named_by_its_section_title_and_field_label(
    language: str, expected: tuple[str, str]
) -> None:
    with thread_language(language):
        section, field = place_words("relationships", "other_person")
    assert "_" not in section + field
    assert (section, field) == expected


def test_a_name_this_version_does_not_know_is_shown_as_stored() -> None:
    assert place_words("no_such_section", "x") == ("no_such_section", "x")
