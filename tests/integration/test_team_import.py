"""``homeward server import-workspace`` and ``homeward demo --server`` (issue 20): a laptop
workspace moved onto a team server, every row, link, attachment and audit event checked; the
laptop workspace left untouched; a second import refused with nothing changed. And the
``server`` commands as a script uses them: ``setup`` (twice), ``check``, ``import-workspace``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, Table, func, select

from app.demo.workspace import DEMO_PASSWORD, create_demo_workspace
from app.features.admin.services import attachments
from app.kernel.errors import UnlockError, WorkspaceError, WorkspaceExistsError
from app.models import Attachment, AuditEvent, Case, Meeting
from app.models.enums import Role
from app.security.permissions import PermissionDenied
from app.services import team, team_import
from app.services import workspace as ws
from app.services.team_import import ImportReport, import_workspace
from app.services.workspace import NewUser, create_workspace
from app.store import copies
from app.store.pg_engine import make_server_engine
from app.store.team_schema import AUDIT_SECRET_SETTING
from tests.conftest import TEMPLATE_DB
from tests.pg_cluster import Cluster
from tests.team_helpers import address_of, team_database

pytestmark = pytest.mark.postgresql_only

PASSWORD = "a long enough password"
#: Attachments added to the demo (which has none): text, binary with NUL bytes, 300 kB.
FILES = {
    "letter.pdf": b"%PDF-1.4 a letter from the housing office",
    "scan.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00" + bytes(range(256)) * 4,
    "large.bin": os.urandom(300_000),
}


def files_of(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder``: its bytes and modification time."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0)
            for t in copies.tables()
        }


def ids(engine: Engine, model: Table) -> set[uuid.UUID]:
    with engine.connect() as conn:
        return set(conn.scalars(select(model.c.id)))


def audit_verify(engine: Engine) -> tuple[int, object, bool]:
    with engine.connect() as conn:
        events, first_bad, head_ok, _mac = conn.exec_driver_sql(
            "SELECT * FROM hw_team.audit_verify()"
        ).one()
    return int(events), first_bad, bool(head_ok)


@dataclass
class Moved:
    folder: Path
    url: str
    report: ImportReport
    before: dict[str, tuple[bytes, int]]
    events: int  # the laptop's audit events


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The 300-case demo with a few attachments (the demo has none), built once; and its
    number of audit events."""
    folder = tmp_path_factory.mktemp("team-import") / "demo"
    create_demo_workspace(folder, cases=300, seed=5, kdf_seconds=0)
    with ws.unlock(folder, "coordinator", DEMO_PASSWORD) as ctx:
        with ctx.uow() as uow:
            case_ids = uow.session.scalars(select(Case.id).order_by(Case.reference).limit(3)).all()
        for case_id, (name, content) in zip(case_ids, FILES.items(), strict=True):
            attachments.add_attachment(
                ctx, case_id=case_id, person_id=None, filename=name, content=content
            )
        with ctx.uow() as uow:
            events = int(uow.session.scalar(select(func.count()).select_from(AuditEvent)) or 0)
    return folder, events


@pytest.fixture(scope="module")
def moved(demo_folder: tuple[Path, int], pg_cluster: Cluster) -> Iterator[Moved]:
    """The demo moved onto a fresh server (a database with the schema at head and no rows)
    by its coordinator, with the worker's password too (not the volunteer's)."""
    folder, events = demo_folder
    before = files_of(folder)
    with team_database(pg_cluster, template=TEMPLATE_DB) as url:
        report = import_workspace(
            folder, "coordinator", DEMO_PASSWORD, url, passwords={"worker": DEMO_PASSWORD}
        )
        yield Moved(folder, url, report, before, events)


def test_every_row_attachment_and_audit_event_is_on_the_server(
    moved: Moved, tmp_path: Path
) -> None:
    report = moved.report
    assert report.audit_events == moved.events > 1000
    assert report.attachments == len(FILES)
    assert report.tables == len(copies.tables()) + 1  # and the schema's version
    assert report.signing_in == ("coordinator", "worker")
    assert "volunteer" in report.waiting and "coordinator" not in report.waiting
    # The laptop workspace: every file's bytes and time as they were (its lock file too).
    assert files_of(moved.folder) == moved.before

    # Checked again here, apart from the import's own check, on a copy of the laptop's folder
    # (opening the folder itself, even read-only, would leave SQLite's -wal and -shm in it).
    server = make_server_engine(moved.url)
    shutil.copytree(moved.folder, tmp_path / "laptop")
    laptop_ctx = ws.unlock(tmp_path / "laptop", "coordinator", DEMO_PASSWORD, read_only=True)
    try:
        laptop = laptop_ctx.engine
        on_laptop, on_server = row_counts(laptop), row_counts(server)
        assert on_laptop["cases"] == 300 and on_laptop["meetings"] > 1000
        # The laptop's audit secret is not kept on the server (a key only the server holds).
        assert on_server == {**on_laptop, "settings": on_laptop["settings"] - 1}
        for model in copies.tables():
            if "id" in model.c and model.name != "settings":
                assert ids(laptop, model) == ids(server, model), model.name
        # Links: each meeting's case, each case's client and workers.
        for query in (
            select(Meeting.id, Meeting.case_id, Meeting.recorded_by, Meeting.occurred_at),
            select(Case.id, Case.client_id, Case.worker_id, Case.volunteer_id, Case.opened_on),
        ):
            with laptop.connect() as a, server.connect() as b:
                assert set(a.execute(query)) == set(b.execute(query))
        # Attachments: the bytes, and their digests as recorded.
        query = select(Attachment.filename, Attachment.sha256, Attachment.content)
        with laptop.connect() as a, server.connect() as b:
            mine, theirs = sorted(a.execute(query)), sorted(b.execute(query))
        assert mine == theirs and len(theirs) == len(FILES)
        for name, digest, content in theirs:
            assert bytes(content) == FILES[name]
            assert hashlib.sha256(bytes(content)).hexdigest() == digest
        # Audit events: the same events in the same order (their MACs re-keyed on the server).
        query = select(
            AuditEvent.sequence,
            AuditEvent.id,
            AuditEvent.occurred_at,
            AuditEvent.user_id,
            AuditEvent.action,
            AuditEvent.entity_type,
            AuditEvent.entity_id,
            AuditEvent.fields,
            AuditEvent.case_id,
        ).order_by(AuditEvent.sequence)
        with laptop.connect() as a, server.connect() as b:
            assert a.execute(query).all() == b.execute(query).all()
            macs = set(a.scalars(select(AuditEvent.mac))) & set(b.scalars(select(AuditEvent.mac)))
            assert not macs  # the chain is under the server's own key now
            secret = "SELECT count(*) FROM settings WHERE key = %s"
            assert b.exec_driver_sql(secret, (AUDIT_SECRET_SETTING,)).scalar() == 0
        assert audit_verify(server) == (moved.events, None, True)
    finally:
        laptop_ctx.lock()
        server.dispose()


def test_the_importer_and_the_users_given_passwords_sign_in(moved: Moved, tmp_path: Path) -> None:
    address = address_of(moved.url)
    for name, role in (("coordinator", Role.COORDINATOR), ("worker", Role.SOCIAL_WORKER)):
        ctx = team.sign_in(address, name, DEMO_PASSWORD, folder=tmp_path / name)
        try:
            assert ctx.require_actor().role == role
            with ctx.uow() as uow:
                assert uow.session.scalar(select(func.count()).select_from(Case)) == 300
        finally:
            ctx.lock()
    # The volunteer's login waits for a coordinator to reset their password.
    with pytest.raises(UnlockError):
        team.sign_in(address, "volunteer", DEMO_PASSWORD, folder=tmp_path / "volunteer")


def test_a_second_import_is_refused_and_changes_nothing(moved: Moved) -> None:
    server = make_server_engine(moved.url)
    try:
        counts, chain = row_counts(server), audit_verify(server)
        with pytest.raises(WorkspaceExistsError, match="nothing was changed"):
            import_workspace(moved.folder, "coordinator", DEMO_PASSWORD, moved.url)
        assert row_counts(server) == counts and audit_verify(server) == chain
        # A password given for another user must open their key slot (checked first).
        with pytest.raises(UnlockError, match="worker"):
            import_workspace(
                moved.folder, "coordinator", DEMO_PASSWORD, moved.url, passwords={"worker": "x"}
            )
        # Only a coordinator moves a workspace (refused before the server is reached).
        with pytest.raises(PermissionDenied):
            import_workspace(moved.folder, "worker", DEMO_PASSWORD, moved.url)
        assert row_counts(server) == counts
    finally:
        server.dispose()
    assert files_of(moved.folder) == moved.before


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE users SET created_at = created_at + interval '1 microsecond' WHERE username = 'ola'",
        "UPDATE users SET active = NOT active WHERE username = 'ola'",
        "DELETE FROM audit_events WHERE sequence = (SELECT max(sequence) FROM audit_events)",
    ],
    ids=["a-microsecond", "a-yes-no", "a-missing-row"],
)
def test_a_row_that_differs_undoes_the_import(
    change: str, team_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row-by-row check finds one changed value or one missing row (here made on the
    server just after loading), names the table, and the loaded rows are removed again."""
    created = create_workspace(
        tmp_path / "laptop",
        organisation="Fangehjelpen",
        admin=NewUser("kari", "Kari Nordmann", Role.COORDINATOR, PASSWORD),
        extra_users=(NewUser("ola", "Ola Hansen", Role.SOCIAL_WORKER, PASSWORD),),
        kdf_seconds=0,
    )
    ws.unlock(created.folder, "kari", PASSWORD).lock()  # an audit event or two
    load = team_import.copies.load_copy

    def load_then_change(source: Path, keys: object, server: Engine) -> dict[str, int]:
        counts = load(source, keys, server)  # type: ignore[arg-type]
        with server.begin() as conn:
            conn.exec_driver_sql(change)
        return counts

    monkeypatch.setattr(team_import.copies, "load_copy", load_then_change)
    with pytest.raises(WorkspaceError, match="not those of the workspace") as raised:
        import_workspace(created.folder, "kari", PASSWORD, team_url)
    table = "audit_events" if "audit" in change else "users"
    assert f"(table {table})" in str(raised.value)
    server = make_server_engine(team_url)
    try:
        assert not any(row_counts(server).values())
        with server.connect() as conn:
            roles = "SELECT count(*) FROM pg_roles WHERE rolname IN ('kari', 'ola')"
            assert conn.exec_driver_sql(roles).scalar() == 0
    finally:
        server.dispose()
