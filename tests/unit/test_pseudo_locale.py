"""The pseudo-locale: longer, accented text with placeholders and mnemonics intact."""

from __future__ import annotations

import pytest

from app.kernel.i18n import (
    PSEUDO_LANGUAGE,
    _,
    current_language,
    known_language,
    ngettext,
    pseudo,
    set_language,
    thread_language,
)


def test_longer_and_accented_but_placeholders_untouched() -> None:
    text = pseudo("Signed in as {name} ({role})")
    assert text.startswith("⟦") and text.endswith("⟧")
    assert "{name}" in text and "{role}" in text
    assert "Šîĝñéđ" in text
    assert len(pseudo("Sign in to Homeward")) >= len("Sign in to Homeward") * 1.4


@pytest.mark.parametrize(
    "source", ["&User name", "%(default)s folder", "%1 already exists", "<b>bold</b> text", "a\nb"]
)
def test_markup_survives(source: str) -> None:
    text = pseudo(source)
    for kept in ("%(default)s", "%1", "<b>", "</b>", "\n"):
        if kept in source:
            assert kept in text
    assert text.count("&") == source.count("&")


def test_formatting_still_works() -> None:
    text = pseudo("{n} cases").format(n=3)
    assert "3" in text


def test_pseudo_language_translates_everything() -> None:
    with thread_language(PSEUDO_LANGUAGE):
        assert _("Sign in").startswith("⟦")
        assert ngettext("{n} case", "{n} cases", 2).format(n=2).startswith("⟦2")


def test_environment_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    before = current_language()
    monkeypatch.setenv("HOMEWARD_PSEUDO", "1")
    try:
        assert known_language("ru") == PSEUDO_LANGUAGE
        set_language("ru")
        assert current_language() == PSEUDO_LANGUAGE
        assert _("Sign in").startswith("⟦")
    finally:
        monkeypatch.delenv("HOMEWARD_PSEUDO")
        set_language(before)
    assert known_language("ru") == "ru"
