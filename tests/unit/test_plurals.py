"""Numbers with nouns take the right plural form: Russian and Romanian have three."""

from __future__ import annotations

import pytest

from app.kernel.i18n import ngettext, thread_language

NUMBERS = (1, 2, 5, 21, 22, 25, 101, 111)


def cases(n: int, language: str) -> str:
    with thread_language(language):
        return ngettext("{n} case", "{n} cases", n).format(n=n)


@pytest.mark.parametrize(
    ("n", "expected"),
    list(
        zip(
            NUMBERS,
            [
                "1 случай",
                "2 случая",
                "5 случаев",
                "21 случай",
                "22 случая",
                "25 случаев",
                "101 случай",
                "111 случаев",
            ],
            strict=True,
        )
    ),
)
def test_russian_one_few_many(n: int, expected: str) -> None:
    assert cases(n, "ru") == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    list(
        zip(
            NUMBERS,
            [
                "1 caz",
                "2 cazuri",
                "5 cazuri",
                "21 de cazuri",
                "22 de cazuri",
                "25 de cazuri",
                "101 cazuri",
                "111 cazuri",
            ],
            strict=True,
        )
    ),
)
def test_romanian_one_few_other(n: int, expected: str) -> None:
    # Romanian puts "de" between a number and its noun from 20 on, except after 101–119…
    assert cases(n, "ro") == expected


@pytest.mark.parametrize(("n", "expected"), [(1, "1 sak"), (2, "2 saker"), (21, "21 saker")])
def test_norwegian_one_other(n: int, expected: str) -> None:
    assert cases(n, "nb") == expected


@pytest.mark.parametrize("n", NUMBERS)
def test_english_source(n: int) -> None:
    assert cases(n, "en") == (f"{n} case" if n == 1 else f"{n} cases")


def test_russian_plural_of_another_noun() -> None:
    with thread_language("ru"):
        texts = [ngettext("{n} event", "{n} events", n).format(n=n) for n in (1, 3, 11, 21)]
    assert texts == ["1 событие", "3 события", "11 событий", "21 событие"]
