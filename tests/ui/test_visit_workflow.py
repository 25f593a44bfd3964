"""Child visits through the real widgets: book a visit (seeing the prison's visiting rules and
child contact person), approve, schedule and hold it; cancel another with a reason; an
overnight stay refused without an assessment; the visit calendar's week and list views."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtWidgets import QDialogButtonBox

from app.features.cases.services import cases, relations
from app.features.cases.ui.case_view import CaseWorkspace
from app.features.directory.services import directory
from app.features.people.services import people
from app.features.visits.services import visit_queries, visits
from app.features.visits.ui.page import VisitsPage
from app.features.visits.ui.visits import (
    ReasonDialog,
    RequestVisitDialog,
    ScheduleDialog,
    VisitsTab,
)
from app.models import Institution
from app.models.enums import CaseKind, InstitutionKind, RelationshipKind, VisitType
from app.services.context import ServiceContext
from app.shell.main_window import MainWindow
from app.ui_kit.operations import SyncOperations
from tests.ui.conftest import answer_dialog


def test_the_institution_filter_stays_when_the_directory_changes(
    window: MainWindow, ctx: ServiceContext, ops: SyncOperations
) -> None:
    visit_case(ctx)
    page = window.show_page("visits")
    assert isinstance(page, VisitsPage)
    page.institution.setCurrentIndex(page.institution.findText("Ila prison"))

    new = directory.InstitutionInput(name="Bergen prison", kind=InstitutionKind.PRISON)
    ops.run(lambda: directory.save_institution(ctx, new))  # the list is filled again

    assert page.institution.findText("Bergen prison") > 0
    assert page.institution.currentText() == "Ila prison"


def person(ctx: ServiceContext, given: str, **values: Any) -> people.PersonView:
    return people.create_person(
        ctx, people.PersonInput(given_name=given, family_name="Lungu", **values)
    )


def visit_case(ctx: ServiceContext) -> cases.CaseView:
    prison = Institution(
        name="Ila prison",
        kind=InstitutionKind.PRISON,
        visiting_info="Saturdays 10–14, child-friendly room on the ground floor",
        child_contact_name="Siri Dahl",
        child_contact_phone="+47 67 00 00 00",
    )
    with ctx.uow(write=True) as uow:
        uow.session.add(prison)
        uow.commit()
    parent = person(ctx, "Dorin")
    child = person(ctx, "Ana", birth_date=date(2016, 4, 2))
    carer = person(ctx, "Elena")
    relations.add_relationship(ctx, parent.id, child.id, RelationshipKind.CHILD)
    relations.add_relationship(ctx, child.id, carer.id, RelationshipKind.PARENT, is_caregiver=True)
    return cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.CHILD_VISITS,
            client_id=parent.id,
            opened_on=date.today() - timedelta(days=10),
            institution_id=prison.id,
        ),
    )


def open_tab(window: MainWindow, case: cases.CaseView) -> tuple[CaseWorkspace, VisitsTab]:
    window.open_case(case.id)
    workspace = window.pages["cases"].tabs.currentWidget()  # type: ignore[attr-defined]
    assert isinstance(workspace, CaseWorkspace)
    tab = next(
        workspace.tabs.widget(i)
        for i in range(workspace.tabs.count())
        if isinstance(workspace.tabs.widget(i), VisitsTab)
    )
    assert isinstance(tab, VisitsTab)
    workspace.tabs.setCurrentWidget(tab)
    return workspace, tab


def save(dialog: Any) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def status_of(tab: VisitsTab, row: int = 0) -> str:
    return tab.visits.table.item(row, 3).text()


def test_book_schedule_hold_and_cancel_a_visit(window: MainWindow, ctx: ServiceContext) -> None:
    case = visit_case(ctx)
    workspace, tab = open_tab(window, case)
    assert "Consent missing: Case work" in workspace.header.warning.text()
    assert not workspace.header.warning.isHidden()
    seen: list[str] = []

    def book(dialog: RequestVisitDialog) -> None:
        seen.append(dialog.about.text())
        assert dialog.adult.currentText() == "Elena Lungu (caregiver)"
        dialog.kind.setCurrentIndex(list(VisitType).index(VisitType.CHILD_FRIENDLY_ROOM))
        save(dialog)

    answer_dialog(RequestVisitDialog, book)
    tab.request.click()
    assert "Saturdays 10–14, child-friendly room" in seen[0]
    assert "Siri Dahl, +47 67 00 00 00" in seen[0]
    assert status_of(tab) == "Requested"
    assert "Ana Lungu" in tab.visits.texts() and "Elena Lungu" in tab.visits.texts()

    tab.visits.table.selectRow(0)
    tab.approve.click()
    assert status_of(tab) == "Approved"
    tab.visits.table.selectRow(0)
    answer_dialog(ScheduleDialog, save)
    tab.schedule.click()
    assert status_of(tab) == "Scheduled"
    tab.visits.table.selectRow(0)
    tab.held.click()
    assert status_of(tab) == "Held"

    # a second visit, a week later, cancelled: the reason is required
    def book_later(dialog: RequestVisitDialog) -> None:
        dialog.when.setDateTime(dialog.when.dateTime().addDays(7))
        save(dialog)

    answer_dialog(RequestVisitDialog, book_later)
    tab.request.click()
    assert status_of(tab, 0) == "Requested"  # latest first
    errors: list[str] = []

    def cancel(dialog: ReasonDialog) -> None:
        save(dialog)  # no reason yet
        errors.append(dialog.form.errors["reason"].text())
        dialog.reason.setPlainText("Ana has the flu")
        save(dialog)

    tab.visits.table.selectRow(0)
    answer_dialog(ReasonDialog, cancel)
    tab.cancel.click()
    assert errors == ["This field is required."]
    assert status_of(tab, 0) == "Cancelled"
    assert "Ana has the flu" in tab.visits.texts()
    statuses = sorted(v.status.value for v in visit_queries.list_case_visits(ctx, case.id))
    assert statuses == ["cancelled", "held"]


def test_an_overnight_stay_is_refused_without_an_assessment(
    window: MainWindow, ctx: ServiceContext
) -> None:
    case = visit_case(ctx)
    _workspace, tab = open_tab(window, case)

    def overnight(dialog: RequestVisitDialog) -> None:
        dialog.kind.setCurrentIndex(list(VisitType).index(VisitType.OVERNIGHT_FAMILY_FLAT))
        dialog.duration.setValue(22 * 60)
        save(dialog)

    answer_dialog(RequestVisitDialog, overnight)
    tab.request.click()
    tab.visits.table.selectRow(0)
    tab.approve.click()
    refused: list[str] = []

    def schedule(dialog: ScheduleDialog) -> None:
        save(dialog)
        refused.append(dialog.message.text() if dialog.message.isVisibleTo(dialog) else "")
        dialog.reject()

    tab.visits.table.selectRow(0)
    answer_dialog(ScheduleDialog, schedule)
    tab.schedule.click()
    assert "needs an approved assessment" in refused[0]
    assert status_of(tab) == "Approved"


def test_the_visit_calendar_shows_the_week_and_filters_by_institution(
    window: MainWindow, ctx: ServiceContext
) -> None:
    case = visit_case(ctx)
    child = visit_queries.booking_info(ctx, case.id).children[0]
    when = (date.today() + timedelta(days=8)).isoformat() + "T11:00"
    visits.request_visit(
        ctx,
        visits.VisitRequest(
            case.id,
            child.id,
            datetime.fromisoformat(when),
            duration_minutes=60,
            accompanying_adult_name="Maria Lungu",
        ),
    )
    page = window.show_page("visits")
    assert isinstance(page, VisitsPage)
    page.show_week_of(date.today() + timedelta(days=8))
    cells = [
        page.week.item(r, c).text()
        for r in range(page.week.rowCount())
        for c in range(7)
        if page.week.item(r, c)
    ]
    assert len(cells) == 1 and "Ana Lungu" in cells[0] and case.reference in cells[0]
    column = (date.today() + timedelta(days=8)).weekday()
    assert page.week.item(0, column) is not None
    assert page.count.text() == "1 visit this week"
    page.mode.setCurrentIndex(1)
    assert page.views.currentWidget() is page.list
    assert "Ila prison" in page.list.texts()
    page.institution.addItem("Elsewhere", None)  # no institution id: all again
    index = page.institution.findText("Ila prison")
    page.institution.setCurrentIndex(index)
    assert page.count.text() == "1 visit this week"
    page.shift_week(7)
    assert page.count.text() == "0 visits this week"
    page.list.row_activated.emit(
        visit_queries.visit_calendar(ctx, date.today(), date.today() + timedelta(days=30))[0]
    )
    assert window.current_page() == "cases"
