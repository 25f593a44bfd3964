"""The translation catalogues are complete, current and safe to format.

Fails when a .po has an untranslated or fuzzy entry, when extraction from the source would
change it (run ``make translations``), or when a translation's placeholders differ from its
English text's.
"""

from __future__ import annotations

from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message

from tools import i18n as catalogues

LANGUAGES = catalogues.LANGUAGES


@pytest.fixture(scope="module")
def template() -> Catalog:
    return catalogues.extract()


def test_every_language_ships_a_catalogue() -> None:
    assert set(LANGUAGES) == {"nb", "ru", "ro"}
    for language in LANGUAGES:
        assert catalogues.po_path(language).is_file()


def test_the_template_is_up_to_date(template: Catalog) -> None:
    saved = catalogues.read(catalogues.TEMPLATE)
    extracted = catalogues.message_keys(template)
    assert catalogues.message_keys(saved) == extracted, "run `make translations`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_consistent(language: str, template: Catalog) -> None:
    assert catalogues.problems(language, template) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_rule_is_the_languages_own(language: str) -> None:
    catalog = catalogues.read(catalogues.po_path(language), language)
    assert catalog.num_plurals == {"nb": 2, "ru": 3, "ro": 3}[language]


def _message(msgid: Any, msgstr: Any, **kwargs: Any) -> Message:
    return Message(msgid, msgstr, **kwargs)


@pytest.mark.parametrize(
    ("msgid", "msgstr", "complaint"),
    [
        ("Hello {name}", "Hei {navn}", "placeholders"),
        ("Hello {name}", "Hei", "placeholders"),
        ("%(n)d cases", "%(n)s saker", "placeholders"),
        ("Save", "", "untranslated"),
        ("&User name", "Brukernavn", "mnemonic"),
        (("{n} case", "{n} cases"), ("{n} sak", "saker"), "placeholders"),
        (("{n} case", "{n} cases"), ("{n} случай", "{n} случая"), "plural forms"),
    ],
)
def test_the_checker_catches_broken_translations(msgid: Any, msgstr: Any, complaint: str) -> None:
    catalog = Catalog(locale="ru" if "случай" in str(msgstr) else "nb")
    message = _message(msgid, msgstr)
    found = catalogues._message_problems(message, catalog.num_plurals)
    assert any(complaint in line for line in found), found


def test_the_checker_catches_fuzzy_entries() -> None:
    message = _message("Save", "Lagre", flags=["fuzzy"])
    assert catalogues._message_problems(message, 2) == ["fuzzy: 'Save'"]


def test_literal_braces_are_not_placeholders() -> None:
    assert catalogues.placeholders("{{not}} a {real:,} one %(n)d and %1") == sorted(
        ["{real:,}", "%(n)d", "%1"]
    )


def test_a_plural_form_that_serves_21_must_show_the_number() -> None:
    message = _message(("One case", "{n} cases"), ("Один случай", "{n} случая", "{n} случаев"))
    russian = catalogues._forms_beyond_one(Catalog(locale="ru"))
    assert any("placeholders" in p for p in catalogues._message_problems(message, 3, russian))
    norwegian = catalogues._forms_beyond_one(Catalog(locale="nb"))
    fine = _message(("One case", "{n} cases"), ("Én sak", "{n} saker"))
    assert catalogues._message_problems(fine, 2, norwegian) == []


def test_text_is_translated_through_app_i18n_only() -> None:
    """No module reaches for gettext itself (or installs the builtins ``_``)."""
    import ast

    offenders = []
    for path in sorted(catalogues.SOURCE.rglob("*.py")):
        if path.relative_to(catalogues.SOURCE).as_posix() == "kernel/i18n.py":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n == "gettext" or n.startswith("gettext.") for n in names):
                offenders.append(str(path.relative_to(catalogues.ROOT)))
    assert offenders == []
