"""Writing a workspace setting (JSON text in the ``settings`` table) inside a unit of work.

Reading is :func:`app.services.workspace._get_setting`. Only non-personal values belong
here: periods, counts, folder paths chosen by a coordinator.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from app.models import Setting
from app.security.permissions import internal
from app.store.uow import UnitOfWork


@internal
def put_setting(uow: UnitOfWork, key: str, value: object) -> bool:
    """Store ``value`` under ``key``; returns whether anything changed (the caller audits)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    row = uow.session.scalar(select(Setting).where(Setting.key == key))
    if row is None:
        uow.session.add(Setting(key=key, value=text))
        return True
    if row.value == text:
        return False
    row.value = text
    return True
