"""Exporting summaries: only aggregates leave, every export is recorded and audited.

The canary test fills a workspace with people, notes, institutions, partners, references and
free text that all carry distinctive strings, exports a PDF and a CSV, and looks for the
strings in the CSV, in the PDF's text (``pdftotext``), in its metadata (``pdfinfo``) and in
its raw bytes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.features.cases.services import cases
from app.features.people.services import people
from app.features.reports.services import periods, service
from app.kernel.errors import ValidationError
from app.models import (
    ChildVisit,
    ConsularContact,
    DiscriminationReport,
    ExportRecord,
    Institution,
    Meeting,
    Need,
    Organisation,
    Referral,
    Task,
)
from app.models.enums import (
    CaseKind,
    ConsularOutcome,
    ContactChannel,
    Gender,
    InstitutionKind,
    MeetingKind,
    NeedDomain,
    OrganisationType,
    ReferralStatus,
    Role,
    VisitStatus,
    VisitType,
)
from app.security.audit import AuditAction
from app.security.permissions import PermissionDenied
from app.services import audit_log
from app.services import workspace as ws
from app.services.context import ServiceContext
from app.services.jobs import CancelFlag, Cancelled
from app.services.workspace import CreatedWorkspace, NewUser
from tests.conftest import PASSWORD, run_homeward

Q3 = periods.quarter(2026, 3)
CANARY = "CANARY"
NAMES = {
    "given": "CANARY-GIVEN-Ølstad-Пётр-Ștefan",
    "family": "CANARY-FAMILY-Ţăranu-Жанна",
    "preferred": "CANARY-PREFERRED-Åse",
    "address": "CANARY-ADDRESS-Storgata 1",
    "notes": "CANARY-NOTES-Ионеску",
    "phone": "CANARY-PHONE-555",
    "email": "canary-email@example.org",
    "national_id": "CANARY-NID-0101",
    "case_summary": "CANARY-CASE-SUMMARY",
    "institution": "CANARY-INSTITUTION-Bredtveit",
    "institution_address": "CANARY-INST-ADDRESS",
    "visiting": "CANARY-VISITING-INFO",
    "institution_contact": "CANARY-CHILD-CONTACT",
    "organisation": "CANARY-ORGANISATION-Årdal",
    "meeting": "CANARY-MEETING-SUMMARY",
    "location": "CANARY-LOCATION",
    "referral": "CANARY-REFERRAL-NOTES",
    "outcome": "CANARY-REFERRAL-OUTCOME",
    "need": "CANARY-NEED-NOTES",
    "task": "CANARY-TASK-TITLE",
    "reaction": "CANARY-CHILD-REACTION",
    "adult": "CANARY-ACCOMPANYING-ADULT",
    "consular": "CANARY-CONSULAR-NOTES",
    "discrimination": "CANARY-DISCRIMINATION",
    "reported_to": "CANARY-REPORTED-TO",
    "user": "CANARY-USER-Ærlig-Жанна",
}
BIRTH = date(1983, 7, 14)


def poppler(tool: str, *args: str) -> str:
    exe = shutil.which(tool)
    assert exe, f"{tool} (poppler-utils) is needed to check the PDF"
    return subprocess.run([exe, *args], capture_output=True, text=True, check=True).stdout


def fill(ctx: ServiceContext, n: int = 8) -> list[str]:
    """``n`` clients with canary-laden records in 2026-Q3; returns their case references."""
    references = []
    with ctx.uow(write=True) as uow:
        inst = Institution(
            name=NAMES["institution"],
            kind=InstitutionKind.PRISON,
            region="CANARY-REGION",
            address=NAMES["institution_address"],
            visiting_info=NAMES["visiting"],
            child_contact_name=NAMES["institution_contact"],
        )
        org = Organisation(
            name=NAMES["organisation"], type=OrganisationType.LEGAL_AID, notes=CANARY
        )
        uow.session.add_all([inst, org])
        uow.commit()
        inst_id, org_id = inst.id, org.id
    for i in range(n):
        person = people.create_person(
            ctx,
            people.PersonInput(
                given_name=f"{NAMES['given']}{i}",
                family_name=NAMES["family"],
                preferred_name=NAMES["preferred"],
                birth_date=BIRTH,
                gender=Gender.FEMALE if i % 2 else Gender.MALE,
                nationality="RO",
                languages=("ro",),
                interpreter_needed=True,
                phone=NAMES["phone"],
                email=NAMES["email"],
                address=NAMES["address"],
                national_id=f"{NAMES['national_id']}{i}",
                notes=NAMES["notes"],
            ),
        )
        child = people.create_person(
            ctx, people.PersonInput(f"{NAMES['given']}child{i}", NAMES["family"])
        )
        case = cases.open_case(
            ctx,
            cases.CaseInput(
                kind=CaseKind.FOREIGN_INMATE if i % 3 else CaseKind.RELEASE_SUPPORT,
                client_id=person.id,
                opened_on=date(2026, 7, 1 + i),
                institution_id=inst_id,
                summary=NAMES["case_summary"],
                actual_release=date(2026, 9, 1),
            ),
        )
        references.append(case.reference)
        with ctx.uow(write=True) as uow:
            s = uow.session
            s.add(
                Meeting(
                    case_id=case.id,
                    occurred_at=datetime(2026, 8, 1 + i, 10),
                    kind=MeetingKind.PRISON_VISIT,
                    location=NAMES["location"],
                    summary=NAMES["meeting"],
                )
            )
            s.add(
                Referral(
                    case_id=case.id,
                    organisation_id=org_id,
                    sent_on=date(2026, 8, 2),
                    status=ReferralStatus.ACCEPTED,
                    notes=NAMES["referral"],
                    outcome=NAMES["outcome"],
                )
            )
            s.add(
                Need(
                    case_id=case.id,
                    domain=NeedDomain.HOUSING,
                    identified_on=date(2026, 7, 20),
                    notes=NAMES["need"],
                )
            )
            s.add(
                Task(
                    title=NAMES["task"],
                    notes=CANARY,
                    case_id=case.id,
                    created_at=datetime(2026, 6, 1),
                )
            )
            s.add(
                ChildVisit(
                    case_id=case.id,
                    child_id=child.id,
                    accompanying_adult_name=NAMES["adult"],
                    institution_id=inst_id,
                    scheduled_at=datetime(2026, 8, 10, 14),
                    visit_type=VisitType.ORDINARY,
                    status=VisitStatus.HELD,
                    status_reason=CANARY,
                    child_reaction=NAMES["reaction"],
                    follow_up=CANARY,
                )
            )
            s.add(
                ConsularContact(
                    case_id=case.id,
                    country="RO",
                    contacted_on=date(2026, 8, 3),
                    channel=ContactChannel.EMAIL,
                    outcome=ConsularOutcome.CONTACT_MADE,
                    notes=NAMES["consular"],
                )
            )
            s.add(
                DiscriminationReport(
                    case_id=case.id,
                    reported_on=date(2026, 8, 4),
                    description=NAMES["discrimination"],
                    reported_to=NAMES["reported_to"],
                    outcome=CANARY,
                )
            )
            uow.commit()
    return references


@pytest.fixture
def canary_ctx(make_workspace: Callable[..., CreatedWorkspace]) -> Iterator[ServiceContext]:
    created = make_workspace(
        "reports",
        users=(
            NewUser("canaryboss", NAMES["user"], Role.COORDINATOR, PASSWORD),
            NewUser("worker", "Wanda Worker", Role.SOCIAL_WORKER, PASSWORD),
        ),
    )
    ctx = ws.unlock(created.folder, "canaryboss", PASSWORD)
    try:
        yield ctx
    finally:
        ctx.lock()


def leaked(text: str, references: list[str]) -> list[str]:
    needles = [*NAMES.values(), CANARY, "canaryboss", "Wanda", *references]
    needles += [BIRTH.isoformat(), "14.07.1983", "14 July 1983", "1983"]
    folded = text.casefold()
    return [n for n in needles if n.casefold() in folded]


def test_no_canary_leaves_in_the_pdf_or_the_csv(canary_ctx: ServiceContext, tmp_path: Path) -> None:
    references = fill(canary_ctx)
    pdf_path, csv_path = tmp_path / "summary.pdf", tmp_path / "summary.csv"
    service.export_pdf(canary_ctx, Q3, pdf_path, "ru", threshold=3)
    service.export_csv(canary_ctx, Q3, csv_path, threshold=3, hxl=True)

    csv_text = csv_path.read_text("utf-8")
    assert leaked(csv_text, references) == []
    text = poppler("pdftotext", "-enc", "UTF-8", str(pdf_path), "-")
    assert "Test Organisation" in text  # the organisation's own name is on the cover…
    assert leaked(text, references) == []  # …and nothing about anyone
    info = poppler("pdfinfo", str(pdf_path))
    assert leaked(info, references) == []
    raw = pdf_path.read_bytes()
    for needle in (*NAMES.values(), "canaryboss", *references):
        for encoding in ("utf-8", "utf-16-be", "latin-1"):
            try:
                assert needle.encode(encoding) not in raw
            except UnicodeEncodeError:
                continue
    # and the summary did count the canary clients (8 served, 8 held visits)
    assert "8" in text


def test_an_export_is_recorded_and_audited(canary_ctx: ServiceContext, tmp_path: Path) -> None:
    fill(canary_ctx, n=2)
    out = tmp_path / "q3.pdf"
    result = service.export_pdf(canary_ctx, Q3, out, "nb")
    data = out.read_bytes()
    assert result.sha256 == hashlib.sha256(data).hexdigest() and result.size == len(data)
    with canary_ctx.uow() as uow:
        record = uow.session.scalar(select(ExportRecord).where(ExportRecord.id == result.export_id))
        assert record is not None
        assert record.user_id == canary_ctx.require_actor().id
        assert record.file_sha256 == result.sha256
        params = json.loads(record.parameters)
    assert params == {
        "period": "2026-Q3",
        "start": "2026-07-01",
        "end": "2026-09-30",
        "format": "pdf",
        "language": "nb",
        "threshold": 5,
    }
    events = audit_log.list_events(canary_ctx, action=AuditAction.EXPORT)
    assert [e.entity_id for e in events] == [result.export_id]
    history = service.list_exports(canary_ctx)
    assert [(h.id, h.username) for h in history] == [(result.export_id, "canaryboss")]
    second = service.export_csv(canary_ctx, Q3, tmp_path / "q3.csv")
    assert [h.id for h in service.list_exports(canary_ctx)] == [second.export_id, result.export_id]


def test_only_coordinators_may_summarise(
    canary_ctx: ServiceContext, make_workspace: object, tmp_path: Path
) -> None:
    worker = ws.unlock(canary_ctx.folder, "worker", PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            service.compute_summary(worker, Q3)
        with pytest.raises(PermissionDenied):
            service.export_csv(worker, Q3, tmp_path / "x.csv")
    finally:
        worker.lock()
    assert not (tmp_path / "x.csv").exists()


def test_cancelling_writes_nothing_and_records_nothing(
    canary_ctx: ServiceContext, tmp_path: Path
) -> None:
    fill(canary_ctx, n=2)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "cancelled.pdf"
    flag = CancelFlag()
    seen: list[float] = []

    def progress(_label: str, fraction: float) -> None:
        seen.append(fraction)
        if len(seen) == 12:  # after counting, while drawing the PDF
            flag.cancel()

    with pytest.raises(Cancelled, match="The report was cancelled; no file was written"):
        service.export_pdf(canary_ctx, Q3, out, "en", progress=progress, cancel=flag)
    assert list(folder.iterdir()) == []  # not even a temporary file
    assert service.list_exports(canary_ctx) == []
    assert seen == sorted(seen) and seen[-1] < 1.0

    fractions: list[float] = []
    service.export_pdf(canary_ctx, Q3, out, "en", progress=lambda _l, fr: fractions.append(fr))
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_the_threshold_is_a_coordinator_setting_never_below_three(
    canary_ctx: ServiceContext,
) -> None:
    assert service.report_threshold(canary_ctx) == 5
    with pytest.raises(ValidationError):
        service.set_report_threshold(canary_ctx, 2)
    with pytest.raises(ValidationError):
        service.compute_summary(canary_ctx, Q3, threshold=1)
    service.set_report_threshold(canary_ctx, 7)
    assert service.report_threshold(canary_ctx) == 7
    assert service.compute_summary(canary_ctx, Q3).threshold == 7
    changes = audit_log.list_events(canary_ctx, action=AuditAction.SETTINGS_CHANGE)
    assert any("report_threshold" in e.fields for e in changes)


def test_a_missing_folder_is_refused_before_any_work(
    canary_ctx: ServiceContext, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError):
        service.export_csv(canary_ctx, Q3, tmp_path / "nowhere" / "x.csv")
    with pytest.raises(ValidationError):
        service.export_pdf(canary_ctx, Q3, tmp_path / "x.pdf", "xx")


def test_the_report_command(canary_ctx: ServiceContext, tmp_path: Path) -> None:
    fill(canary_ctx, n=2)
    folder = str(canary_ctx.folder)
    canary_ctx.lock()
    out = tmp_path / "q3.csv"
    base = ["report", "--workspace", folder, "--password-stdin"]
    done = run_homeward(
        *base,
        "--user",
        "canaryboss",
        "--quarter",
        "2026Q3",
        "--out",
        str(out),
        "--hxl",
        stdin=PASSWORD + "\n",
    )
    assert done.returncode == 0, done.stderr
    assert "SHA-256" in done.stdout
    lines = out.read_text("utf-8").splitlines()
    assert lines[0].startswith("indicator,case_kind") and lines[1].startswith("#indicator")
    pdf_out = tmp_path / "q3.pdf"
    done = run_homeward(
        *base,
        "--user",
        "canaryboss",
        "--from",
        "2026-07-01",
        "--to",
        "2026-08-15",
        "--format",
        "pdf",
        "--lang",
        "ro",
        "--threshold",
        "3",
        "--out",
        str(pdf_out),
        stdin=PASSWORD + "\n",
    )
    assert done.returncode == 0, done.stderr
    assert pdf_out.read_bytes().startswith(b"%PDF")
    refused = run_homeward(
        *base,
        "--user",
        "worker",
        "--quarter",
        "2026Q3",
        "--out",
        str(tmp_path / "w.csv"),
        stdin=PASSWORD + "\n",
    )
    assert refused.returncode == 5
    assert refused.stderr.count("\n") == 1 and refused.stderr.startswith("homeward: ")
    bad = run_homeward(
        *base,
        "--user",
        "canaryboss",
        "--quarter",
        "2026Q5",
        "--out",
        str(tmp_path / "b.csv"),
        stdin=PASSWORD + "\n",
    )
    assert bad.returncode == 2 and bad.stderr.startswith("homeward: ")
    assert not (tmp_path / "w.csv").exists() and not (tmp_path / "b.csv").exists()


def test_ids_never_reach_the_csv(canary_ctx: ServiceContext, tmp_path: Path) -> None:
    fill(canary_ctx, n=1)
    out = tmp_path / "ids.csv"
    service.export_csv(canary_ctx, Q3, out)
    text = out.read_text("utf-8")
    with canary_ctx.uow() as uow:
        ids = [str(i) for i in uow.session.scalars(select(Institution.id))]
    ids.append(str(canary_ctx.require_actor().id))
    for value in ids:
        assert value not in text and uuid.UUID(value).hex not in text
