"""Attachments: documents kept inside the encrypted database, never as loose files.

Attachments are restricted (DESIGN.md §4): only staff list or open them. Opening one is
audited as an export, because the bytes leave the database as soon as the user saves or
views them with another program. The SHA-256 taken when the file was added is checked
again on every read, so a damaged attachment is reported instead of handed out.
"""

from __future__ import annotations

import hashlib
import mimetypes
import unicodedata
import uuid
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import undefer

from app.features.cases.services.case_access import touch, visible_case
from app.kernel.changes import Topic, writes
from app.kernel.errors import NotFoundError, ValidationError, WorkspaceError
from app.kernel.i18n import _
from app.kernel.i18n_formats import number
from app.models import Attachment, Case, Person, User
from app.security.permissions import Permission, internal, pure, requires
from app.services import settings
from app.services import validation as v
from app.services.audit_log import AuditAction, log
from app.services.context import ServiceContext
from app.store.prepared import Prepared, param
from app.store.uow import read_cursor

MAX_BYTES_SETTING = settings.ATTACHMENT_MAX_BYTES.key
DEFAULT_MAX_BYTES = settings.ATTACHMENT_MAX_BYTES.default
FILENAME_MAX = 255
MEDIA_TYPE_MAX = 100
DEFAULT_MEDIA_TYPE = "application/octet-stream"
#: Characters no file system accepts in a name (Windows is the strictest).
_UNSAFE = str.maketrans(dict.fromkeys('<>:"|?*', "_"))


@dataclass(frozen=True)
class AttachmentView:
    id: uuid.UUID
    case_id: uuid.UUID | None
    person_id: uuid.UUID | None
    filename: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime
    created_by_name: str | None


@pure
def safe_filename(name: str) -> str:
    """The last part of ``name`` (no folders, drives or control characters), or ``""``."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    # Category C covers control and format characters, such as a right-to-left override
    # that would disguise "txt.exe" as "exe.txt".
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    return base.translate(_UNSAFE).strip().strip(".").strip()


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return _("{n} MB").format(n=number(size / (1024 * 1024), decimals=1))
    return _("{n} KB").format(n=number(-(-size // 1024)))


def _view(att: Attachment, creator: str | None) -> AttachmentView:
    return AttachmentView(
        id=att.id,
        case_id=att.case_id,
        person_id=att.person_id,
        filename=att.filename,
        media_type=att.media_type,
        size=att.size,
        sha256=att.sha256,
        created_at=att.created_at,
        created_by_name=creator,
    )


def _validate(
    ctx: ServiceContext, filename: str, content: bytes, media_type: str | None
) -> tuple[str, str]:
    errors = v.Errors()
    # Cut to the last part first: a pasted megabyte of "name" must not be filtered char by char.
    last = filename.replace("\\", "/").rsplit("/", 1)[-1]
    errors.add("filename", v.text_limit(last, limit=FILENAME_MAX))
    name = "" if "filename" in errors else safe_filename(last)
    if not name:
        errors.add("filename", _("Give the file a name."))
    limit = settings.read(ctx, settings.ATTACHMENT_MAX_BYTES)
    if not content:
        errors.add("content", _("The file is empty."))
    elif len(content) > limit:
        errors.add(
            "content",
            _("The file is too large: at most {limit}, this one is {size}.").format(
                limit=_size(limit), size=_size(len(content))
            ),
        )
    kind = v.clean(media_type)
    if kind is None:
        kind = mimetypes.guess_type(name, strict=False)[0] or DEFAULT_MEDIA_TYPE
    elif len(kind) > MEDIA_TYPE_MAX or kind.count("/") != 1 or any(c.isspace() for c in kind):
        errors.add("media_type", _("This is not a known kind of file."))
    if errors:
        raise ValidationError(errors)
    return name, kind.lower()


@requires(Permission.CASE_WRITE)
@writes(Topic.CASES)
def add_attachment(
    ctx: ServiceContext,
    *,
    case_id: uuid.UUID | None,
    person_id: uuid.UUID | None,
    filename: str,
    content: bytes,
    media_type: str | None = None,
) -> AttachmentView:
    """Store a file with a case, a person or both. The media type is guessed from the name
    when not given."""
    if case_id is None and person_id is None:
        raise ValidationError({"case_id": _("Attach the file to a case or a person.")})
    name, kind = _validate(ctx, filename, content, media_type)
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = visible_case(session, actor, case_id) if case_id is not None else None
        if person_id is not None and session.get(Person, person_id) is None:
            raise NotFoundError(_("That person no longer exists."))
        att = Attachment(
            case_id=case_id,
            person_id=person_id,
            filename=name,
            media_type=kind,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=bytes(content),
            created_by=actor.id,
        )
        session.add(att)
        session.flush()
        log(
            uow,
            ctx,
            AuditAction.CREATE,
            entity_type="attachment",
            entity_id=att.id,
            fields=["filename", "media_type", "size", "sha256", "content"],
            case_id=case_id,
            person_id=person_id if person_id is not None else (case.client_id if case else None),
        )
        if case is not None:
            touch(case)
        view = _view(att, actor.display_name)
        uow.commit()
        return view


@requires(Permission.RESTRICTED_READ)
def list_attachments(
    ctx: ServiceContext, *, case_id: uuid.UUID | None = None, person_id: uuid.UUID | None = None
) -> list[AttachmentView]:
    """Newest first: a case's files, a person's files, or (both given) files with both."""
    if case_id is None and person_id is None:
        raise ValidationError({"case_id": _("Choose a case or a person.")})
    with read_cursor(ctx.engine) as cursor:
        return attachments_of(cursor, case_id=case_id, person_id=person_id)


@cache
def _listing(by_case: bool, by_person: bool) -> Prepared:
    names = [f.name for f in fields(AttachmentView) if f.name != "created_by_name"]
    stmt = select(*(getattr(Attachment, name) for name in names), User.display_name).outerjoin(
        User, User.id == Attachment.created_by
    )
    if by_case:
        stmt = stmt.where(Attachment.case_id == param("case"))
    if by_person:
        stmt = stmt.where(Attachment.person_id == param("person"))
    return Prepared(stmt.order_by(Attachment.created_at.desc(), Attachment.id))


@internal
def attachments_of(
    cursor: Any, *, case_id: uuid.UUID | None = None, person_id: uuid.UUID | None = None
) -> list[AttachmentView]:
    """:func:`list_attachments` on a read cursor, once the caller has checked the reader may
    read restricted data."""
    params = {}
    if case_id is not None:
        params["case"] = case_id
    if person_id is not None:
        params["person"] = person_id
    rows = _listing(case_id is not None, person_id is not None).rows(cursor, params)
    return [AttachmentView(*r) for r in rows]


@requires(Permission.RESTRICTED_READ)
def attachment_content(ctx: ServiceContext, attachment_id: uuid.UUID) -> tuple[str, bytes]:
    """The file's name and bytes, for opening or saving. Audited as an export."""
    with ctx.uow(write=True) as uow:
        stmt = (
            select(Attachment)
            .options(undefer(Attachment.content))
            .where(Attachment.id == attachment_id)
        )
        att = uow.session.scalar(stmt)
        if att is None:
            raise NotFoundError(_("That file no longer exists."))
        content = bytes(att.content)
        if hashlib.sha256(content).hexdigest() != att.sha256:
            raise WorkspaceError(_("This file is damaged and cannot be opened."))
        person_id = att.person_id
        if person_id is None and att.case_id is not None:
            person_id = uow.session.scalar(select(Case.client_id).where(Case.id == att.case_id))
        log(
            uow,
            ctx,
            AuditAction.EXPORT,
            entity_type="attachment",
            entity_id=att.id,
            fields=["content"],
            case_id=att.case_id,
            person_id=person_id,
        )
        uow.commit()
        return att.filename, content


@requires(Permission.CASE_WRITE)
def delete_attachment(ctx: ServiceContext, attachment_id: uuid.UUID) -> None:
    actor = ctx.require_actor()
    with ctx.uow(write=True) as uow:
        session = uow.session
        att = session.get(Attachment, attachment_id)
        if att is None:
            raise NotFoundError(_("That file no longer exists."))
        case = visible_case(session, actor, att.case_id) if att.case_id is not None else None
        log(
            uow,
            ctx,
            AuditAction.DELETE,
            entity_type="attachment",
            entity_id=att.id,
            fields=["filename", "content"],
            case_id=att.case_id,
            person_id=att.person_id or (case.client_id if case else None),
        )
        session.delete(att)
        if case is not None:
            touch(case)
        uow.commit()
