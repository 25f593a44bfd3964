"""Search fields take at most 200 characters, typed or pasted; a longer search that reaches
a service anyway comes back as its plain message."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication, QLineEdit

from app.features.admin.ui.page import AdminPage
from app.features.cases.ui.dialogs import ClientPicker
from app.features.cases.ui.page import CasesPage
from app.features.people.services import people
from app.features.people.ui.page import PeoplePage
from app.services.context import ServiceContext
from app.services.validation import SEARCH_TEXT_MAX
from app.shell.main_window import MainWindow
from app.ui_kit.operations import SyncOperations
from app.ui_kit.pickers import LanguagePicker

HUGE = "Popescu " * 655_360  # 5 MiB


def search_fields(
    window: MainWindow, ctx: ServiceContext, ops: SyncOperations, keep: list[Any]
) -> list[Any]:
    cases_page = window.show_page("cases")
    people_page = window.show_page("people")
    admin = window.show_page("admin")
    assert isinstance(cases_page, CasesPage) and isinstance(people_page, PeoplePage)
    assert isinstance(admin, AdminPage)
    picker, languages = ClientPicker(ctx, ops), LanguagePicker()
    keep += [picker, languages]  # their fields live as long as they do
    return [
        cases_page.list.search,
        people_page.search,
        admin.rights.search,
        picker.search,
        languages.filter,
    ]


def test_every_search_field_refuses_more_than_the_limit(
    window: MainWindow, ctx: ServiceContext, ops: SyncOperations
) -> None:
    failures: list[str] = []
    ops.failed.connect(failures.append)
    keep: list[Any] = []
    for field in search_fields(window, ctx, ops, keep):
        assert isinstance(field, QLineEdit)
        assert field.maxLength() == SEARCH_TEXT_MAX
        field.setText(HUGE)
        assert len(field.text()) == SEARCH_TEXT_MAX
        field.clear()
        QApplication.clipboard().setText(HUGE)
        field.paste()
        assert len(field.text()) == SEARCH_TEXT_MAX
        field.clear()
    assert failures == []


def test_a_long_search_that_reaches_the_service_shows_a_plain_message(
    ctx: ServiceContext, ops: SyncOperations
) -> None:
    failures: list[str] = []
    ops.failed.connect(failures.append)
    ops.run(lambda: people.list_people(ctx, HUGE))
    assert failures == ["Search for at most 200 characters: a name, a reference or a place."]
