"""Client data never appears in clear in any file of the workspace, open or closed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.features.cases.services import cases
from app.features.people.services import people
from app.kernel.logs import log_dir
from app.models.enums import CaseKind
from app.services import workspace as ws
from app.services.workspace import CreatedWorkspace
from tests.conftest import PASSWORD

CANARIES = ["CANARY-Ølstad-Пётр-Ștefan", "CANARY-ORG-Årdal-Ионеску", "CANARY-NOTE-Ţăranu-Жанна"]


def encodings(text: str) -> list[bytes]:
    return [text.encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be")]


def leaks(folder: Path) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for canary in CANARIES:
            # look for the distinctive non-ASCII tail too, in case only part lands somewhere
            for needle in encodings(canary) + encodings(canary.split("-", 2)[-1]):
                if needle in data:
                    found.append(f"{path.name}: {canary}")
    return found


@pytest.mark.sqlcipher_only  # the encrypted file itself
def test_canaries_never_reach_disk_in_clear(make_workspace: object) -> None:
    created: CreatedWorkspace = make_workspace("canary", organisation=CANARIES[1])  # type: ignore[operator]
    folder = created.folder
    ctx = ws.unlock(folder, "coord", PASSWORD)
    try:
        person = people.create_person(
            ctx,
            people.PersonInput(
                given_name=CANARIES[0],
                family_name=CANARIES[0],
                notes=CANARIES[2] * 50,
                address=CANARIES[0],
            ),
        )
        case = cases.open_case(
            ctx,
            cases.CaseInput(
                kind=CaseKind.RELEASE_SUPPORT,
                client_id=person.id,
                opened_on=date(2026, 1, 5),
                summary=CANARIES[2],
            ),
        )
        assert cases.get_case(ctx, case.id).client_name.startswith("CANARY")
        # While open: the WAL holds recent pages, and it must be encrypted too.
        assert (folder / "homeward.db-wal").exists()
        assert leaks(folder) == []
    finally:
        ctx.lock()
    assert leaks(folder) == []
    assert leaks(log_dir()) == []
    assert (folder / "homeward.db").read_bytes()[:16] != b"SQLite format 3\x00"
    # and the data really is there, behind the key
    with ws.unlock(folder, "coord", PASSWORD) as again:
        assert ws.organisation_name(again) == CANARIES[1]
        assert people.get_person(again, person.id).notes == CANARIES[2] * 50


def test_the_scanner_finds_a_canary(tmp_path: Path) -> None:
    (tmp_path / "leak.txt").write_bytes(CANARIES[0].encode("utf-16-le"))
    assert leaks(tmp_path)
