"""Each user has their own language; changing it is stored, audited and takes effect at once."""

from __future__ import annotations

import pytest

from app.features.admin.services import users
from app.kernel.errors import ValidationError
from app.services import audit_log
from app.services.audit_log import AuditAction
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace, unlock
from tests.conftest import PASSWORD


def test_own_language_is_stored_and_audited(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    users.set_own_language(ctx, "ru")
    assert ctx.require_actor().language == "ru"
    events = audit_log.list_events(ctx, action=AuditAction.UPDATE)
    assert any(e.entity_type == "user" and list(e.fields) == ["language"] for e in events)
    again = unlock(workspace.folder, "coord", PASSWORD)
    try:
        assert again.require_actor().language == "ru"
    finally:
        again.lock()


@pytest.mark.parametrize("code", ["xx", "de", ""])
def test_only_offered_languages(ctx: ServiceContext, code: str) -> None:
    with pytest.raises(ValidationError):
        users.set_own_language(ctx, code)
    assert ctx.require_actor().language == "en"


def test_choosing_the_same_language_writes_nothing(ctx: ServiceContext) -> None:
    before = len(audit_log.list_events(ctx, action=AuditAction.UPDATE))
    users.set_own_language(ctx, ctx.require_actor().language)
    assert len(audit_log.list_events(ctx, action=AuditAction.UPDATE)) == before
