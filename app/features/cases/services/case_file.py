"""Everything one open case shows, read in one transaction: the case workspace's data.

Opening a case is the most frequent read after the case list, and it is audited. Asked tab
by tab (nine service calls, each its own unit of work and visibility check) it cost ten times
the SQL it runs. Here the case is read as the user may see it, each tab's readers run on the
same cursor (the ``*_of`` / ``case_*`` functions the tabs' own services are built on, so a
tab refreshed on its own shows exactly what the workspace showed), and the audit event and
the recent-cases entry are written in the same transaction, committed once (first, so the
case's history already shows this view, as when it is opened tab by tab).

A tab the user's role may not see comes back as ``None`` (the workspace leaves it out),
decided by the permission its own service declares.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.features.admin.services import attachments
from app.features.cases.services import cases, meetings, needs, relations, tasks
from app.features.consent.services import consent, referrals
from app.security.permissions import Permission, allowed, declared_permission, requires
from app.services import audit_log
from app.services.context import ServiceContext
from app.services.scope import VisibleCase
from app.store.uow import write_cursor


@dataclass(frozen=True)
class CaseBundle:
    case: cases.CaseView
    needs: list[needs.NeedView]
    meetings: list[meetings.MeetingView]
    tasks: list[tasks.TaskView]
    referrals: list[referrals.ReferralView] | None
    documents: list[attachments.AttachmentView] | None
    people: list[relations.RelationshipView] | None
    history: list[audit_log.AuditRow] | None
    consent: consent.ConsentStatus | None = None


@requires(Permission.CASE_READ)
def open_workspace(ctx: ServiceContext, case_id: uuid.UUID) -> CaseBundle:
    """The case and every tab's data as the signed-in user may see them; the view is audited
    and goes on their recent cases. :class:`~app.kernel.errors.NotFoundError` if the case is gone or
    not theirs to see."""
    actor = ctx.require_actor()

    def may(service: Callable[..., Any]) -> bool:
        permission = declared_permission(service)
        return permission is not None and allowed(actor.role, permission)

    with write_cursor(ctx.engine) as cursor:
        case = cases.case_view(cursor, actor, case_id)
        cases.record_view(ctx, cursor, case)  # first: the history below shows this view
        known = VisibleCase(case_id, case.client_id, case.kind, case.reference, case.client_name)
        return CaseBundle(
            case=case,
            needs=needs.case_needs(cursor, actor, case_id),
            meetings=meetings.case_meetings(cursor, actor, case_id),
            tasks=tasks.case_tasks(cursor, actor, known),
            referrals=(
                referrals.case_referrals(cursor, actor, case_id)
                if may(referrals.list_case_referrals)
                else None
            ),
            documents=(
                attachments.attachments_of(cursor, case_id=case_id)
                if may(attachments.list_attachments)
                else None
            ),
            people=(
                relations.relationships_of(cursor, case.client_id)
                if may(relations.list_relationships)
                else None
            ),
            history=(
                audit_log.history_of(cursor, case_id) if may(audit_log.case_history) else None
            ),
            consent=(
                consent.status_of(cursor, known, date.today())
                if may(consent.consent_status)
                else None
            ),
        )
