"""Foreign-inmate needs through the real widgets: logging a consular contact without the
client's consent is refused with a clear message; after recording the consent on the Consent
tab, the same contact is logged and listed; languages are shown by name."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QWidget

from app.features.cases.services import cases
from app.features.cases.ui.case_view import CaseWorkspace
from app.features.consent.ui.consent import ConsentDialog, ConsentTab
from app.features.foreign.services import foreign
from app.features.foreign.ui.foreign import ConsularDialog, ForeignTab
from app.features.people.services import people
from app.models.enums import CaseKind, ConsentScope, ContactChannel
from app.services.context import ServiceContext
from app.shell.main_window import MainWindow
from tests.ui.conftest import accept_message_box, answer_dialog


def save(dialog: Any) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def tab_of(workspace: CaseWorkspace, kind: type[QWidget]) -> Any:
    tab = next(
        workspace.tabs.widget(i)
        for i in range(workspace.tabs.count())
        if isinstance(workspace.tabs.widget(i), kind)
    )
    workspace.tabs.setCurrentWidget(tab)
    return tab


def test_consular_contact_needs_consent(window: MainWindow, ctx: ServiceContext) -> None:
    client = people.create_person(
        ctx,
        people.PersonInput(
            given_name="Andrei",
            family_name="Rusu",
            nationality="MD",
            languages=("ro", "ru"),
            interpreter_needed=True,
        ),
    )
    case = cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.FOREIGN_INMATE,
            client_id=client.id,
            opened_on=date.today() - timedelta(days=30),
        ),
    )
    window.open_case(case.id)
    workspace = window.pages["cases"].tabs.currentWidget()  # type: ignore[attr-defined]
    assert isinstance(workspace, CaseWorkspace)
    assert "Consular contact" in workspace.header.warning.text()
    tab: ForeignTab = tab_of(workspace, ForeignTab)
    assert "Speaks: Romanian and Russian" in tab.interpreter.text()
    assert "Interpreter needed" in tab.interpreter.text()

    shown: list[str] = []

    def log(dialog: ConsularDialog) -> None:
        dialog.country.set_code("MD")
        dialog.channel.setCurrentIndex(list(ContactChannel).index(ContactChannel.EMAIL))
        save(dialog)
        shown.append(dialog.message.text() if dialog.message.isVisibleTo(dialog) else "")
        if dialog.isVisible():  # refused: leave, discarding what was typed
            accept_message_box(QMessageBox.StandardButton.Discard)
            dialog.reject()

    answer_dialog(ConsularDialog, log)
    tab.log_contact.click()
    assert shown[0].startswith("The client has not given consent to consular contact.")
    assert tab.consular.currentWidget() is tab.consular.empty

    consent_tab: ConsentTab = tab_of(workspace, ConsentTab)

    def record(dialog: ConsentDialog) -> None:
        dialog.scope.setCurrentIndex(dialog.scope.findData(ConsentScope.CONSULAR_CONTACT))
        save(dialog)

    answer_dialog(ConsentDialog, record)
    consent_tab.record.click()
    assert "Consular contact" in consent_tab.table.texts()
    assert "Consular contact" not in workspace.header.warning.text()
    assert "Case work" in workspace.header.warning.text()  # still missing

    tab = tab_of(workspace, ForeignTab)
    answer_dialog(ConsularDialog, log)
    tab.log_contact.click()
    assert shown[1] == ""
    assert "Moldova" in tab.consular.texts() and "E-mail" in tab.consular.texts()
    assert [c.country for c in foreign.list_consular_contacts(ctx, case.id)] == ["MD"]
