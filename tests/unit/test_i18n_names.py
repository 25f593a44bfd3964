"""Country and language names in the user's language, sorted the way that language sorts."""

from __future__ import annotations

import pytest

from app.kernel.i18n_names import (
    STATELESS,
    countries,
    country_name,
    language_list,
    language_name,
    languages,
    sort_key,
)


def ordered(words: list[str], language: str) -> list[str]:
    return sorted(words, key=lambda w: sort_key(w, language))


def test_norwegian_puts_ae_oe_aa_after_z() -> None:
    words = ["Åland", "Østerrike", "Zambia", "Ærø", "Aserbajdsjan", "Øst-Timor"]
    assert ordered(words, "nb") == [
        "Aserbajdsjan",
        "Zambia",
        "Ærø",
        "Øst-Timor",
        "Østerrike",
        "Åland",
    ]


def test_romanian_letters_with_diacritics_follow_their_base() -> None:
    words = ["Țările de Jos", "Turcia", "Suedia", "Șerbia", "Austria", "Ăsta", "Îndia", "India"]
    assert ordered(words, "ro") == [
        "Austria",
        "Ăsta",
        "India",
        "Îndia",
        "Suedia",
        "Șerbia",
        "Turcia",
        "Țările de Jos",
    ]


def test_romanian_cedilla_forms_sort_as_comma_forms() -> None:
    assert sort_key("Ştefan", "ro")[0] == sort_key("Ștefan", "ro")[0]


def test_russian_files_yo_with_ye_and_cyrillic_before_latin() -> None:
    words = ["Ёлка", "Енот", "Ель", "Жук", "Zorro", "Авдеев"]
    assert ordered(words, "ru") == ["Авдеев", "Ёлка", "Ель", "Енот", "Жук", "Zorro"]


def test_english_ignores_accents_except_to_break_ties() -> None:
    assert ordered(["Curaçao", "Cuba", "Côte d’Ivoire", "Cyprus"], "en") == [
        "Côte d’Ivoire",
        "Cuba",
        "Curaçao",
        "Cyprus",
    ]


@pytest.mark.parametrize(
    ("language", "name"),
    [("en", "Romania"), ("nb", "Romania"), ("ru", "Румыния"), ("ro", "România")],
)
def test_country_names_in_the_users_language(language: str, name: str) -> None:
    assert country_name("RO", language) == name


@pytest.mark.parametrize(
    ("language", "in_list", "running"),
    [
        ("en", "Russian", "Russian"),
        ("nb", "Russisk", "russisk"),
        ("ru", "Русский", "русский"),
        ("ro", "Rusă", "rusă"),
    ],
)
def test_language_names_capitalised_in_lists_only(
    language: str, in_list: str, running: str
) -> None:
    assert language_name("ru", language) == in_list
    assert language_name("ru", language, in_list=False) == running


def test_language_list_joins_the_locales_way() -> None:
    assert language_list(("ro", "ru"), "en") == "Romanian and Russian"
    assert language_list(("ro", "ru"), "ru") == "румынский и русский"
    assert language_list(("ro", "ru", "nb"), "ro") == "română, rusă și norvegiană bokmål"


@pytest.mark.parametrize("language", ["en", "nb", "ru", "ro"])
def test_lists_are_complete_and_sorted(language: str) -> None:
    country_list = countries(language)
    assert len(country_list) > 240
    assert {"NO", "RO", "RU", "PL", "LT", "SO", "ER", "AF", "SY"} <= {c for c, _n in country_list}
    names = [n for _c, n in country_list]
    assert names == sorted(names, key=lambda n: sort_key(n, language))
    codes = {c for c, _n in languages(language)}
    assert {"nb", "ru", "ro", "pl", "lt", "ar", "so", "ti", "fa", "ps", "ckb", "uk"} <= codes
    assert not codes & {"eo", "la", "no"}


def test_norwegian_list_ends_with_the_norwegian_letters() -> None:
    assert [n for _c, n in countries("nb")][-3:] == ["Øst-Timor", "Østerrike", "Åland"]


def test_stateless_and_unknown_codes() -> None:
    assert country_name(STATELESS, "en") == "Stateless"
    assert country_name("QQ", "en") == "QQ"
    assert country_name(None, "en") == ""
    assert language_name("zz-unknown", "en") == "zz-unknown"
