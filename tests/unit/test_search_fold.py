"""Case- and diacritic-insensitive matching, as a searcher expects it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.store.search import contains_pattern, fold


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("stefan", "Ștefan"),
        ("orjan", "Ørjan"),
        ("ива", "Иванов"),
        ("петр", "Пётр"),
        ("aeroe", "Ærøe"),
        ("TARANU", "Ţăranu"),
        ("lodz", "Łódź"),
    ],
)
def test_folded_query_is_found_in_folded_name(typed: str, name: str) -> None:
    assert fold(typed) in fold(name)


def test_like_wildcards_in_the_query_are_literal() -> None:
    assert contains_pattern("50%_a") == "%50\\%\\_a%"


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
