"""Attachments inside the encrypted database: names, sizes, integrity, audit, and roles."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import update

from app.features.admin.services import attachments
from app.features.cases.services import cases
from app.kernel.errors import NotFoundError, ValidationError, WorkspaceError
from app.models import Attachment
from app.security.permissions import PermissionDenied
from app.services import settings, workspace_settings
from app.services.context import ServiceContext
from app.services.workspace import CreatedWorkspace
from tests.integration.helpers.casework import case_for, client, events, sign_in_new_user

PDF = b"%PDF-1.4 a letter from the housing office"


def test_add_open_and_delete(ctx: ServiceContext) -> None:
    person = client(ctx)
    case = case_for(ctx, person.id)
    view = attachments.add_attachment(
        ctx,
        case_id=case.id,
        person_id=None,
        filename="C:\\Users\\x\\..\\Housing letter.pdf",
        content=PDF,
    )
    assert view.filename == "Housing letter.pdf" and view.media_type == "application/pdf"
    assert view.size == len(PDF) and view.sha256 == hashlib.sha256(PDF).hexdigest()
    assert view.created_by_name == "Cora Coordinator" and view.case_id == case.id
    assert cases.get_case(ctx, case.id).last_activity_at > case.last_activity_at
    id_scan = attachments.add_attachment(
        ctx,
        case_id=None,
        person_id=person.id,
        filename="../../etc/passport",
        content=b"\x89PNG...",
        media_type="Image/PNG",
    )
    assert (id_scan.filename, id_scan.media_type) == ("passport", "image/png")

    assert attachments.list_attachments(ctx, case_id=case.id) == [view]
    assert attachments.list_attachments(ctx, person_id=person.id) == [id_scan]
    assert attachments.attachment_content(ctx, view.id) == ("Housing letter.pdf", PDF)
    attachments.delete_attachment(ctx, view.id)
    assert attachments.list_attachments(ctx, case_id=case.id) == []
    with pytest.raises(NotFoundError):
        attachments.attachment_content(ctx, view.id)
    trail = [(e[0], e[2]) for e in events(ctx, case.id) if e[1] == "attachment"]
    assert trail == [
        ("create", ("content", "filename", "media_type", "sha256", "size")),
        ("export", ("content",)),
        ("delete", ("content", "filename")),
    ]


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("/home/ola/report.pdf", "report.pdf"),
        ("..", ""),
        ("a:b?.txt", "a_b_.txt"),
        ("evil\u202etxt.exe", "eviltxt.exe"),
        ("  .hidden  ", "hidden"),
        ("Ștefan – CV.docx", "Ștefan – CV.docx"),
    ],
)
def test_file_names_lose_folders_and_tricks(name: str, safe: str) -> None:
    assert attachments.safe_filename(name) == safe


def test_size_and_name_limits(ctx: ServiceContext) -> None:
    case = case_for(ctx, client(ctx).id)

    def add(**changes: object) -> attachments.AttachmentView:
        values: dict[str, object] = {
            "case_id": case.id,
            "person_id": None,
            "filename": "a.txt",
            "content": b"x",
        }
        return attachments.add_attachment(ctx, **{**values, **changes})  # type: ignore[arg-type]

    bad: list[tuple[dict[str, object], str, str]] = [
        ({"content": b""}, "content", "empty"),
        (
            {"content": b"x" * (20 * 1024 * 1024 + 1)},
            "content",
            "at most 20.0 MB, this one is 20.0 MB",
        ),
        ({"filename": "x" * 10_000_000}, "filename", "too long"),
        ({"filename": "../"}, "filename", "name"),
        ({"media_type": "not a type"}, "media_type", "kind of file"),
        ({"case_id": None}, "case_id", "case or a person"),
    ]
    for changes, field, message in bad:
        with pytest.raises(ValidationError) as err:
            add(**changes)
        assert message in err.value.errors[field]
    assert add(content=b"x" * 20 * 1024 * 1024).size == 20 * 1024 * 1024
    workspace_settings.save(ctx, {settings.ATTACHMENT_MAX_BYTES: 1000})
    with pytest.raises(ValidationError, match="at most 1 KB, this one is 1 KB"):
        add(content=b"x" * 1001)
    assert add(content=b"x" * 1000, filename="notes").media_type == "application/octet-stream"


def test_a_damaged_file_is_reported_not_handed_out(ctx: ServiceContext) -> None:
    case = case_for(ctx, client(ctx).id)
    view = attachments.add_attachment(
        ctx, case_id=case.id, person_id=None, filename="a.txt", content=b"original"
    )
    with ctx.uow(write=True) as uow:
        uow.session.execute(
            update(Attachment).where(Attachment.id == view.id).values(content=b"tampered")
        )
        uow.commit()
    with pytest.raises(WorkspaceError, match="damaged"):
        attachments.attachment_content(ctx, view.id)


def test_volunteers_have_no_access_to_attachments(
    ctx: ServiceContext, workspace: CreatedWorkspace
) -> None:
    vera, vera_ctx = sign_in_new_user(ctx, workspace.folder, "vera")
    case = case_for(ctx, client(ctx).id, volunteer_id=vera.id)
    view = attachments.add_attachment(
        ctx, case_id=case.id, person_id=None, filename="a.txt", content=b"secret"
    )
    with vera_ctx:
        for call in (
            lambda: attachments.list_attachments(vera_ctx, case_id=case.id),
            lambda: attachments.attachment_content(vera_ctx, view.id),
            lambda: attachments.delete_attachment(vera_ctx, view.id),
            lambda: attachments.add_attachment(
                vera_ctx, case_id=case.id, person_id=None, filename="b.txt", content=b"b"
            ),
        ):
            with pytest.raises(PermissionDenied):
                call()
    assert len(attachments.list_attachments(ctx, case_id=case.id)) == 1
