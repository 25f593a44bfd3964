"""The ``server`` commands as a script uses them (issue 20): ``server setup`` (twice),
``server check`` (on a database not set up, then on one that is), ``demo --server`` and
``server import-workspace``; errors in one line, exit codes.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from app import cli
from app.demo.workspace import DEMO_PASSWORD, DEMO_USERS
from app.models.enums import Role
from app.services import team
from app.services.workspace import NewUser, create_workspace
from tests.conftest import run_homeward as homeward
from tests.pg_cluster import Cluster
from tests.team_helpers import address_of, team_database

pytestmark = pytest.mark.postgresql_only

PASSWORD = "a long enough password"


def files_of(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder``: its bytes and modification time."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def here(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """``homeward`` run in this process (quicker than a child process; ``run_homeward`` runs
    the real command for the first setup and the import)."""

    def run(*args: str, stdin: str = "") -> Ran:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        try:
            code = cli.main(["--lang", "en", *args])
        except SystemExit as done:  # --help
            code = int(done.code or 0)
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


def test_server_commands_have_help(here: Callable[..., Ran]) -> None:
    for command in (["server", "setup"], ["server", "check"], ["server", "import-workspace"]):
        result = here(*command, "--help")
        assert result.returncode == 0 and "usage: homeward server" in result.stdout
    result = homeward("server", "--help")
    assert result.returncode == 0
    assert all(name in result.stdout for name in ("setup", "check", "import-workspace"))
    missing = here("server")
    assert missing.returncode == 2 and "required" in missing.stderr


def test_setup_twice_then_check(here: Callable[..., Ran], team_url: str, tmp_path: Path) -> None:
    args = ["--url", team_url]
    empty = here("server", "check", *args)
    assert empty.returncode == 8, empty.stderr
    problems = [line for line in empty.stdout.splitlines() if line.startswith("PROBLEM")]
    assert len(problems) == 5  # the tables, the roles, row-level security, functions, PUBLIC
    assert "homeward server setup" in problems[0] and "TLS is off" in empty.stdout

    leaky = here("server", "check", "--url", team_url.replace("postgres@", "postgres:pw@"))
    assert leaky.returncode == 2 and "Leave the password out" in leaky.stderr
    assert ":pw" not in leaky.stderr + leaky.stdout

    setup = ["server", "setup", *args, "--org", "Fangehjelpen", "--admin", "kari"]
    setup += ["--admin-name", "Kari Nordmann", "--password-stdin", "--kdf-seconds", "0"]
    first = homeward(*setup, stdin=PASSWORD + "\n")
    assert first.returncode == 0, first.stderr
    code = next(line.strip() for line in first.stdout.splitlines() if line.count("-") == 7)
    assert (
        len(code) == 39 and "Connect to it from Homeward with: postgresql://kari@" in first.stdout
    )

    again = here(*setup, stdin=PASSWORD + "\n")
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout and code not in again.stdout
    assert not any(line.count("-") == 7 for line in again.stdout.splitlines())

    checked = here("server", "check", *args)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "PROBLEM" not in checked.stdout and "The team server is ready." in checked.stdout

    ctx = team.sign_in(address_of(team_url), "kari", PASSWORD, folder=tmp_path / "kari")
    try:
        assert ctx.require_actor().display_name == "Kari Nordmann"
    finally:
        ctx.lock()


def test_setup_refuses_a_workspace_kept_as_on_a_laptop(
    here: Callable[..., Ran], team_url: str, tmp_path: Path
) -> None:
    """A database ``homeward init --server`` filled is not made a team server by ``setup``
    (its audit trail is under the laptop's key, its users have no logins)."""
    create_workspace(
        tmp_path / "ws",
        organisation="Fangehjelpen",
        admin=NewUser("kari", "Kari Nordmann", Role.COORDINATOR, PASSWORD),
        kdf_seconds=0,
        server=team_url,
    )
    setup = ["server", "setup", "--url", team_url, "--org", "X", "--admin", "kari"]
    refused = here(*setup, "--password-stdin", "--kdf-seconds", "0", stdin=PASSWORD + "\n")
    assert refused.returncode == 2 and "server import-workspace" in refused.stderr
    checked = here("server", "check", "--url", team_url)
    assert checked.returncode == 8 and "Group roles are missing" in checked.stdout


def test_demo_on_a_server(here: Callable[..., Ran], team_url: str, tmp_path: Path) -> None:
    made = here("demo", "--server", team_url, "--cases", "20", "--kdf-seconds", "0")
    assert made.returncode == 0, made.stderr
    assert "every row checked" in made.stdout
    assert "Sign in with the same password as before: coordinator, volunteer, worker." in (
        made.stdout
    )
    address = address_of(team_url)
    for user in DEMO_USERS:
        ctx = team.sign_in(address, user.username, DEMO_PASSWORD, folder=tmp_path / "d")
        try:
            assert ctx.require_actor().role == user.role
        finally:
            ctx.lock()
    assert here("server", "check", "--url", team_url).returncode == 0
    again = here("demo", "--server", team_url, "--cases", "20", "--kdf-seconds", "0")
    assert again.returncode == 2 and "nothing was changed" in again.stderr


def test_import_workspace_command(
    here: Callable[..., Ran], team_url: str, pg_cluster: Cluster, tmp_path: Path
) -> None:
    worker = NewUser("ola", "Ola Hansen", Role.SOCIAL_WORKER, PASSWORD)
    created = create_workspace(
        tmp_path / "laptop",
        organisation="Fangehjelpen",
        admin=NewUser("kari", "Kari Nordmann", Role.COORDINATOR, PASSWORD),
        extra_users=(worker,),
        kdf_seconds=0,
    )
    before = files_of(created.folder)
    args = ["server", "import-workspace", "--workspace", str(created.folder), "--url", team_url]
    wrong = here(*args, "--user", "kari", "--password-stdin", stdin="not it\n")
    assert wrong.returncode == 3, wrong.stderr
    moved = homeward(*args, "--user", "kari", "--password-stdin", stdin=PASSWORD + "\n")
    assert moved.returncode == 0, moved.stderr
    assert "Sign in with the same password as before: kari." in moved.stdout
    assert "1 other user cannot sign in until a coordinator resets their password: ola." in (
        moved.stdout
    )
    again = here(*args, "--user", "kari", "--password-stdin", stdin=PASSWORD + "\n")
    assert again.returncode == 2 and "nothing was changed" in again.stderr
    # Logins belong to the whole PostgreSQL server: the same users on a second database are
    # refused, by name, before anything is written there.
    with team_database(pg_cluster) as second:
        other = [a if a != team_url else second for a in args]
        taken = here(*other, "--user", "kari", "--password-stdin", stdin=PASSWORD + "\n")
        assert taken.returncode == 2 and "logins on that PostgreSQL server already" in taken.stderr
        assert ": kari, ola." in taken.stderr
    # The laptop workspace as it was, but for its lock file, which says who opened it last.
    after = files_of(created.folder)
    lock = "homeward.lock"
    assert {k: v for k, v in after.items() if k != lock} == {
        k: v for k, v in before.items() if k != lock
    }
    ctx = team.sign_in(address_of(team_url), "kari", PASSWORD, folder=tmp_path / "kari")
    ctx.lock()
