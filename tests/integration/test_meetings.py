"""Meetings through the service, on a real encrypted workspace."""

from __future__ import annotations

from dataclasses import asdict, fields, replace
from datetime import date, datetime, timedelta

import pytest

from app.features.cases.services import cases, meetings, tasks
from app.kernel import record_labels, records
from app.kernel.errors import NotFoundError, ValidationError
from app.models import Meeting, Task
from app.models.enums import MeetingKind, Role
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from tests.integration.helpers.casework import CANARY, case_for, client, events, sign_in_new_user


def a_meeting(case_id: object, **changes: object) -> meetings.MeetingInput:
    data = meetings.MeetingInput(
        case_id=case_id,  # type: ignore[arg-type]
        occurred_at=datetime.now().replace(microsecond=0) - timedelta(hours=2),
        duration_minutes=45,
        kind=MeetingKind.PRISON_VISIT,
        summary="Talked about housing after release.",
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def test_a_meeting_with_a_follow_up_task(ctx: ServiceContext) -> None:
    case = case_for(ctx, client(ctx).id)
    due = date.today() + timedelta(days=3)
    view = meetings.record_meeting(
        ctx,
        a_meeting(
            case.id,
            location="  Ila prison  ",
            wellbeing=7,
            interpreter_used=True,
            follow_up_title=" Call the housing office ",
            follow_up_due=due,
        ),
    )
    assert view.location == "Ila prison" and view.wellbeing == 7 and view.interpreter_used
    assert view.summary == "Talked about housing after release." and not view.summary_hidden
    assert view.recorded_by_name == "Cora Coordinator" and view.recorded_by_id == ctx.actor.id  # type: ignore[union-attr]
    follow_up = tasks.list_my_tasks(ctx)
    assert [(t.id, t.title, t.due_on, t.case_id) for t in follow_up] == [
        (view.follow_up_task_id, "Call the housing office", due, case.id)
    ]
    assert cases.get_case(ctx, case.id).last_activity_at > case.last_activity_at
    written = [e for e in events(ctx, case.id) if e[0] == "create" and e[1] != "case"]
    assert [e[1] for e in written] == ["task", "meeting"]
    assert "summary" in written[1][2] and "follow_up_task_id" in written[1][2]
    assert sorted(written[1][2]) == [  # what the audit trail always named
        "duration_minutes",
        "follow_up_task_id",
        "interpreter_used",
        "kind",
        "location",
        "occurred_at",
        "recorded_by",
        "summary",
        "wellbeing",
    ]
    assert meetings.list_case_meetings(ctx, case.id) == [view]


def test_validation_speaks_the_users_terms_and_writes_nothing(ctx: ServiceContext) -> None:
    case = case_for(ctx, client(ctx).id)
    now = datetime.now()
    bad: list[tuple[dict[str, object], str, str]] = [
        ({"occurred_at": now + timedelta(minutes=20)}, "occurred_at", "in the future"),
        ({"occurred_at": datetime(1999, 5, 1, 10)}, "occurred_at", "before 2000"),
        ({"duration_minutes": 0}, "duration_minutes", "between 1 minute and 24 hours"),
        ({"duration_minutes": 1441}, "duration_minutes", "between 1 minute and 24 hours"),
        ({"wellbeing": 0}, "wellbeing", "between 1 and 10"),
        ({"wellbeing": 11}, "wellbeing", "between 1 and 10"),
        ({"summary": "   "}, "summary", "required"),
        ({"summary": "x" * 10_000_000}, "summary", "too long"),
        ({"location": "x" * 10_000_000}, "location", "too long"),
        ({"follow_up_title": "x" * 10_000_000}, "follow_up_title", "too long"),
        ({"follow_up_due": date.today()}, "follow_up_title", "title"),
        (
            {"follow_up_title": "Ring", "follow_up_due": date.today() - timedelta(days=9)},
            "follow_up_due",
            "before the meeting",
        ),
        ({"kind": "picnic"}, "kind", "from the list"),
    ]
    for changes, field, message in bad:
        with pytest.raises(ValidationError) as err:
            meetings.record_meeting(ctx, a_meeting(case.id, **changes))
        assert message in err.value.errors[field], field
    assert meetings.list_case_meetings(ctx, case.id) == []
    assert tasks.list_my_tasks(ctx) == []
    # within the 15 minutes' tolerance, and at the limits of the ranges, it is fine
    ok = a_meeting(
        case.id, occurred_at=now + timedelta(minutes=10), duration_minutes=1440, wellbeing=10
    )
    assert meetings.record_meeting(ctx, ok).duration_minutes == 1440


def test_newest_first_and_volunteers_read_only_their_own_summaries(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    vera, vera_ctx = sign_in_new_user(ctx, workspace.folder, "vera")
    case = case_for(ctx, client(ctx).id, volunteer_id=vera.id)
    earlier = datetime.now().replace(microsecond=0) - timedelta(days=3)
    staff_meeting = meetings.record_meeting(
        ctx, a_meeting(case.id, occurred_at=earlier, summary=f"Disclosed {CANARY}", wellbeing=2)
    )
    with vera_ctx:
        own = meetings.record_meeting(
            vera_ctx, a_meeting(case.id, summary="We had coffee.", wellbeing=7)
        )
        seen = meetings.list_case_meetings(vera_ctx, case.id)
        assert [m.id for m in seen] == [own.id, staff_meeting.id]
        assert seen[0].summary == "We had coffee." and not seen[0].summary_hidden
        assert seen[0].wellbeing == 7  # their own note, whole
        assert seen[1].summary is None and seen[1].summary_hidden
        assert seen[1].wellbeing is None  # health data in someone else's note
        assert seen[1].recorded_by_name == "Cora Coordinator"
        assert CANARY not in repr(seen)
    # staff read every summary
    assert [m.summary_hidden for m in meetings.list_case_meetings(ctx, case.id)] == [False, False]


def test_every_field_declared_restricted_is_hidden_from_a_volunteer_reading_anothers_meeting(
    ctx: ServiceContext, workspace: CreatedWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service hides what the declaration flags, not a list of its own: flag the place
    restricted too, and a volunteer no longer reads it in someone else's meeting."""
    declared = record_labels.record("meetings")
    place = replace(declared.specs["location"], restricted=True)
    flagged = replace(declared, declared={**declared.specs, "location": place})
    monkeypatch.setitem(record_labels._BY_NAME, "meetings", flagged)
    monkeypatch.setitem(record_labels._BY_NAME, "meeting", flagged)
    restricted = records.restricted_fields("meetings")
    assert {"summary", "wellbeing", "location"} <= set(restricted)
    typed = {name: f"Some {name}" for name, _spec in records.text_fields("meetings")}
    vera, vera_ctx = sign_in_new_user(ctx, workspace.folder, "vera")
    case = case_for(ctx, client(ctx).id, volunteer_id=vera.id)
    earlier = datetime.now().replace(microsecond=0) - timedelta(days=1)
    whole = meetings.record_meeting(
        ctx, a_meeting(case.id, occurred_at=earlier, wellbeing=3, **typed)
    )
    with vera_ctx:
        meetings.record_meeting(vera_ctx, a_meeting(case.id, wellbeing=7, **typed))
        own, theirs = meetings.list_case_meetings(vera_ctx, case.id)
    assert theirs.id == whole.id and theirs.summary_hidden and not own.summary_hidden
    for name in restricted:
        assert getattr(whole, name) is not None and getattr(own, name) is not None, name
        assert getattr(theirs, name) is None, name
    unrestricted = {f.name for f in fields(meetings.MeetingView)} - {*restricted, "summary_hidden"}
    assert {n: v for n, v in asdict(theirs).items() if n in unrestricted} == {
        n: v for n, v in asdict(whole).items() if n in unrestricted
    }


def test_volunteers_cannot_reach_cases_not_assigned_to_them(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    _vera, vera_ctx = sign_in_new_user(ctx, workspace.folder, "vera")
    other = case_for(ctx, client(ctx).id)
    with vera_ctx:
        with pytest.raises(NotFoundError):
            meetings.record_meeting(vera_ctx, a_meeting(other.id))
        with pytest.raises(NotFoundError):
            meetings.list_case_meetings(vera_ctx, other.id)
    assert meetings.list_case_meetings(ctx, other.id) == []


def test_my_meetings_in_a_period(ctx: ServiceContext, workspace: CreatedWorkspace) -> None:
    _siv, siv_ctx = sign_in_new_user(ctx, workspace.folder, "siv", role=Role.SOCIAL_WORKER)
    case = case_for(ctx, client(ctx, "Ørjan", "Ølstad").id)
    days = [datetime(2026, 1, d, h) for d, h in ((4, 23), (5, 0), (7, 12), (11, 23), (12, 0))]
    made = [meetings.record_meeting(ctx, a_meeting(case.id, occurred_at=d)) for d in days]
    with siv_ctx:
        theirs = meetings.record_meeting(siv_ctx, a_meeting(case.id, occurred_at=days[2]))
        mine = meetings.my_meetings(siv_ctx, date(2026, 1, 5), date(2026, 1, 11))
        assert [m.id for m in mine] == [theirs.id]
    week = meetings.my_meetings(ctx, date(2026, 1, 5), date(2026, 1, 11))
    assert [m.id for m in week] == [m.id for m in made[1:4]]  # both ends included, oldest first
    assert week[0].reference == case.reference and week[0].client_name == "Ørjan Ølstad"
    assert week[0].kind == MeetingKind.PRISON_VISIT and week[0].duration_minutes == 45
    with pytest.raises(ValidationError, match="before the start"):
        meetings.my_meetings(ctx, date(2026, 1, 11), date(2026, 1, 5))


def test_the_rows_written_on_the_cursor_read_back_as_the_orm_writes_them(
    ctx: ServiceContext,
) -> None:
    """record_meeting writes without the ORM (app.store.prepared.insert_row): the rows must
    hold what a session would have written — every default, the stored forms, a boolean as
    a boolean — and the view returned must be what reading the meeting back gives."""
    case = case_for(ctx, client(ctx).id)
    view = meetings.record_meeting(
        ctx, a_meeting(case.id, follow_up_title="Ring back", interpreter_used=False)
    )
    with ctx.uow() as uow:
        meeting = uow.session.get(Meeting, view.id)
        task = uow.session.get(Task, view.follow_up_task_id)
        assert meeting is not None and task is not None
        assert meeting.created_by == meeting.recorded_by == ctx.actor.id  # type: ignore[union-attr]
        assert meeting.created_at is not None and meeting.updated_at >= meeting.created_at
        assert meeting.interpreter_used is False and meeting.location is None
        assert (task.done, task.done_at, task.notes, task.plan_id) == (False, None, None, None)
        assert task.assignee_id == ctx.actor.id and task.case_id == case.id  # type: ignore[union-attr]
    assert meetings.list_case_meetings(ctx, case.id) == [view]
