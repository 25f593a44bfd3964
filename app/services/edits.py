"""Two people, one record: an edit never silently overwrites a colleague's change.

Every edit form keeps the record as it was when the form opened (its view, which carries the
version, ``updated_at``) and passes it to the service as ``base``. Inside the writing unit of
work — writers take turns on the write lock, so nobody writes between this check and the
write — :func:`merge_edit` compares three values of every field the form edits:

- stored (theirs) equals base: nobody else touched it, the typed value is written;
- typed equals base, or typed equals stored: only they changed it (or both the same way),
  their value stays;
- all three differ: both changed it. Nothing at all is written; the service raises
  :class:`~app.kernel.errors.EditConflict` with who saved last and when, both values of each
  clashing field, and a new ``base`` to keep editing on.

So fields nobody else touched never conflict, and a colleague's change to a field the form did
not touch is kept, not overwritten by the stale value the form still shows. Comparing values,
not only the version, keeps this exact even when a writer does not bump ``updated_at``; the
version is what says who and when.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.kernel.errors import ConflictField, EditConflict
from app.kernel.field_labels import without_mnemonic
from app.kernel.i18n import _
from app.kernel.i18n_formats import date_text, datetime_text, time_text
from app.kernel.labels import label
from app.kernel.record_labels import declared
from app.models import AuditEvent, Institution, Organisation, Person, User
from app.security.permissions import internal, pure

#: Where a field holding an id is shown by name (a worker, an institution, a person…).
_NAMED: tuple[tuple[type[Any], Callable[[Any], str]], ...] = (
    (User, lambda u: u.display_name),
    (Institution, lambda i: i.name),
    (Organisation, lambda o: o.name),
    (Person, lambda p: f"{p.given_name} {p.family_name}"),
)


@internal
def merge_edit(
    session: Session,
    record: Any,
    *,
    base: Any,
    typed: Mapping[str, Any],
    table: str,
    entity_type: str,
    current: Callable[[], Any],
    labels: Mapping[str, str] | None = None,
    base_values: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The values to write for ``typed`` (field → value, cleaned as the service stores it)
    on ``record`` (loaded in the writing unit of work), given the ``base`` the form opened
    with (``None``: no check, the typed values win — imports and scripts).

    Raises :class:`EditConflict` when a field was changed both here and by someone else;
    ``current()`` then makes the record's view as it is now, for the form to edit on.
    ``table``/``entity_type`` name the record for its field labels and its audit events;
    ``labels`` gives a form's own label where the record declares none; ``base_values``
    the base's values as stored, where the view shows them otherwise (a list kept as text).
    """
    if base is None:
        return dict(typed)
    merged: dict[str, Any] = {}
    clashes: list[str] = []
    kept: list[str] = []
    for name, mine in typed.items():
        theirs = getattr(record, name)
        was = base_values[name] if base_values is not None else getattr(base, name, None)
        if theirs == was:
            merged[name] = mine
        elif mine in (was, theirs):
            merged[name] = theirs
            if mine == was:
                kept.append(name)
        else:
            clashes.append(name)
    if not clashes:
        return merged
    now_view = current()
    # The next base: the clashing fields as they are now (the typed values then win), the
    # fields only they changed as they were (so the next save keeps theirs, not the stale
    # value still in the form).
    untouched = {n: getattr(base, n) for n in kept if hasattr(now_view, n)}
    next_base = dataclasses.replace(now_view, **untouched) if untouched else now_view
    who, when = _last_change(session, record, entity_type)
    raise EditConflict(
        _("Changed by {name} at {time} — review their change.").format(
            name=who, time=moment_text(when)
        ),
        changed_by=who,
        changed_at=when,
        fields=tuple(
            ConflictField(
                name,
                _field_label(table, name, labels),
                value_text(session, getattr(record, name)),
                value_text(session, typed[name]),
            )
            for name in clashes
        ),
        kept=tuple(_field_label(table, n, labels) for n in kept),
        base=next_base,
    )


def _last_change(session: Session, record: Any, entity_type: str) -> tuple[str, datetime]:
    """Who saved ``record`` last (the audit trail's last change of it) and when (UTC)."""
    row = session.execute(
        select(AuditEvent.user_id, AuditEvent.occurred_at)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == record.id)
        .where(AuditEvent.action.in_(("update", "create")))
        .order_by(AuditEvent.sequence.desc())
        .limit(1)
    ).first()
    user_id = row[0] if row is not None else getattr(record, "created_by", None)
    when = getattr(record, "updated_at", None) or (row[1] if row is not None else None)
    name = None
    if user_id is not None:
        name = session.execute(select(User.display_name).where(User.id == user_id)).scalar()
    return name or _("a colleague"), when or datetime.now(UTC).replace(tzinfo=None)


@pure
def moment_text(utc: datetime) -> str:
    """A stored UTC time as this computer's local time: "14:02" today, else with the date."""
    local = utc.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)
    return time_text(local) if local.date() == date.today() else datetime_text(local)


@internal
def value_text(session: Session, value: Any) -> str:
    """A field's value as the forms show it: a label, a date, a name for an id."""
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Enum):
        return label(value)
    if isinstance(value, datetime):
        return moment_text(value) if value.tzinfo is None else datetime_text(value)
    if isinstance(value, date):
        return date_text(value)
    if isinstance(value, uuid.UUID):
        for model, name in _NAMED:
            found = session.get(model, value)
            if found is not None:
                return name(found)
        return _("(removed)")
    if isinstance(value, list | tuple):
        return ", ".join(value_text(session, v) for v in value) or _("(empty)")
    return str(value)


def _field_label(table: str, name: str, labels: Mapping[str, str] | None) -> str:
    text = (labels or {}).get(name) or declared(table, name)
    return without_mnemonic(_(text)) if text else name
