"""The releases board gives the names of clients without a mentor room to be read."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from app.features.cases.services import cases
from app.features.people.services import people
from app.kernel.i18n import current_language
from app.models.enums import CaseKind, CustodyStatus
from app.services.context import ServiceContext
from app.shell.main_window import MainWindow
from app.ui_kit import style
from app.ui_kit.language import apply_language
from app.ui_kit.operations import ChangeBus, SyncOperations
from tests.ui.test_translations_ui import MAIN_SIZE, cut_words

NAMES = (("Степан", "Константинопольский"), ("Alexandru-Bogdan", "Constantinescu-Vasilescu"))


def test_names_without_a_mentor_are_whole(qtbot: Any, qapp: Any, ctx: ServiceContext) -> None:
    for n, (given, family) in enumerate(NAMES):
        client = people.create_person(ctx, people.PersonInput(given, family))
        data = cases.CaseInput(
            CaseKind.RELEASE_SUPPORT,
            client.id,
            date.today() - timedelta(days=30),
            custody_status=CustodyStatus.SENTENCED,
            expected_release=date.today() + timedelta(days=100 + n),
        )
        cases.open_case(ctx, data)
    before = (qapp.styleSheet(), qapp.font(), current_language())
    style.apply(qapp)
    try:
        for language in ("nb", "ru"):
            apply_language(language)
            window = MainWindow(ctx, SyncOperations(), ChangeBus())
            qtbot.addWidget(window)
            window.resize(*MAIN_SIZE)
            window.show()
            page: Any = window.show_page("releases")
            table = page.without_mentor.table
            assert table.rowCount() == len(NAMES)
            assert cut_words(table) == [], language
            window.clear()
            window.close()
    finally:
        qapp.setStyleSheet(before[0])
        qapp.setFont(before[1])
        apply_language(before[2])
