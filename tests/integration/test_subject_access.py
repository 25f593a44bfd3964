"""Subject access (Art. 15): everything about the person, nothing about an unrelated one,
third parties flagged for review; coordinators only; audited and recorded."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from sqlalchemy import select

from app.features.people.services import people
from app.features.privacy.services import subject_access
from app.features.privacy.services.subject_access_pdf import pack_lines
from app.models import ExportRecord
from app.security.audit import AuditAction
from app.security.audit_events import events_for
from app.services.context import ServiceContext
from tests.integration.helpers.gdpr_data import make_client


def test_the_pack_holds_everything_about_them_and_nothing_about_others(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    other = people.create_person(
        ctx, people.PersonInput(given_name="Ionela", family_name="Munteanu-Dahl")
    )
    a = make_client(ctx, "A", mention="ionela MUNTEANU-DAHL")
    b = make_client(ctx, "B")
    people.get_person(ctx, a.person_id)

    files = subject_access.write_subject_access_pack(ctx, a.person_id, tmp_path, language="ru")
    data = files.json_path.read_text("utf-8")
    body = json.loads(data)
    decoded = data + "".join(
        base64.b64decode(f["content_base64"]).decode() for f in body["attachment_files"]
    )
    about_a = [c for c in a.canaries if c not in a.child_only]
    assert [c for c in about_a if c not in decoded] == []
    assert [c for c in b.canaries + a.child_only if c in decoded] == []
    assert files.pdf_path.read_bytes().startswith(b"%PDF")

    pack = subject_access.subject_access_pack(ctx, a.person_id)
    shown = "\n".join(pack_lines(pack, "ru"))
    text_canaries = [c for c in about_a if not c.endswith("-attachment")]
    assert [c for c in text_canaries if c not in shown] == []
    assert [c for c in b.canaries + a.child_only if c in shown] == []
    assert "letter.txt" in shown  # the attachment is listed; its bytes are in the JSON

    review = {(item.reason, item.other_name) for item in pack.review}
    assert ("family_member", f"AnaA {a.family}") in review  # the child: relationship, visit
    assert ("name_in_text", "Ionela Munteanu-Dahl") in review
    assert any(item["reason"] == "name_in_text" for item in body["review_before_release"])
    assert pack.section("audit_events")  # the view and the creation are in it
    assert other.id not in {r.id for r in pack.section("person")}

    with ctx.uow() as uow:
        events = events_for(uow.session, action=AuditAction.SUBJECT_ACCESS)
        kinds = set(uow.session.scalars(select(ExportRecord.kind)))
    assert [e.person_id for e in events] == [a.person_id]
    assert kinds == {"subject_access_json", "subject_access_pdf"}
