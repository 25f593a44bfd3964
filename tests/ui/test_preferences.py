"""Each preference of this computer reads as its default when what QSettings holds is
missing or unusable, and keeps only usable values."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QByteArray, QSettings

from app.ui_kit import preferences


@pytest.fixture
def kept(qapp: object) -> Iterator[QSettings]:
    store = QSettings()
    before = {p.key: store.value(p.key) for p in preferences.PREFERENCES}
    yield store
    for key, value in before.items():
        if value is None:
            store.remove(key)
        else:
            store.setValue(key, value)


def test_an_unusable_stored_value_reads_as_the_default(kept: QSettings) -> None:
    for preference in preferences.PREFERENCES:
        kept.remove(preference.key)
        assert preference.read() == preference.default
    kept.setValue(preferences.LANGUAGE.key, "tlh")  # a language Homeward does not ship
    kept.setValue(preferences.EXPORT_FOLDER.key, "")
    kept.setValue(preferences.WINDOW_GEOMETRY.key, "not geometry")
    assert [p.read() for p in preferences.PREFERENCES] == [None, "", None]


def test_only_usable_values_are_kept(kept: QSettings) -> None:
    assert preferences.LANGUAGE.write("ru") and preferences.LANGUAGE.read() == "ru"
    assert not preferences.LANGUAGE.write("tlh")
    assert preferences.LANGUAGE.read() == "ru"
    assert not preferences.WINDOW_GEOMETRY.write(QByteArray())
    assert preferences.WINDOW_GEOMETRY.write(QByteArray(b"\x01\xd9"))
    assert preferences.WINDOW_GEOMETRY.read() == QByteArray(b"\x01\xd9")
    assert kept.value(preferences.LANGUAGE.key) == "ru"  # the same key as before
