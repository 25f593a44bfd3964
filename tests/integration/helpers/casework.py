"""Shared set-up for the case-work service tests: clients, cases, a signed-in second user,
and canary text that must never reach a volunteer."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from app.features.admin.services import users
from app.features.cases.services import cases
from app.features.people.services import people
from app.models.enums import CaseKind, Role
from app.services import audit_log
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.services.workspace import NewUser

#: Distinctive text written by staff; a volunteer's results must never contain it.
CANARY = "CANARY-Ţăranu-Жанна-restricted"


def client(
    ctx: ServiceContext, given: str = "Ștefan", family: str = "Popescu", **values: object
) -> people.PersonView:
    return people.create_person(
        ctx,
        people.PersonInput(given_name=given, family_name=family, **values),  # type: ignore[arg-type]
    )


def case_for(
    ctx: ServiceContext,
    client_id: uuid.UUID,
    *,
    volunteer_id: uuid.UUID | None = None,
    kind: CaseKind = CaseKind.RELEASE_SUPPORT,
) -> cases.CaseView:
    return cases.open_case(
        ctx,
        cases.CaseInput(
            kind=kind, client_id=client_id, opened_on=date(2025, 1, 6), volunteer_id=volunteer_id
        ),
    )


def sign_in_new_user(
    ctx: ServiceContext, folder: Path, username: str, role: Role = Role.VOLUNTEER
) -> tuple[users.UserRow, ServiceContext]:
    """Add a user, sign them in and change their temporary password (as they must)."""
    row = users.add_user(ctx, NewUser(username, username.title(), role, "temporary-1"))
    other = ws.unlock(folder, username, "temporary-1")
    users.change_own_password(other, "temporary-1", f"{username}'s own secret")
    return row, other


def events(
    ctx: ServiceContext, case_id: uuid.UUID
) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """The case's audit trail as (action, entity type, field names), oldest first."""
    rows = audit_log.case_history(ctx, case_id)
    return [(r.action, r.entity_type, r.fields) for r in reversed(rows)]
