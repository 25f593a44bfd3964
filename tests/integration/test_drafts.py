"""Drafts of unsaved dialogs: kept for their author only, gone once saved, discarded or erased."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.features.admin.services import users
from app.features.privacy.services import erasure
from app.kernel.errors import NotFoundError
from app.models import Draft
from app.models.enums import Role
from app.services import drafts
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from tests.integration.helpers.casework import case_for, client, sign_in_new_user
from tests.integration.helpers.pages import find_in_workspace

TYPED = "Half a meeting: Иван said the flat in Bergen fell through 🙁"


def meeting_draft(ctx: ServiceContext, case_id: uuid.UUID, text: str = TYPED) -> uuid.UUID:
    draft_id = uuid.uuid4()
    drafts.save_draft(ctx, draft_id, "meeting", {"fields": {"summary": text}}, case_id=case_id)
    return draft_id


def test_a_draft_is_kept_updated_and_offered_with_its_case(ctx: ServiceContext) -> None:
    case = case_for(ctx, client(ctx).id)
    draft_id = meeting_draft(ctx, case.id, "first words")
    drafts.save_draft(ctx, draft_id, "meeting", {"fields": {"summary": TYPED}}, case_id=case.id)
    [draft] = drafts.my_drafts(ctx)
    assert (draft.id, draft.kind, draft.case_id) == (draft_id, "meeting", case.id)
    assert draft.case_reference == case.reference
    assert draft.payload == {"fields": {"summary": TYPED}}
    drafts.discard_draft(ctx, draft_id)
    assert drafts.my_drafts(ctx) == []


def test_only_the_author_ever_sees_or_touches_a_draft(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    case = case_for(ctx, client(ctx).id)
    draft_id = meeting_draft(ctx, case.id)
    _row, other = sign_in_new_user(ctx, workspace.folder, "walter", Role.SOCIAL_WORKER)
    try:
        assert drafts.my_drafts(other) == []
        with pytest.raises(NotFoundError):  # not overwritten by someone else
            drafts.save_draft(other, draft_id, "meeting", {"fields": {}}, case_id=case.id)
        drafts.discard_draft(other, draft_id)  # nor deleted
        other_id = meeting_draft(other, case.id, "Walter's own words")
        assert [d.id for d in drafts.my_drafts(other)] == [other_id]
    finally:
        other.lock()
    [mine] = drafts.my_drafts(ctx)
    assert mine.id == draft_id and mine.payload["fields"]["summary"] == TYPED


def test_a_volunteer_keeps_drafts_only_on_their_own_cases(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    row, volunteer = sign_in_new_user(ctx, workspace.folder, "vera")
    try:
        theirs = case_for(ctx, client(ctx).id, volunteer_id=row.id)
        not_theirs = case_for(ctx, client(ctx, "Ana", "Pop").id)
        meeting_draft(volunteer, theirs.id)
        with pytest.raises(NotFoundError):
            meeting_draft(volunteer, not_theirs.id)
        assert [d.case_id for d in drafts.my_drafts(volunteer)] == [theirs.id]
    finally:
        volunteer.lock()


def test_erasure_removes_drafts_about_the_person_and_their_cases(ctx: ServiceContext) -> None:
    person = client(ctx)
    case = case_for(ctx, person.id)
    meeting_draft(ctx, case.id)
    drafts.save_draft(
        ctx, uuid.uuid4(), "person", {"fields": {"notes": TYPED}}, person_id=person.id
    )
    kept = meeting_draft(ctx, case_for(ctx, client(ctx, "Ana", "Pop").id).id, "someone else")
    preview = erasure.preview_erasure(ctx, person.id)
    assert dict(preview.counts)["drafts"] == 2
    receipt = erasure.erase_person(ctx, person.id, token=preview.token)
    assert receipt.count("drafts") == 2
    assert [d.id for d in drafts.my_drafts(ctx)] == [kept]
    assert find_in_workspace(ctx.folder, ctx.data_key(), [TYPED]) == []


def test_removing_a_user_for_good_removes_their_drafts(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    case = case_for(ctx, client(ctx).id)
    row, other = sign_in_new_user(ctx, workspace.folder, "walter", Role.SOCIAL_WORKER)
    meeting_draft(other, case.id)
    other.lock()
    mine = meeting_draft(ctx, case.id, "the coordinator's own")
    users.remove_user_for_good(ctx, row.id)
    with ctx.uow() as uow:
        left = uow.session.scalars(select(Draft.id)).all()
    assert left == [mine]


def test_erasure_redacts_the_name_in_other_clients_drafts(ctx: ServiceContext) -> None:
    person = client(ctx)  # Ștefan Popescu
    case_for(ctx, person.id)
    other = case_for(ctx, client(ctx, "Ana", "Pop").id)
    meeting_draft(ctx, other.id, "Ana came with Ștefan Popescu, her cousin.")
    preview = erasure.preview_erasure(ctx, person.id)
    assert preview.mentions == 1
    erasure.erase_person(ctx, person.id, token=preview.token)
    [kept] = drafts.my_drafts(ctx)
    assert kept.case_id == other.id
    summary = kept.payload["fields"]["summary"]
    assert "Popescu" not in summary and summary.startswith("Ana came with ")
