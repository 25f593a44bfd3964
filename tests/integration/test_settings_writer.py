"""The one writer of workspace settings: it validates against the declaration, lets only the
roles the declaration names change a setting, stores nothing on a refusal, and audits the keys
that changed (never their values)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from app.models import AuditEvent
from app.models.enums import Role
from app.security.permissions import PermissionDenied
from app.services import settings, workspace_settings
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace, NewUser, unlock
from tests.conftest import PASSWORD


def _settings_events(ctx: ServiceContext) -> list[str]:
    with ctx.uow() as uow:
        rows = uow.session.scalars(
            select(AuditEvent.fields).where(AuditEvent.action == "settings_change")
        ).all()
    return [str(fields) for fields in rows]


def test_a_change_is_stored_and_audited_by_key_once(ctx: ServiceContext) -> None:
    assert settings.read(ctx, settings.REPORT_THRESHOLD) == 5
    changed = workspace_settings.save(
        ctx, {settings.REPORT_THRESHOLD: 7, settings.BACKUP_KEEP_DAILY: 7}
    )
    assert changed == ["report_threshold", "backup_keep_daily"]
    assert settings.read(ctx, settings.REPORT_THRESHOLD) == 7
    events = _settings_events(ctx)
    assert len(events) == 1 and "report_threshold" in events[0] and "7" not in events[0]
    assert workspace_settings.save(ctx, {settings.REPORT_THRESHOLD: 7}) == []
    assert len(_settings_events(ctx)) == 1  # nothing changed, nothing recorded


def test_a_bad_value_is_refused_and_nothing_is_stored(ctx: ServiceContext) -> None:
    with pytest.raises(ValueError, match="Keep between 1 and 60 daily backups"):
        workspace_settings.save(ctx, {settings.REPORT_THRESHOLD: 9, settings.BACKUP_KEEP_DAILY: 0})
    assert settings.read(ctx, settings.REPORT_THRESHOLD) == 5
    assert _settings_events(ctx) == []


def test_only_the_declared_roles_may_change_a_setting(
    make_workspace: Callable[..., CreatedWorkspace], ctx: ServiceContext
) -> None:
    created = make_workspace(
        "team", users=(NewUser("sam", "Sam Worker", Role.SOCIAL_WORKER, PASSWORD),)
    )
    worker = unlock(created.folder, "sam", PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            workspace_settings.save(worker, {settings.IDLE_LOCK_MINUTES: 30})
        assert settings.read(worker, settings.IDLE_LOCK_MINUTES) == 5
    finally:
        worker.lock()
    # What only Homeward writes (at creation) no user may change, not even a coordinator.
    with pytest.raises(PermissionDenied):
        workspace_settings.save(ctx, {settings.ORGANISATION_NAME: "Another name"})
    assert settings.read(ctx, settings.ORGANISATION_NAME) == "Test Organisation"
