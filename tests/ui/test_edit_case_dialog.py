"""Editing a case starts from what the case holds: its worker, volunteer and institution are
chosen in the form, so saving a changed summary does not take them off the case."""

from __future__ import annotations

from datetime import date

from app.features.cases.services import cases
from app.features.cases.ui.dialogs import Choices, EditCaseDialog
from app.features.directory.services import directory
from app.features.people.services import people
from app.models.enums import CaseKind, InstitutionKind
from app.services.context import ServiceContext
from app.ui_kit.operations import SyncOperations


def test_edit_keeps_worker_and_institution(signed_in: ServiceContext, qtbot: object) -> None:
    ctx, ops = signed_in, SyncOperations()
    client = people.create_person(ctx, people.PersonInput(given_name="Ada", family_name="Berg"))
    prison = directory.save_institution(
        ctx, directory.InstitutionInput(name="Bergen fengsel", kind=InstitutionKind.PRISON)
    )
    case = cases.open_case(
        ctx,
        cases.CaseInput(
            kind=CaseKind.RELEASE_SUPPORT,
            client_id=client.id,
            opened_on=date(2026, 1, 5),
            worker_id=ctx.require_actor().id,
            institution_id=prison.id,
        ),
    )
    # Read again, as the case view does: ids equal to, but not the same objects as, the lists'.
    case = cases.get_case(ctx, case.id)
    dialog = EditCaseDialog(None, ctx, ops, Choices.load(ctx), case)
    form = dialog.fields
    assert form.worker.currentData() == case.worker_id
    assert form.institution.currentData() == prison.id

    form.summary.setPlainText("Wants help with housing.")
    dialog.work()()
    saved = cases.get_case(ctx, case.id)
    assert (saved.worker_id, saved.institution_id) == (case.worker_id, prison.id)
    assert saved.summary == "Wants help with housing."
    dialog.deleteLater()
