"""An insider who holds the data key edits the database directly; ``homeward verify`` notices.

The attacker opens ``homeward.db`` with ``sqlcipher3`` and the data key (any user's password
unwraps it) — or, for a workspace on a PostgreSQL server, opens a SQL session on its
database — and edits the audit trail as they like: changes, deletions, reordering,
insertions, a cut tail, a wiped trail, an older database put in place, the witness file
removed. The stronger attacker also knows the scheme: they read the audit secret from the
database and re-tag the head after cutting the tail. Each attack must make ``verify`` fail
(exit 4 from the command) — including after an ordinary sign-in has written to the trail
since, which used to write a fresh head over what was left.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3.dbapi2 as sqlcipher
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.features.admin.services import backup
from app.features.cases.services import cases
from app.features.people.services import people
from app.models.enums import CaseKind, Role
from app.security import keyslots as ks
from app.services import workspace as ws
from app.services.workspace import CreatedWorkspace
from app.store.adapters import POSTGRES
from app.store.pg_engine import make_server_engine
from tests.conftest import PASSWORD, run_homeward
from tests.pg_cluster import TEMPLATE as TEMPLATE_DB
from tests.pg_cluster import Cluster

HOMEWARD_DB = "homeward.db"


def data_key(folder: Path) -> bytes:
    slots = ks.KeySlotFile.load(folder / "keyslots.json")
    return ks.unlock_with_password(slots, "coord", PASSWORD)[1]


@contextmanager
def insider(folder: Path) -> Iterator[Any]:
    """A cursor on the workspace's database as the insider has it: the SQLCipher file opened
    with ``sqlcipher3`` and the data key, or a SQL session on the server (statements in
    SQLite's style, results in its stored forms: :class:`app.store.adapters.TranslatingCursor`)."""
    server = ks.KeySlotFile.load(folder / "keyslots.json").server
    if server is None:
        conn = sqlcipher.connect(str(folder / HOMEWARD_DB), isolation_level=None)
        try:
            conn.execute("PRAGMA key = \"x'" + data_key(folder).hex() + "'\"")
            yield conn
        finally:
            conn.close()
        return
    engine = make_server_engine(server)
    raw = engine.raw_connection()
    try:
        raw.driver_connection.autocommit = True  # type: ignore[union-attr]  # BEGIN as said
        yield POSTGRES.cursor(raw.cursor())
    finally:
        raw.close()
        engine.dispose()


def attack(folder: Path, *statements: str | tuple[str, tuple[Any, ...]]) -> None:
    """Run SQL on the workspace database as the insider would, in one transaction."""
    with insider(folder) as conn:
        conn.execute("BEGIN")
        for statement in statements:
            sql, params = (statement, ()) if isinstance(statement, str) else statement
            conn.execute(sql, params)
        conn.execute("COMMIT")


def query(folder: Path, sql: str) -> list[tuple[Any, ...]]:
    with insider(folder) as conn:
        return list(conn.execute(sql).fetchall())


def events(folder: Path) -> int:
    return int(query(folder, "SELECT max(sequence) FROM audit_events")[0][0] or 0)


def forge_head(folder: Path) -> tuple[str, tuple[Any, ...]]:
    """The attacker who knows the scheme: a genuine-looking head for what is left."""
    secret = json.loads(
        query(folder, "SELECT value FROM settings WHERE key = 'audit_secret'")[0][0]
    )
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"homeward-audit-mac-v1"
    ).derive(bytes.fromhex(secret))
    sequence, mac_hex = query(
        folder, "SELECT sequence, mac FROM audit_events ORDER BY sequence DESC LIMIT 1"
    )[0]
    mac = bytes.fromhex(mac_hex)
    tag = hmac.digest(key, b"head" + sequence.to_bytes(8, "big") + mac, hashlib.sha256).hex()
    value = json.dumps({"mac": mac_hex, "sequence": sequence, "tag": tag}, sort_keys=True)
    return "UPDATE settings SET value = ? WHERE key = 'audit_head'", (value,)


def verify_cli(folder: Path, *extra: str) -> tuple[int, str]:
    result = run_homeward(
        "verify",
        "--workspace",
        str(folder),
        "--user",
        "coord",
        "--password-stdin",
        *extra,
        stdin=PASSWORD + "\n",
    )
    return result.returncode, result.stdout + result.stderr


def verify_service(folder: Path) -> ws.IntegrityReport:
    with ws.unlock(folder, "coord", PASSWORD, record=False) as ctx:
        return ws.verify(ctx)


def do_work(folder: Path, views: int = 10) -> None:
    """An ordinary session: a sign-in, a new case, some views (each an audit event)."""
    with ws.unlock(folder, "coord", PASSWORD) as ctx:
        person = people.create_person(ctx, people.PersonInput(given_name="A", family_name="B"))
        case = cases.open_case(
            ctx,
            cases.CaseInput(
                kind=CaseKind.RELEASE_SUPPORT, client_id=person.id, opened_on=date(2026, 1, 2)
            ),
        )
        for _ in range(views):
            cases.get_case(ctx, case.id)


def make_template(folder: Path, server: str | None) -> Path:
    """A workspace with about 40 audit events."""
    ws.create_workspace(
        folder,
        organisation="Org",
        admin=ws.NewUser("coord", "Cora", Role.COORDINATOR, PASSWORD),
        kdf_seconds=0,
        server=server,
    )
    for _ in range(3):
        do_work(folder)
    return folder


@pytest.fixture(scope="module")
def templates() -> dict[str, tuple[Path, str | None]]:
    """Per engine, the template workspace (and its server database), made on first use."""
    return {}


@pytest.fixture
def folder(
    templates: dict[str, tuple[Path, str | None]],
    store_engine: str,
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Iterator[Path]:
    """A copy of the template workspace for each test; on PostgreSQL its database is a copy
    of the template's (``CREATE DATABASE … TEMPLATE``)."""
    copy = tmp_path / "ws"
    if store_engine == "sqlcipher":
        if store_engine not in templates:
            base = tmp_path_factory.mktemp("attack-template")
            templates[store_engine] = (make_template(base / "ws", None), None)
        shutil.copytree(templates[store_engine][0], copy)
        yield copy
        return
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    if store_engine not in templates:
        name = cluster.fresh_name()
        url = cluster.create_database(name, template=TEMPLATE_DB)
        base = tmp_path_factory.mktemp("attack-template-pg")
        templates[store_engine] = (make_template(base / "ws", url), name)
    template, template_db = templates[store_engine]
    database = cluster.fresh_name()
    url = cluster.create_database(database, template=template_db)
    shutil.copytree(template, copy)
    slots = ks.KeySlotFile.load(copy / "keyslots.json")
    slots.on_server(url).save(copy / "keyslots.json")
    yield copy
    cluster.drop_database(database)


def test_the_untouched_workspace_verifies_and_prints_its_fingerprint(folder: Path) -> None:
    code, out = verify_cli(folder)
    assert code == 0, out
    assert "Audit trail: ok" in out
    # The check's own sign-in event is written after the check (and after the fingerprint).
    assert f"fingerprint at event {events(folder) - 1}:" in out


# --- the attacks of issue 17, through the command ------------------------------------------


def cut_tail(n: int) -> Callable[[Path], list[Any]]:
    def statements(folder: Path) -> list[Any]:
        return [f"DELETE FROM audit_events WHERE sequence > {events(folder) - n}"]

    return statements


def cut_half(folder: Path) -> list[Any]:
    return [f"DELETE FROM audit_events WHERE sequence > {events(folder) // 2}"]


def wipe(folder: Path) -> list[Any]:
    return ["DELETE FROM audit_events"]


def wipe_with_head(folder: Path) -> list[Any]:
    return ["DELETE FROM audit_events", "DELETE FROM settings WHERE key = 'audit_head'"]


ATTACKS: dict[str, Callable[[Path], list[Any]]] = {
    "cut 1": cut_tail(1),
    "cut 10": cut_tail(10),
    "cut half": cut_half,
    "wipe every event": wipe,
    "wipe every event and the head": wipe_with_head,
    "delete the head": lambda f: ["DELETE FROM settings WHERE key = 'audit_head'"],
    "corrupt the head": lambda f: [
        "UPDATE settings SET value = replace(value, '\"sequence\": ', '\"sequence\": 1') "
        "WHERE key = 'audit_head'"
    ],
    "delete from the middle": lambda f: ["DELETE FROM audit_events WHERE sequence = 7"],
    "reorder": lambda f: [
        "UPDATE audit_events SET sequence = -1 WHERE sequence = 5",
        "UPDATE audit_events SET sequence = 5 WHERE sequence = 6",
        "UPDATE audit_events SET sequence = 6 WHERE sequence = -1",
    ],
    "insert in the middle": lambda f: [
        "UPDATE audit_events SET sequence = -sequence WHERE sequence >= 10",
        "UPDATE audit_events SET sequence = 1 - sequence WHERE sequence < 0",
        (
            "INSERT INTO audit_events (id, sequence, occurred_at, action, fields, mac, "
            "created_at, updated_at) SELECT ?, 10, occurred_at, action, fields, mac, "
            "created_at, updated_at FROM audit_events WHERE sequence = 3",
            (uuid.uuid4().hex,),
        ),
    ],
    "insert": lambda f: [
        (
            "INSERT INTO audit_events (id, sequence, occurred_at, action, fields, mac, "
            "created_at, updated_at) SELECT ?, sequence + 1000, occurred_at, action, fields, "
            "mac, created_at, updated_at FROM audit_events WHERE sequence = 3",
            (uuid.uuid4().hex,),
        )
    ],
}


@pytest.mark.parametrize("name", ["cut 1", "cut half", "wipe every event and the head"])
def test_the_command_finds_each_attack_of_the_issue(folder: Path, name: str) -> None:
    attack(folder, *ATTACKS[name](folder))
    code, out = verify_cli(folder)
    assert code == 4, out
    assert "Audit trail: FAILED" in out


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_the_check_finds_each_attack(folder: Path, name: str) -> None:
    attack(folder, *ATTACKS[name](folder))
    report = verify_service(folder)
    assert not report.ok and not report.audit.ok
    assert report.audit.problem


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("occurred_at", "2020-01-01 00:00:00.000000"),
        ("user_id", "0" * 32),
        ("action", "lock"),
        ("entity_type", "person"),
        ("entity_id", "f" * 32),
        ("fields", "summary"),
        ("mac", "0" * 64),
    ],
)
def test_editing_any_covered_column_is_found(folder: Path, column: str, value: str) -> None:
    attack(folder, (f"UPDATE audit_events SET {column} = ? WHERE sequence = 9", (value,)))
    report = verify_service(folder)
    assert not report.audit.ok and report.audit.first_bad_sequence == 9


def test_a_cut_tail_with_a_forged_head_is_found_by_the_witness(folder: Path) -> None:
    written = events(folder)
    attack(folder, *cut_tail(10)(folder))
    attack(folder, forge_head(folder))
    code, out = verify_cli(folder)
    assert code == 4, out
    assert f"witness file recorded event {written}" in out


@pytest.mark.parametrize("name", ["cut 10", "wipe every event and the head"])
def test_signing_in_and_working_after_the_attack_does_not_hide_it(folder: Path, name: str) -> None:
    attack(folder, *ATTACKS[name](folder))
    if name == "cut 10":
        attack(folder, forge_head(folder))
    do_work(folder, views=20)  # the trail grows past where it was cut
    code, out = verify_cli(folder)
    assert code == 4, out
    assert "witness file recorded" in out


def test_verify_itself_leaves_the_evidence_for_the_next_check(folder: Path) -> None:
    attack(folder, *cut_tail(1)(folder))
    assert verify_cli(folder)[0] == 4
    assert verify_cli(folder)[0] == 4


@pytest.mark.sqlcipher_only  # the database file itself put back
def test_an_older_backup_of_the_database_behind_a_newer_witness_is_found(folder: Path) -> None:
    with ws.unlock(folder, "coord", PASSWORD) as ctx:
        made = backup.create_backup(ctx, out=folder.parent / "old-backup")
    do_work(folder)
    for sidecar in ("homeward.db-wal", "homeward.db-shm"):
        (folder / sidecar).unlink(missing_ok=True)
    shutil.copyfile(made.backup.path / HOMEWARD_DB, folder / HOMEWARD_DB)
    code, out = verify_cli(folder)
    assert code == 4, out
    assert "an older database was put in place" in out


def test_a_deleted_witness_is_found_and_not_recreated(folder: Path) -> None:
    (folder / "audit-witness.json").unlink()
    code, out = verify_cli(folder)
    assert code == 4, out
    assert "audit-witness.json) is missing" in out
    do_work(folder)
    assert not (folder / "audit-witness.json").exists()
    assert verify_cli(folder)[0] == 4


def test_an_altered_witness_is_found(folder: Path) -> None:
    path = folder / "audit-witness.json"
    body = json.loads(path.read_text())
    body["sequence"] += 5
    path.write_text(json.dumps(body))
    assert not verify_service(folder).audit.ok


def test_an_anchor_from_a_report_catches_a_consistently_rewritten_trail(folder: Path) -> None:
    """Rolling back database and witness together is not detectable without an anchor; a
    fingerprint printed earlier is. Here the attacker rewrites the whole trail under the
    keys and replaces the witness with an earlier genuine one."""
    code, out = verify_cli(folder)
    line = next(line for line in out.splitlines() if "fingerprint at event" in line)
    anchor = line.split("event ")[1].replace(": ", ":")
    early = int(anchor.split(":")[0])
    do_work(folder)
    assert verify_cli(folder, "--anchor", anchor)[0] == 0
    # Both rolled back together to before the anchor, then new events written on top.
    attack(folder, f"DELETE FROM audit_events WHERE sequence > {early - 3}")
    attack(folder, forge_head(folder))
    witness_of_cut = _witness_for(folder, early - 3)
    (folder / "audit-witness.json").write_bytes(witness_of_cut)
    do_work(folder)
    code, out = verify_cli(folder)
    assert code == 0, out  # undetectable without an anchor, as the README says
    code, out = verify_cli(folder, "--anchor", anchor)
    assert code == 4, out
    assert f"up to event {early} is not the one" in out


def _witness_for(folder: Path, sequence: int) -> bytes:
    """A genuine witness for event ``sequence``, written with the attacker's knowledge."""
    from app.security import witness as wt
    from app.services.audit_witness import key_from_secret

    secret = query(folder, "SELECT value FROM settings WHERE key = 'audit_secret'")[0][0]
    mac = query(folder, f"SELECT mac FROM audit_events WHERE sequence = {sequence}")[0][0]
    return wt.encode(key_from_secret(secret), wt.Witness(sequence, bytes.fromhex(mac)))


def test_a_backup_carries_the_witness_and_a_restore_brings_it_back(folder: Path) -> None:
    with ws.unlock(folder, "coord", PASSWORD) as ctx:
        made = backup.create_backup(ctx, out=folder.parent / "b")
    assert (made.backup.path / "audit-witness.json").is_file()
    from app.features.admin.services.restore import restore_backup

    restored = restore_backup(made.backup.path, folder.parent / "restored")
    assert (restored.folder / "audit-witness.json").is_file()
    assert verify_service(restored.folder).ok
    do_work(restored.folder)
    assert verify_cli(restored.folder)[0] == 0


# --- workspaces made before the witness -----------------------------------------------------


@pytest.fixture
def old_workspace(folder: Path) -> Iterator[Path]:
    """The template as Homeward made it before issue 17: no witness, no marker."""
    (folder / "audit-witness.json").unlink()
    slots = ks.KeySlotFile.load(folder / "keyslots.json")
    extra = {k: v for k, v in slots.extra.items() if k != "audit_witness"}
    ks.KeySlotFile(slots.workspace_id, slots.slots, slots.demo, extra).save(
        folder / "keyslots.json"
    )
    yield folder


def test_an_older_workspace_opens_and_its_first_write_makes_the_witness(
    old_workspace: Path,
) -> None:
    assert verify_service(old_workspace).ok  # no witness yet, and none expected
    do_work(old_workspace, views=1)
    assert (old_workspace / "audit-witness.json").is_file()
    assert ks.KeySlotFile.load(old_workspace / "keyslots.json").extra["audit_witness"] is True
    assert verify_cli(old_workspace)[0] == 0
    (old_workspace / "audit-witness.json").unlink()
    assert verify_cli(old_workspace)[0] == 4


def test_the_witness_follows_every_audited_write(folder: Path) -> None:
    def witnessed() -> int:
        return int(json.loads((folder / "audit-witness.json").read_text())["sequence"])

    do_work(folder, views=3)
    assert witnessed() == events(folder)  # the views (raw cursor) and the writes (sessions)


def test_a_new_workspace_has_a_witness_from_the_start(
    make_workspace: Callable[..., CreatedWorkspace],
) -> None:
    made = make_workspace("fresh")
    assert (made.folder / "audit-witness.json").is_file()
    (made.folder / "audit-witness.json").unlink()
    assert verify_cli(made.folder)[0] == 4


# --- the fingerprint on a published report ---------------------------------------------------


def test_the_quarterly_pdf_prints_a_fingerprint_that_verify_checks(
    folder: Path, tmp_path: Path
) -> None:
    from app.features.reports.services import periods, service

    pdf_path = tmp_path / "q3.pdf"
    with ws.unlock(folder, "coord", PASSWORD) as ctx:
        service.export_pdf(ctx, periods.quarter(2026, 3), pdf_path, "en")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(
        r"Audit trail at event (\d+): fingerprint ([0-9a-f]{4}(?:-[0-9a-f]{4}){3})", text
    )
    assert found is not None, text[:2000]
    event, fingerprint = int(found[1]), found[2]
    do_work(folder)  # the trail moves on; the report's anchor still holds
    code, out = verify_cli(folder, "--anchor", f"{event}:{fingerprint}")
    assert code == 0, out
    assert f"anchor at event {event}: matches" in out
    code, out = verify_cli(folder, "--anchor", f"{event}:{'0' * 16}")
    assert code == 4, out


# --- the other ways in, and key rotation ---------------------------------------------------


def test_verify_with_the_recovery_code_also_checks_before_it_writes(
    make_workspace: Callable[..., CreatedWorkspace],
) -> None:
    made = make_workspace("recovery")
    do_work(made.folder)
    attack(made.folder, *cut_tail(2)(made.folder))
    attack(made.folder, forge_head(made.folder))
    for _ in range(2):  # and its own event, written after the check, hides nothing
        result = run_homeward(
            "verify",
            "--workspace",
            str(made.folder),
            "--recovery-code-stdin",
            stdin=made.recovery_code + "\n",
        )
        assert result.returncode == 4, result.stdout + result.stderr
        assert "witness file recorded" in result.stdout


def test_the_witness_survives_a_key_rotation_and_still_catches_a_cut(folder: Path) -> None:
    from app.features.admin.services import users

    with ws.unlock(folder, "coord", PASSWORD) as ctx:
        gone = users.add_user(ctx, ws.NewUser("vera", "Vera", Role.VOLUNTEER, "temporary-pass"))
        users.remove_user_for_good(ctx, gone.id)
    do_work(folder, views=2)
    assert verify_cli(folder)[0] == 0  # the new data key; the witness key did not change
    attack(folder, *cut_tail(3)(folder))
    attack(folder, forge_head(folder))
    code, out = verify_cli(folder)
    assert code == 4, out


# --- the witness never gets in the way ------------------------------------------------------


def test_a_witness_that_cannot_be_written_loses_no_work_and_no_finding(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services import audit_witness

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(audit_witness, "write", full_disk)
    do_work(folder, views=2)  # every operation succeeds; the witness stays behind
    monkeypatch.undo()
    assert verify_service(folder).ok  # a database ahead of its witness is not a finding
    do_work(folder, views=1)  # and the next write catches the witness up
    assert json.loads((folder / "audit-witness.json").read_text())["sequence"] == events(folder)


def test_a_backup_made_beside_the_database_thread_restores_to_a_trail_that_verifies(
    folder: Path,
) -> None:
    import threading

    from app.features.admin.services.restore import restore_backup

    with ws.unlock(folder, "coord", PASSWORD) as ctx:
        person = people.create_person(ctx, people.PersonInput(given_name="A", family_name="B"))
        case = cases.open_case(
            ctx,
            cases.CaseInput(
                kind=CaseKind.RELEASE_SUPPORT, client_id=person.id, opened_on=date(2026, 1, 2)
            ),
        )
        results: list[Any] = []
        copier = threading.Thread(
            target=lambda: results.append(backup.daily_copy(ctx)), name="daily-backup"
        )
        copier.start()
        while copier.is_alive():  # the database thread goes on writing events meanwhile
            cases.get_case(ctx, case.id)
        copier.join()
    made = results[0]
    assert made is not None and (made.backup.path / "audit-witness.json").is_file()
    restored = restore_backup(made.backup.path, folder.parent / "restored")
    report = verify_service(restored.folder)
    assert report.ok, report.audit.problem


# --- signing in in the app: the same check, before the sign-in event -----------------------


@pytest.mark.parametrize("how", ["password", "recovery code"])
def test_the_app_sign_in_checks_the_witness_before_it_writes(
    make_workspace: Callable[..., CreatedWorkspace], how: str
) -> None:
    from app.features.admin.services import integrity

    made = make_workspace("app")
    do_work(made.folder)

    def sign_in() -> integrity.OpenOutcome:
        if how == "password":
            return integrity.open_workspace(made.folder, "coord", PASSWORD)
        return integrity.open_workspace_with_recovery_code(made.folder, made.recovery_code)

    outcome = sign_in()
    outcome.ctx.lock()
    assert outcome.audit_warning is None and not outcome.read_only
    written = events(made.folder)
    attack(made.folder, *cut_tail(4)(made.folder))
    attack(made.folder, forge_head(made.folder))
    outcome = sign_in()
    try:
        assert outcome.audit_warning is not None
        assert f"witness file recorded event {written}" in outcome.audit_warning
        assert not outcome.read_only  # the team can go on working; the evidence stays
    finally:
        outcome.ctx.lock()
    assert events(made.folder) == written - 4 + 1  # the sign-in, written after the check
    assert verify_cli(made.folder)[0] == 4
