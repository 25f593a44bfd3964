"""A colleague saved the case while it was open here: the edit dialog says who and when,
shows their version beside the typed one, keeps the typing (and its draft), and saves it on
top of their version once asked to."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from PySide6.QtWidgets import QLabel

from app.features.admin.services import users
from app.features.cases.services import cases
from app.features.cases.ui.dialogs import Choices, EditCaseDialog
from app.features.people.services import people
from app.models.enums import CaseKind, CustodyStatus, Role
from app.services import drafts
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace, NewUser
from app.ui_kit.operations import SyncOperations

# The dialog is the same on both engines; the service under it is tested on both
# (tests/integration/test_edit_conflicts.py).
pytestmark = pytest.mark.sqlcipher_only


def test_conflict_shows_both_versions_and_keeps_the_typing(
    signed_in: ServiceContext, workspace: CreatedWorkspace, qtbot: object
) -> None:
    ctx, ops = signed_in, SyncOperations()
    client = people.create_person(ctx, people.PersonInput(given_name="Ada", family_name="Berg"))
    case = cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.RELEASE_SUPPORT, client_id=client.id, opened_on=date(2026, 1, 5)
        ),
    )
    dialog = EditCaseDialog(None, ctx, ops, Choices.load(ctx), cases.get_case(ctx, case.id))

    users.add_user(ctx, NewUser("ola", "Ola Hansen", Role.SOCIAL_WORKER, "temporary-1"))
    ola = ws.unlock(workspace.folder, "ola", "temporary-1")
    try:
        users.change_own_password(ola, "temporary-1", "Ola's own secret")
        theirs = cases.get_case(ola, case.id)
        names = [f.name for f in dataclasses.fields(cases.CaseInput)]
        data = cases.CaseInput(**{n: getattr(theirs, n) for n in names})  # type: ignore[arg-type]
        cases.update_case(
            ola,
            case.id,
            dataclasses.replace(
                data, summary="Ola's words", custody_status=CustodyStatus.SENTENCED
            ),
            base=theirs,
        )
    finally:
        ola.lock()

    dialog.fields.summary.setPlainText("My words, typed with care.")
    dialog.save()

    assert dialog.conflict.isVisibleTo(dialog)
    assert dialog.conflict.headline.text().startswith("Changed by Ola Hansen at ")
    assert dialog.conflict.headline.text().endswith("review their change.")

    def cell(name: str) -> str:
        found = dialog.conflict.findChild(QLabel, name)
        assert found is not None, name
        return found.text()

    assert (cell("conflict-summary-theirs"), cell("conflict-summary-yours")) == (
        "Ola's words",
        "My words, typed with care.",
    )
    assert "Custody" in dialog.conflict.kept.text()
    assert dialog.fields.summary.toPlainText() == "My words, typed with care."
    assert cases.get_case(ctx, case.id).summary == "Ola's words"  # nothing written
    kept = [d for d in drafts.my_drafts(ctx) if d.kind == "edit_case"]
    assert [d.payload["fields"]["summary"] for d in kept] == ["My words, typed with care."]

    dialog.conflict.keep_editing.click()
    assert not dialog.conflict.isVisibleTo(dialog)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    saved = cases.get_case(ctx, case.id)
    assert (saved.summary, saved.custody_status) == (
        "My words, typed with care.",
        CustodyStatus.SENTENCED,
    )
    assert [d for d in drafts.my_drafts(ctx) if d.kind == "edit_case"] == []
    dialog.deleteLater()


def test_a_draft_brings_back_only_what_was_typed(signed_in: ServiceContext, qtbot: object) -> None:
    """Reopened from a draft, the form shows a colleague's change made since to a field the
    draft never touched (so saving keeps it), and the typed text."""
    ctx, ops = signed_in, SyncOperations()
    client = people.create_person(ctx, people.PersonInput(given_name="Ada", family_name="Berg"))
    case = cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.RELEASE_SUPPORT, client_id=client.id, opened_on=date(2026, 1, 5)
        ),
    )
    first = EditCaseDialog(None, ctx, ops, Choices.load(ctx), cases.get_case(ctx, case.id))
    first.show()
    first.fields.summary.setPlainText("Typed before the power cut.")
    first.write_draft()
    first.close_for_lock()
    [draft] = [d for d in drafts.my_drafts(ctx) if d.kind == "edit_case"]

    now = cases.get_case(ctx, case.id)  # meanwhile the custody status is recorded
    names = [f.name for f in dataclasses.fields(cases.CaseInput)]
    data = cases.CaseInput(**{n: getattr(now, n) for n in names})  # type: ignore[arg-type]
    cases.update_case(
        ctx, case.id, dataclasses.replace(data, custody_status=CustodyStatus.REMAND), base=now
    )

    second = EditCaseDialog.from_draft(None, ctx, ops, draft)  # type: ignore[arg-type]
    assert isinstance(second, EditCaseDialog)
    second.restore_draft(draft)
    assert second.fields.summary.toPlainText() == "Typed before the power cut."
    assert second.fields.custody.currentData() == CustodyStatus.REMAND
    second.save()
    saved = cases.get_case(ctx, case.id)
    assert (saved.summary, saved.custody_status) == (
        "Typed before the power cut.",
        CustodyStatus.REMAND,
    )
    first.deleteLater()
    second.deleteLater()
