"""Two people, one record (issue 20 §5): an edit carries the record as its form opened it; a
colleague's save in between is kept, a field both changed stops the save with who, when and
both values, and nothing is written. Two signed-in contexts on one workspace, both engines."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date

import pytest

from app.features.admin.services import users
from app.features.cases.services import cases
from app.kernel.errors import EditConflict
from app.models.enums import CustodyStatus, Priority, Role
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace, NewUser
from tests.integration.helpers.casework import case_for, client

pytestmark = pytest.mark.engines


@pytest.fixture
def ola(workspace: CreatedWorkspace, ctx: ServiceContext) -> Iterator[ServiceContext]:
    """A second worker, Ola Hansen, signed in to the same workspace."""
    users.add_user(ctx, NewUser("ola", "Ola Hansen", Role.SOCIAL_WORKER, "temporary-1"))
    other = ws.unlock(workspace.folder, "ola", "temporary-1")
    users.change_own_password(other, "temporary-1", "Ola's own secret")
    yield other
    other.lock()


def _input(view: cases.CaseView, **changes: object) -> cases.CaseInput:
    names = [f.name for f in dataclasses.fields(cases.CaseInput)]
    return dataclasses.replace(
        cases.CaseInput(**{n: getattr(view, n) for n in names}),  # type: ignore[arg-type]
        **changes,  # type: ignore[arg-type]
    )


def test_case_edit_conflict_names_them_keeps_both_and_writes_nothing(
    ctx: ServiceContext, ola: ServiceContext
) -> None:
    case = case_for(ctx, client(ctx).id)
    mine = cases.get_case(ctx, case.id)  # A opens the form
    theirs = cases.get_case(ola, case.id)  # B opens it too …
    cases.update_case(  # … and saves first: a summary and the custody status
        ola,
        case.id,
        _input(theirs, summary="Ola's notes", custody_status=CustodyStatus.REMAND),
        base=theirs,
    )
    typed = _input(mine, summary="My notes", priority=Priority.HIGH)
    with pytest.raises(EditConflict) as caught:
        cases.update_case(ctx, case.id, typed, base=mine)
    conflict = caught.value
    assert conflict.changed_by == "Ola Hansen"
    assert str(conflict).startswith("Changed by Ola Hansen at ")
    assert [(f.name, f.theirs, f.yours) for f in conflict.fields] == [
        ("summary", "Ola's notes", "My notes")
    ]
    assert "Ola's notes" not in str(conflict) and "My notes" not in repr(conflict.fields)
    stored = cases.get_case(ctx, case.id)
    assert (stored.summary, stored.priority) == ("Ola's notes", Priority.NORMAL)  # nothing

    # A keeps editing on the new base: their typed values win where both changed, Ola's
    # custody status (which A never touched) stays.
    saved = cases.update_case(ctx, case.id, typed, base=conflict.base)
    assert (saved.summary, saved.priority, saved.custody_status) == (
        "My notes",
        Priority.HIGH,
        CustodyStatus.REMAND,
    )


def test_fields_changed_by_one_side_only_merge_without_a_conflict(
    ctx: ServiceContext, ola: ServiceContext
) -> None:
    case = case_for(ctx, client(ctx).id)
    mine = cases.get_case(ctx, case.id)
    theirs = cases.get_case(ola, case.id)
    cases.update_case(ola, case.id, _input(theirs, summary="Ola's notes"), base=theirs)
    saved = cases.update_case(
        ctx, case.id, _input(mine, expected_release=date(2026, 5, 1)), base=mine
    )
    assert (saved.summary, saved.expected_release) == ("Ola's notes", date(2026, 5, 1))
