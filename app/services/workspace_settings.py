"""Changing workspace settings: the one writer of :mod:`app.services.settings`.

It validates every value against its declaration, checks that the signed-in user's role may
change each setting, stores them in one transaction and records the changed keys (never
their values) in the audit trail, for the settings declared as audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.kernel.i18n import _
from app.security.permissions import PermissionDenied, allowed, internal
from app.services import settings
from app.services.audit_log import AuditAction, log
from app.services.context import ServiceContext


@internal
def save(ctx: ServiceContext, values: Mapping[settings.Setting[Any], object]) -> list[str]:
    """Store ``values`` and audit what changed; returns the changed keys.

    A value its declaration refuses raises :class:`ValueError` (nothing stored); a setting
    the user's role may not change raises :class:`~app.security.permissions.PermissionDenied`.
    """
    actor = ctx.require_actor()
    for setting, value in values.items():
        if setting.changed_by is None or not allowed(actor.role, setting.changed_by):
            raise PermissionDenied(_("Your role does not allow this. Ask a coordinator."))
        setting.validate(value)
    with ctx.uow(write=True) as uow:
        changed = [
            setting
            for setting, value in values.items()
            if settings.put(uow, setting, value, created_by=actor.id)
        ]
        audited = [setting.key for setting in changed if setting.audited]
        if audited:
            log(uow, ctx, AuditAction.SETTINGS_CHANGE, entity_type="setting", fields=audited)
        uow.commit()
    return [setting.key for setting in changed]
