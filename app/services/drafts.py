"""Drafts: what a user typed in a dialog and has not saved yet, kept across a lock or a crash.

A dialog writes its field values here a few seconds after the last keystroke and once more
when Homeward locks; after the same user signs in again, Homeward offers each draft back.
A draft belongs to the user who typed it: every function here reads and changes only the
signed-in user's own drafts, so another user (even a coordinator) never sees one. Drafts are
not records yet, so they are not audited; they go when the dialog is saved or the user
discards them, and erasure or anonymisation of the case or person removes them too.

The payload is JSON the screens build (field values); it may hold free text, so it lives
only in the encrypted database — never in logs, settings or exception messages.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from app.kernel.changes import writes
from app.kernel.errors import NotFoundError, ValidationError
from app.kernel.i18n import _
from app.models import Case, Draft, utcnow
from app.security.permissions import Permission, requires
from app.services.context import ServiceContext
from app.services.scope import visible_cases_clause

#: Bigger than any field Homeward accepts (the screens refuse more): a draft is never lost
#: for being long, yet a runaway paste cannot fill the database every three seconds.
MAX_PAYLOAD_CHARS = 4_000_000
MAX_KIND_CHARS = 40


@dataclass(frozen=True)
class DraftView:
    id: uuid.UUID
    kind: str
    case_id: uuid.UUID | None
    #: The case's reference (``HW-2026-0042``), to say which case the draft is for.
    case_reference: str | None
    person_id: uuid.UUID | None
    payload: Mapping[str, Any]
    updated_at: datetime


@requires(Permission.CASE_READ)
@writes()
def save_draft(
    ctx: ServiceContext,
    draft_id: uuid.UUID,
    kind: str,
    payload: Mapping[str, Any],
    *,
    case_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
) -> None:
    """Create or replace the signed-in user's draft ``draft_id`` (the dialog chooses the id,
    so repeated saves of one dialog update one row)."""
    actor = ctx.require_actor()
    if not kind or len(kind) > MAX_KIND_CHARS:
        raise ValidationError({"kind": _("This draft cannot be kept.")})
    text = json.dumps(dict(payload), ensure_ascii=False)
    if len(text) > MAX_PAYLOAD_CHARS:
        raise ValidationError({"payload": _("This draft is too long to be kept.")})
    with ctx.uow(write=True) as uow:
        session = uow.session
        if case_id is not None:
            seen = session.scalar(
                select(Case.id).where(Case.id == case_id, visible_cases_clause(actor))
            )
            if seen is None:
                raise NotFoundError(_("That case no longer exists."))
        row = session.get(Draft, draft_id)
        if row is not None and row.user_id != actor.id:
            # Somebody else's: the same answer as for no draft at all, and nothing changes.
            raise NotFoundError(_("That draft no longer exists."))
        if row is None:
            row = Draft(id=draft_id, user_id=actor.id, created_by=actor.id, kind=kind)
            session.add(row)
        row.kind, row.case_id, row.person_id, row.payload = kind, case_id, person_id, text
        row.updated_at = utcnow()
        uow.commit()


@requires(Permission.CASE_READ)
def my_drafts(ctx: ServiceContext) -> list[DraftView]:
    """The signed-in user's drafts, newest first; drafts of cases they may no longer see (a
    volunteer taken off a case) are left out."""
    actor = ctx.require_actor()
    with ctx.uow() as uow:
        rows = uow.session.execute(
            select(Draft, Case.reference)
            .outerjoin(Case, Case.id == Draft.case_id)
            .where(Draft.user_id == actor.id)
            .where((Draft.case_id.is_(None)) | visible_cases_clause(actor))
            .order_by(Draft.updated_at.desc(), Draft.id)
        ).all()
        return [
            DraftView(
                id=row.id,
                kind=row.kind,
                case_id=row.case_id,
                case_reference=reference,
                person_id=row.person_id,
                payload=_payload(row.payload),
                updated_at=row.updated_at,
            )
            for row, reference in rows
        ]


@requires(Permission.CASE_READ)
@writes()
def discard_draft(ctx: ServiceContext, draft_id: uuid.UUID) -> None:
    """Delete the signed-in user's draft (saved or thrown away). Another user's draft, or
    one already gone, is left as it is."""
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        uow.session.execute(delete(Draft).where(Draft.id == draft_id, Draft.user_id == actor.id))
        uow.commit()


def _payload(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
