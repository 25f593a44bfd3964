"""Screens say what is true of what is chosen: no floating count, nothing about nobody,
no action on no referral, no jumping tabs."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QApplication

from app.features.cases.services import cases
from app.features.cases.ui.case_view import CaseWorkspace
from app.features.consent.services import consent, referrals
from app.features.directory.services import directory
from app.features.people.services import people
from app.models.enums import CaseKind, ConsentScope, LegalBasis, OrganisationType
from app.services.context import ServiceContext
from app.shell.main_window import MainWindow


def test_no_cases_keeps_the_count_on_top(window: MainWindow) -> None:
    window.resize(1100, 760)
    page: Any = window.show_page("cases")
    page.list.search.setText("nobody by this name")
    page._apply_filters()
    count, empty = page.list.count, page.list.empty
    assert empty.isVisible() and count.text() == "0 cases"
    assert count.height() <= count.sizeHint().height() + 4  # not floating mid-page
    assert count.geometry().bottom() < empty.geometry().top()


def test_nobody_chosen_says_so(window: MainWindow, ctx: ServiceContext) -> None:
    people.create_person(ctx, people.PersonInput("Kari", "Nordmann"))
    page: Any = window.show_page("people")
    panel = page.panel
    assert panel.nobody.isVisible()
    assert not panel.family.isVisible() and not panel.cases.isVisible()


def _case_with_referral(ctx: ServiceContext) -> cases.CaseView:
    client = people.create_person(ctx, people.PersonInput("Ion", "Lungu"))
    case = cases.open_case(ctx, cases.CaseInput(CaseKind.RELEASE_SUPPORT, client.id, date.today()))
    organisation = directory.save_organisation(
        ctx, directory.OrganisationInput("Red Cross", OrganisationType.RED_CROSS)
    )
    referrals.create_referral(ctx, case.id, organisation.id, None, None)
    return case


def _workspace(window: MainWindow, case: cases.CaseView) -> CaseWorkspace:
    window.open_case(case.id)
    workspace = window.pages["cases"].tabs.currentWidget()  # type: ignore[attr-defined]
    assert isinstance(workspace, CaseWorkspace)
    return workspace


def test_send_and_response_need_a_chosen_referral(window: MainWindow, ctx: ServiceContext) -> None:
    workspace = _workspace(window, _case_with_referral(ctx))
    index = next(
        i for i in range(workspace.tabs.count()) if workspace.tabs.tabText(i) == "Referrals"
    )
    workspace.tabs.setCurrentIndex(index)
    tab = workspace.tabs.widget(index)
    buttons = {b.text(): b for b in tab.findChildren(type(workspace.overview.edit))}
    send, answer = buttons["Send…"], buttons["Record response…"]
    table = workspace.referrals
    table.table.clearSelection()
    table.table.setCurrentCell(-1, -1)
    assert not send.isEnabled() and not answer.isEnabled()
    table.table.selectRow(0)
    assert send.isEnabled() and not answer.isEnabled()  # a draft: send it first


def test_the_tabs_stay_put_when_the_consent_banner_goes(
    window: MainWindow, ctx: ServiceContext
) -> None:
    case = _case_with_referral(ctx)
    workspace = _workspace(window, case)
    warning = workspace.header.warning
    assert warning.isVisible()
    before = workspace.tabs.mapTo(workspace, workspace.tabs.rect().topLeft()).y()
    for scope in (ConsentScope.CASE_WORK, ConsentScope.SHARING_WITH_PARTNERS):
        window.ops.run(  # as the UI records it: the service says what changed
            lambda scope=scope: consent.record_consent(
                ctx, case.client_id, scope, LegalBasis.CONSENT, date.today(), None, None
            )
        )
    QApplication.processEvents()
    assert not warning.isVisible()
    after = workspace.tabs.mapTo(workspace, workspace.tabs.rect().topLeft()).y()
    assert after == before
