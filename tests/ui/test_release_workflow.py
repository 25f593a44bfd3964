"""Release support through the real widgets: start a plan from a template on the case's
"Release plan" tab, tick a task off, move the release date, and see the release on Today."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QDialogButtonBox

from app.features.cases.services import cases, tasks
from app.features.cases.ui.case_view import CaseWorkspace
from app.features.people.services import people
from app.features.release.services import plan_templates, release_plans
from app.features.release.ui.dialogs import (
    CustodyDialog,
    MoveReleaseDialog,
    StartPlanDialog,
    TemplateDialog,
)
from app.features.release.ui.page import ReleasesPage
from app.features.release.ui.release import ReleasePlanTab
from app.features.today.ui.page import TodayPage
from app.models.enums import CaseKind, CustodyStatus
from app.services.context import ServiceContext
from app.shell.main_window import MainWindow
from app.ui_kit.widgets import show_date, to_qdate
from tests.ui.conftest import answer_dialog

TODAY = date.today()
RELEASE = TODAY + timedelta(days=45)
LATER = RELEASE + timedelta(days=14)


def release_case(ctx: ServiceContext) -> cases.CaseView:
    person = people.create_person(ctx, people.PersonInput(given_name="Ion", family_name="Rusu"))
    return cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.RELEASE_SUPPORT,
            client_id=person.id,
            opened_on=TODAY - timedelta(days=20),
            expected_release=RELEASE,
            custody_status=CustodyStatus.SENTENCED,
            worker_id=ctx.require_actor().id,
        ),
    )


def release_tab(workspace: CaseWorkspace) -> ReleasePlanTab:
    tab = next(
        workspace.tabs.widget(i)
        for i in range(workspace.tabs.count())
        if isinstance(workspace.tabs.widget(i), ReleasePlanTab)
    )
    assert isinstance(tab, ReleasePlanTab)
    workspace.tabs.setCurrentWidget(tab)
    return tab


def save(dialog: Any) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_plan_a_release_and_move_the_date(window: MainWindow, ctx: ServiceContext) -> None:
    case = release_case(ctx)
    window.open_case(case.id)
    workspace = window.pages["cases"].tabs.currentWidget()  # type: ignore[attr-defined]
    assert isinstance(workspace, CaseWorkspace)
    tab = release_tab(workspace)
    assert tab.tasks.currentWidget() is tab.tasks.empty  # no plan yet

    previewed: list[list[str]] = []

    def choose_long(dialog: StartPlanDialog) -> None:
        index = dialog.template.findText("Long sentence")
        dialog.template.setCurrentIndex(index)
        previewed.append(dialog.preview.texts())
        save(dialog)

    answer_dialog(StartPlanDialog, choose_long)
    tab.start_button.click()
    assert show_date(RELEASE - timedelta(days=90)) in previewed[0]
    assert "90 days before release" in previewed[0]
    plan = release_plans.plan_for_case(ctx, case.id)
    assert plan is not None and plan.total == 13
    assert "Apply for ID documents" in tab.tasks.texts()
    assert show_date(RELEASE) in tab.tasks.texts()
    assert tab.start_button.isHidden()  # one plan per case
    assert tab.progress.text() == "0 of 13 tasks done"

    first = plan.tasks[0]
    tasks.set_task_done(ctx, first.id, True)
    before = {t.id: t.due_on for t in tasks.list_case_tasks(ctx, case.id)}

    def later(dialog: MoveReleaseDialog) -> None:
        dialog.on.setDate(to_qdate(LATER))
        save(dialog)

    answer_dialog(MoveReleaseDialog, later)
    tab.move_button.click()
    after = {t.id: t.due_on for t in tasks.list_case_tasks(ctx, case.id)}
    assert after[first.id] == before[first.id]  # done: stays
    for task_id, due in before.items():
        if task_id != first.id:
            assert due is not None and after[task_id] == due + timedelta(days=14)
    assert show_date(LATER) in tab.tasks.texts()  # the tab reloaded
    assert tab.progress.text() == "1 of 13 tasks done"
    assert show_date(LATER) in tab.summary.text()

    def released_too_early(dialog: CustodyDialog) -> None:
        dialog.status.setCurrentIndex(dialog.status.findData(CustodyStatus.ELECTRONIC_MONITORING))
        dialog.on.setDate(to_qdate(TODAY))
        save(dialog)

    answer_dialog(CustodyDialog, released_too_early)
    tab.custody_button.click()
    assert "Electronic monitoring" in tab.history.texts()

    today_page = window.show_page("today")
    assert isinstance(today_page, TodayPage)
    today_page.reload()
    texts = today_page.releases.texts()
    assert "Ion Rusu" in texts and "1 of 13" in texts

    releases_page = window.show_page("releases")
    assert isinstance(releases_page, ReleasesPage)
    releases_page.reload()
    assert case.reference in releases_page.upcoming.texts()


def test_a_coordinator_writes_a_plan_template(window: MainWindow, ctx: ServiceContext) -> None:
    page = window.show_page("releases")
    assert isinstance(page, ReleasesPage)
    errors: list[str] = []

    def write(dialog: TemplateDialog) -> None:
        dialog.template.setCurrentIndex(dialog.template.findData(None))
        assert dialog.items.toPlainText() == ""
        dialog.name.setText("Women's unit")
        dialog.items.setPlainText("−45 Childcare\n")  # no colon: refused, dialog stays open
        save(dialog)
        errors.append(dialog.form.errors["items"].text())
        dialog.items.setPlainText("−45: Arrange childcare\n\n+7: Coffee after release")
        save(dialog)

    answer_dialog(TemplateDialog, write)
    page.edit_templates.click()
    assert "Line 1" in errors[0]
    made = next(t for t in plan_templates.list_templates(ctx) if t.name == "Women's unit")
    assert [(i.offset_days, i.title) for i in made.items] == [
        (-45, "Arrange childcare"),
        (7, "Coffee after release"),
    ]
