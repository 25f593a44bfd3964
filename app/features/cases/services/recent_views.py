"""The cases each user opened recently, newest first.

They live in the encrypted ``recent_views`` table, never in QSettings (STYLE.md,
convention 8): :func:`record_case_view` keeps the latest 30 per user. ``cases.get_case``
writes here; the Today page (``app.features.today.services.today``) reads the list back.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.models import RecentView, utcnow
from app.security.permissions import internal
from app.services.context import ServiceContext
from app.services.scope import readable_case
from app.store.prepared import stored
from app.store.uow import write_cursor

RECENT_KEPT = 30


@internal
def record_case_view(ctx: ServiceContext, case_id: uuid.UUID, *, cursor: Any = None) -> None:
    """Remember that the signed-in user opened a case (after the caller's own checks).

    With ``cursor`` (of :func:`~app.store.uow.write_cursor`), the write joins the caller's
    transaction and the caller commits: ``cases.get_case`` has just read the case as this
    user may see it. Without, it checks that the user may see the case and commits on its
    own.
    """
    actor = ctx.actor
    if actor is None:  # a recovery-code session has no user to remember for
        return
    if cursor is not None:
        _remember(cursor, actor.id, case_id)
        return
    with write_cursor(ctx.engine) as own:
        readable_case(own, actor, case_id)
        _remember(own, actor.id, case_id)


_TABLE = RecentView.__tablename__
_TOUCH = f"UPDATE {_TABLE} SET viewed_at = ?, updated_at = ? WHERE user_id = ? AND case_id = ?"
_ADD = (
    f"INSERT INTO {_TABLE} (id, user_id, case_id, viewed_at, created_at, updated_at, created_by) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_PRUNE = (
    f"DELETE FROM {_TABLE} WHERE user_id = ? AND id NOT IN "
    f"(SELECT id FROM {_TABLE} WHERE user_id = ? ORDER BY viewed_at DESC, id LIMIT ?)"
)


def _remember(cursor: Any, user_id: uuid.UUID, case_id: uuid.UUID) -> None:
    now, user, case = stored(utcnow()), user_id.hex, case_id.hex
    if cursor.execute(_TOUCH, (now, now, user, case)).rowcount:
        return  # opened before: the list keeps its length
    cursor.execute(_ADD, (uuid.uuid4().hex, user, case, now, now, now, user))
    cursor.execute(_PRUNE, (user, user, RECENT_KEPT))
