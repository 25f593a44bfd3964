"""Opening a case reads every tab in one transaction: it must show exactly what the tabs'
own services show, to each role, and audit the view once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import func, select

from app.demo.workspace import create_demo_workspace
from app.features.admin.services import attachments
from app.features.cases.services import (
    case_file as case_workspace,
)
from app.features.cases.services import (
    case_list,
    cases,
    meetings,
    needs,
    relations,
    tasks,
)
from app.features.consent.services import consent, referrals
from app.features.today.services import today
from app.kernel.errors import NotFoundError
from app.models import AuditEvent
from app.security.permissions import PermissionDenied
from app.services import audit_log
from app.services.audit_log import AuditAction
from app.services.context import ServiceContext
from app.services.workspace import unlock


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("workspace") / "demo"
    create_demo_workspace(folder, cases=40, seed=3, kdf_seconds=0)
    return folder


@pytest.fixture(params=["coordinator", "worker", "volunteer"])
def reader(request: pytest.FixtureRequest, demo: Path) -> Iterator[ServiceContext]:
    ctx = unlock(demo, request.param, "demo")
    yield ctx
    ctx.lock()


def _or_none(fn: object, *args: object, **kwargs: object) -> object:
    try:
        return fn(*args, **kwargs)  # type: ignore[operator]
    except PermissionDenied:
        return None


def _view_events(ctx: ServiceContext) -> int:
    with ctx.uow() as uow:
        count = uow.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == AuditAction.VIEW_CASE.value)
        )
    return int(count or 0)


def _chain_intact(demo: Path) -> bool:
    coordinator = unlock(demo, "coordinator", "demo")
    try:
        return audit_log.verify_trail(coordinator).ok
    finally:
        coordinator.lock()


def test_the_workspace_shows_what_each_tab_shows(reader: ServiceContext) -> None:
    rows = case_list.list_cases(reader, case_list.CaseQuery(), limit=40)
    assert rows, "every demo user sees some cases"
    compared = 0
    for row in rows[:12]:
        bundle = case_workspace.open_workspace(reader, row.id)
        case_id = row.id
        assert bundle.case == cases.get_case(reader, case_id)
        assert bundle.needs == needs.list_case_needs(reader, case_id)
        assert bundle.meetings == meetings.list_case_meetings(reader, case_id)
        assert bundle.tasks == tasks.list_case_tasks(reader, case_id)
        assert bundle.referrals == _or_none(referrals.list_case_referrals, reader, case_id)
        assert bundle.documents == _or_none(attachments.list_attachments, reader, case_id=case_id)
        assert bundle.people == _or_none(
            relations.list_relationships, reader, bundle.case.client_id
        )
        assert bundle.consent == _or_none(consent.consent_status, reader, case_id)
        history = cast(list[Any] | None, _or_none(audit_log.case_history, reader, case_id))
        if bundle.history is None:
            assert history is None
        else:
            # get_case above audited one more view since the workspace was read
            assert history is not None and history[1:] == bundle.history
            assert bundle.history[0].action == AuditAction.VIEW_CASE
        compared += len(bundle.needs) + len(bundle.meetings) + len(bundle.tasks)
    assert compared > 0, "the demo cases have needs, meetings or tasks to compare"


def test_a_volunteer_is_refused_what_their_role_may_not_see(demo: Path) -> None:
    ctx = unlock(demo, "volunteer", "demo")
    try:
        bundle = case_workspace.open_workspace(
            ctx, case_list.list_cases(ctx, case_list.CaseQuery())[0].id
        )
        assert bundle.documents is None and bundle.history is None
        assert bundle.referrals == []
        assert bundle.case.offence_category is None and bundle.case.summary is None
        assert all(m.summary is None for m in bundle.meetings if m.recorded_by_id != ctx.actor.id)  # type: ignore[union-attr]
    finally:
        ctx.lock()


def test_opening_audits_one_view_and_remembers_the_case(demo: Path) -> None:
    ctx = unlock(demo, "worker", "demo")
    try:
        case_id = case_list.list_cases(ctx, case_list.CaseQuery())[3].id
        before = _view_events(ctx)
        case_workspace.open_workspace(ctx, case_id)
        assert _view_events(ctx) == before + 1
        assert today.today(ctx).recent_cases[0].id == case_id
        assert _chain_intact(demo)
    finally:
        ctx.lock()


def test_a_case_the_reader_may_not_see_is_not_found_and_not_audited(demo: Path) -> None:
    staff = unlock(demo, "coordinator", "demo")
    volunteer = unlock(demo, "volunteer", "demo")
    try:
        mine = {
            row.id for row in case_list.list_cases(volunteer, case_list.CaseQuery(), limit=1000)
        }
        other = next(
            r.id for r in case_list.list_cases(staff, case_list.CaseQuery()) if r.id not in mine
        )
        before = _view_events(staff)
        with pytest.raises(NotFoundError):
            case_workspace.open_workspace(volunteer, other)
        assert _view_events(staff) == before
    finally:
        staff.lock()
        volunteer.lock()


def test_a_failed_read_rolls_the_view_back(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = unlock(demo, "worker", "demo")
    try:
        case_id = case_list.list_cases(ctx, case_list.CaseQuery())[5].id
        before = _view_events(ctx)

        def broken(*_args: object) -> None:
            raise RuntimeError("a tab could not be read")

        monkeypatch.setattr(meetings, "case_meetings", broken)
        with pytest.raises(RuntimeError):
            case_workspace.open_workspace(ctx, case_id)
        assert _view_events(ctx) == before
        assert _chain_intact(demo)
    finally:
        ctx.lock()
