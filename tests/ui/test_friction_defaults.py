"""Defaults say nothing where nothing is known, and what the context says where it does."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from app.features.cases.services import cases
from app.features.cases.ui.case_view import CaseWorkspace
from app.features.cases.ui.record_dialogs import MeetingDialog, PersonDialog
from app.features.consent.services import consent
from app.features.consent.ui.consent import ConsentDialog, ConsentTab
from app.features.foreign.ui.foreign import ConsularDialog, ForeignTab
from app.features.people.services import people
from app.models.enums import CaseKind, ConsentScope, CustodyStatus, Gender, LegalBasis, MeetingKind
from app.services.context import ServiceContext
from app.shell.main_window import MainWindow
from app.ui_kit.operations import SyncOperations
from tests.ui.conftest import answer_dialog
from tests.ui.test_foreign_workflow import tab_of


def test_a_new_persons_gender_is_not_known(qtbot: Any, ctx: ServiceContext) -> None:
    dialog = PersonDialog(None, ctx, SyncOperations())
    qtbot.addWidget(dialog)
    assert dialog.gender.currentData() == Gender.UNKNOWN
    assert dialog.data().gender == Gender.UNKNOWN


def test_the_meeting_kind_follows_custody(qtbot: Any, ctx: ServiceContext) -> None:
    expected = {
        None: None,
        CustodyStatus.ON_LEAVE: None,
        CustodyStatus.SENTENCED: MeetingKind.PRISON_VISIT,
        CustodyStatus.RELEASED: MeetingKind.POST_RELEASE,
        CustodyStatus.ELECTRONIC_MONITORING: MeetingKind.HOME_VISIT,
    }
    for custody, kind in expected.items():
        dialog = MeetingDialog(None, ctx, SyncOperations(), uuid.uuid4(), custody)
        qtbot.addWidget(dialog)
        assert dialog.kind.currentData() == kind, custody


def _polish_foreign_case(ctx: ServiceContext) -> cases.CaseView:
    client = people.create_person(
        ctx, people.PersonInput(given_name="Piotr", family_name="Nowak", nationality="PL")
    )
    data = cases.CaseInput(CaseKind.FOREIGN_INMATE, client.id, date.today() - timedelta(days=3))
    case = cases.open_case(ctx, data)
    consent.record_consent(
        ctx, client.id, ConsentScope.CASE_WORK, LegalBasis.CONSENT, date.today(), None, None
    )
    return case


def _workspace(window: MainWindow, case: cases.CaseView) -> CaseWorkspace:
    window.open_case(case.id)
    workspace = window.pages["cases"].tabs.currentWidget()  # type: ignore[attr-defined]
    assert isinstance(workspace, CaseWorkspace)
    return workspace


def test_consent_opens_at_the_scope_the_banner_asks_for(
    window: MainWindow, ctx: ServiceContext
) -> None:
    workspace = _workspace(window, _polish_foreign_case(ctx))
    assert "Consular contact" in workspace.header.warning.text()
    tab: ConsentTab = tab_of(workspace, ConsentTab)
    chosen: list[object] = []

    def look(dialog: ConsentDialog) -> None:
        chosen.append(dialog.scope.currentData())
        dialog.reject()

    answer_dialog(ConsentDialog, look)
    tab.record.click()
    assert chosen == [ConsentScope.CONSULAR_CONTACT]


def test_consular_contact_opens_at_the_clients_nationality(
    window: MainWindow, ctx: ServiceContext
) -> None:
    workspace = _workspace(window, _polish_foreign_case(ctx))
    tab: ForeignTab = tab_of(workspace, ForeignTab)
    chosen: list[object] = []

    def look(dialog: ConsularDialog) -> None:
        chosen.append(dialog.country.code())
        dialog.reject()

    answer_dialog(ConsularDialog, look)
    tab.log_contact.click()
    assert chosen == ["PL"]
