"""Admin → Directory through the real widgets: an institution added with its visiting rules is
what the booking of a child visit shows; a partner added, edited and deactivated leaves the
list for new referrals; a mistake keeps the dialog open with everything typed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QWidget

from app.features.admin.ui.page import AdminPage
from app.features.cases.services import cases, relations
from app.features.cases.ui.case_view import CaseWorkspace
from app.features.directory.services import directory
from app.features.directory.ui.page import DirectoryTab, InstitutionDialog, OrganisationDialog
from app.features.people.services import people
from app.features.visits.ui.page import VisitsPage
from app.features.visits.ui.visits import RequestVisitDialog, VisitsTab
from app.kernel.i18n import PSEUDO_LANGUAGE, current_language
from app.models.enums import (
    CaseKind,
    InstitutionKind,
    OrganisationType,
    RelationshipKind,
    SecurityLevel,
)
from app.services.context import ServiceContext
from app.shell.main_window import MainWindow
from app.ui_kit.language import apply_language
from app.ui_kit.operations import ChangeBus, SyncOperations
from tests.ui.conftest import answer_dialog
from tests.ui.test_translations_ui import MAIN_SIZE, check, english_messages
from tests.ui.test_translations_ui import app_style as app_style  # the app's look: what fits

VISITING = "Saturdays 10–14; book by phone three days ahead"


def directory_tab(window: MainWindow) -> DirectoryTab:
    page = window.show_page("admin")
    assert isinstance(page, AdminPage)
    page.tabs.setCurrentWidget(page.directory)
    return page.directory


def save(dialog: Any) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def choose(combo: QComboBox, value: object) -> None:
    combo.setCurrentIndex(combo.findData(value))


def double_click(qtbot: Any, table: Any, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def visit_case(ctx: ServiceContext, institution_id: Any) -> cases.CaseView:
    def person(given: str, **values: Any) -> people.PersonView:
        data = people.PersonInput(given_name=given, family_name="Lungu", **values)
        return people.create_person(ctx, data)

    parent, child = person("Dorin"), person("Ana", birth_date=date(2016, 4, 2))
    relations.add_relationship(ctx, parent.id, child.id, RelationshipKind.CHILD)
    return cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.CHILD_VISITS,
            client_id=parent.id,
            opened_on=date.today() - timedelta(days=10),
            institution_id=institution_id,
        ),
    )


def test_an_institution_added_here_is_shown_when_booking_a_visit(
    window: MainWindow, ctx: ServiceContext
) -> None:
    visits_page = window.show_page("visits")
    assert isinstance(visits_page, VisitsPage)
    assert visits_page.institution.count() == 1  # "All institutions" only
    tab = directory_tab(window)
    assert not tab.institutions.table.isVisible()  # the empty state instead

    def fill(dialog: InstitutionDialog) -> None:
        dialog.name.setText("Ila fengsel")
        choose(dialog.kind, InstitutionKind.PRISON)
        dialog.region.setText("Akershus")
        dialog.visiting.setPlainText(VISITING)
        dialog.contact.setText("Siri Dahl")
        dialog.contact_phone.setText("+47 67 00 00 01")
        assert dialog.country.code() == "NO"
        save(dialog)

    answer_dialog(InstitutionDialog, fill)
    tab.add_institution_button.click()
    texts = tab.institutions.texts()
    assert {"Ila fengsel", "Prison", "Akershus", VISITING} <= set(texts)
    assert "Siri Dahl, +47 67 00 00 01" in texts
    assert tab.institutions.selected().name == "Ila fengsel"  # the new one is chosen
    [ila] = directory.list_institutions(ctx)
    assert (ila.visiting_info, ila.child_contact_name) == (VISITING, "Siri Dahl")

    # the visit calendar's filter offers it at once; the booking shows its rules
    window.show_page("visits")
    assert visits_page.institution.itemText(1) == "Ila fengsel"
    case = visit_case(ctx, ila.id)
    window.open_case(case.id)
    workspace = window.pages["cases"].tabs.currentWidget()  # type: ignore[attr-defined]
    assert isinstance(workspace, CaseWorkspace)
    visits_tab = next(
        w
        for i in range(workspace.tabs.count())
        if isinstance(w := workspace.tabs.widget(i), VisitsTab)
    )
    workspace.tabs.setCurrentWidget(visits_tab)
    seen: list[str] = []

    def look(dialog: RequestVisitDialog) -> None:
        seen.append(dialog.about.text())
        dialog.reject()

    answer_dialog(RequestVisitDialog, look)
    visits_tab.request.click()
    assert "Visiting at Ila fengsel: " + VISITING in seen[0]
    assert "Child contact person: Siri Dahl, +47 67 00 00 01" in seen[0]


def test_a_partner_is_added_edited_and_deactivated(
    window: MainWindow, ctx: ServiceContext, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = directory_tab(window)

    def fill(dialog: OrganisationDialog) -> None:
        dialog.name.setText("NAV Grünerløkka")
        choose(dialog.type, OrganisationType.WELFARE_OFFICE)
        dialog.email.setText("post@nav.example")
        save(dialog)

    answer_dialog(OrganisationDialog, fill)
    tab.add_organisation_button.click()
    assert [o.name for o in directory.list_organisations(ctx)] == ["NAV Grünerløkka"]

    edited: list[str] = []

    def rename(dialog: OrganisationDialog) -> None:
        edited.append(dialog.email.text())  # the dialog opens with what is saved
        dialog.name.setText("NAV Grünerløkka og Sagene")
        dialog.notes.setPlainText("Ask for the release team")
        save(dialog)

    # a double-click opens one dialog (the list reports it twice)
    opened: list[str] = []
    with monkeypatch.context() as patch:
        patch.setattr(
            OrganisationDialog, "edit", classmethod(lambda c, p, x, o, row: opened.append(row.name))
        )
        double_click(qtbot, tab.organisations.table, 0)
        qtbot.waitUntil(lambda: bool(opened))
        qtbot.wait(50)
    assert opened == ["NAV Grünerløkka"]

    answer_dialog(OrganisationDialog, rename)
    double_click(qtbot, tab.organisations.table, 0)
    qtbot.waitUntil(lambda: bool(edited))
    assert edited == ["post@nav.example"]
    [nav] = directory.list_organisations(ctx)
    assert (nav.name, nav.notes) == ("NAV Grünerløkka og Sagene", "Ask for the release team")
    assert "NAV Grünerløkka og Sagene" in tab.organisations.texts()

    tab.organisations.table.selectRow(0)
    assert tab.active_button.text() == "Deactivate"
    tab.active_button.click()
    assert directory.list_organisations(ctx) == []  # not offered for new referrals
    assert tab.organisations.texts() == []
    tab.show_inactive.setChecked(True)
    assert "No" in tab.organisations.texts()
    grey = tab.organisations.table.item(0, 0).foreground().color().name()
    assert grey == "#8a8a8a"
    tab.organisations.table.selectRow(0)
    assert tab.active_button.text() == "Reactivate"
    tab.active_button.click()
    assert [o.active for o in directory.list_organisations(ctx)] == [True]


def test_a_mistake_keeps_the_dialog_open_and_what_was_typed(
    window: MainWindow, ctx: ServiceContext
) -> None:
    tab = directory_tab(window)
    outcome: dict[str, Any] = {}

    def mistake(dialog: InstitutionDialog) -> None:
        dialog.visiting.setPlainText(VISITING)
        dialog.contact.setText("Siri Dahl")
        dialog.contact_email.setText("siri at ila")
        save(dialog)  # no name, and not an e-mail address
        outcome["open"] = dialog.isVisible()
        outcome["errors"] = {
            name: label.text() for name, label in dialog.form.errors.items() if not label.isHidden()
        }
        outcome["kept"] = (dialog.visiting.toPlainText(), dialog.contact.text())
        dialog.name.setText("Bredtveit fengsel")
        dialog.contact_email.setText("siri@example.org")
        save(dialog)

    answer_dialog(InstitutionDialog, mistake)
    tab.add_institution_button.click()
    assert outcome["open"] is True
    assert outcome["errors"] == {
        "name": "This field is required.",
        "child_contact_email": "This does not look like an e-mail address.",
    }
    assert outcome["kept"] == (VISITING, "Siri Dahl")
    [made] = directory.list_institutions(ctx)
    assert (made.name, made.visiting_info, made.child_contact_email) == (
        "Bredtveit fengsel",
        VISITING,
        "siri@example.org",
    )


@pytest.mark.parametrize("language", ["ru", PSEUDO_LANGUAGE])
def test_the_directory_is_translated_and_nothing_is_cut(
    qtbot: Any, ctx: ServiceContext, language: str
) -> None:
    ila = directory.InstitutionInput(
        name="Politiets utlendingsinternat Trandum",
        kind=InstitutionKind.IMMIGRATION_DETENTION,
        security_level=SecurityLevel.HIGH,
        region="Akershus",
        visiting_info=VISITING,
        child_contact_name="Siri Dahl",
    )
    made = directory.save_institution(ctx, ila)
    nav = directory.save_organisation(
        ctx, directory.OrganisationInput(name="NAV Grünerløkka", type=OrganisationType.LEGAL_AID)
    )
    directory.set_organisation_active(ctx, nav.id, False)
    before = current_language()
    apply_language(language)
    try:
        english, problems = english_messages(language), []
        window = MainWindow(ctx, SyncOperations(), ChangeBus(), organisation="Test")
        qtbot.addWidget(window)
        window.resize(*MAIN_SIZE)
        window.show()
        tab = directory_tab(window)
        tab.show_inactive.setChecked(True)
        tab.organisations.table.selectRow(0)  # "Reactivate", the longer word
        check(window, english, problems, "Admin → Directory")
        ops = SyncOperations()
        dialogs: list[QWidget] = [
            InstitutionDialog(None, ctx, ops, made),
            OrganisationDialog(None, ctx, ops, nav),
        ]
        for dialog in dialogs:
            qtbot.addWidget(dialog)
            dialog.show()
            check(dialog, english, problems, type(dialog).__name__)
            dialog.hide()
        window.clear()
    finally:
        apply_language(before)
    assert not problems, "\n".join(problems)
