"""Every enum value has a human label, distinct within its enum."""

from __future__ import annotations

import enum

import pytest

from app.kernel.labels import has_label, label
from app.models import enums

ENUMS = [
    value
    for value in vars(enums).values()
    if isinstance(value, type)
    and issubclass(value, enum.Enum)
    and value.__module__ == enums.__name__
]


@pytest.mark.parametrize("enum_cls", ENUMS, ids=lambda e: e.__name__)
def test_every_value_has_a_distinct_label(enum_cls: type[enum.Enum]) -> None:
    assert all(has_label(m) for m in enum_cls)
    texts = [label(m) for m in enum_cls]
    assert len(set(texts)) == len(texts)


def test_equal_values_of_different_enums_keep_their_own_label() -> None:
    assert enums.Gender.OTHER == enums.ReferralSource.OTHER  # both are the string "other"
    assert label(enums.Gender.OTHER) != label(enums.ReferralSource.OTHER)
    assert label(None) == ""
