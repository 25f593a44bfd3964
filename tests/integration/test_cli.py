"""The ``homeward`` command as a script would use it: exit codes and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_homeward as homeward

PASSWORD = "a long enough password"


@pytest.mark.parametrize("command", [[], ["init"], ["demo"], ["verify"], ["gui"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = homeward(*command, "--help")
    assert result.returncode == 0
    assert "usage: homeward" in result.stdout


def test_init_then_verify(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    made = homeward(
        "init",
        "--workspace",
        str(folder),
        "--org",
        "Fangehjelpen",
        "--admin",
        "kari",
        "--admin-name",
        "Kari Nordmann",
        "--password-stdin",
        "--kdf-seconds",
        "0",
        stdin=PASSWORD + "\n",
    )
    assert made.returncode == 0, made.stderr
    code = next(line.strip() for line in made.stdout.splitlines() if line.count("-") == 7)
    assert len(code) == 39

    again = homeward(
        "init",
        "--workspace",
        str(folder),
        "--org",
        "X",
        "--admin",
        "x",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert again.returncode == 2
    assert again.stderr.startswith("homeward: ") and again.stderr.count("\n") == 1

    ok = homeward(
        "verify",
        "--workspace",
        str(folder),
        "--user",
        "kari",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert ok.returncode == 0, ok.stderr
    assert "cipher_integrity_check): ok" in ok.stdout and "integrity_check): ok" in ok.stdout

    by_code = homeward(
        "verify", "--workspace", str(folder), "--recovery-code-stdin", stdin=code + "\n"
    )
    assert by_code.returncode == 0, by_code.stderr

    wrong = homeward(
        "verify", "--workspace", str(folder), "--user", "kari", "--password-stdin", stdin="nope\n"
    )
    assert wrong.returncode == 3
    assert (
        wrong.stderr == "homeward: The user name or password is not right. Nothing was changed.\n"
    )
    assert PASSWORD not in wrong.stderr + wrong.stdout


def test_init_rejects_a_short_password_and_creates_nothing(tmp_path: Path) -> None:
    result = homeward(
        "init",
        "--workspace",
        str(tmp_path / "ws"),
        "--org",
        "O",
        "--admin",
        "a",
        "--password-stdin",
        stdin="short\n",
    )
    assert result.returncode == 2
    assert "at least 8 characters" in result.stderr
    assert not (tmp_path / "ws").exists()


def test_verify_on_a_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    result = homeward(
        "verify",
        "--workspace",
        str(tmp_path / "none"),
        "--user",
        "a",
        "--password-stdin",
        stdin="x\n",
    )
    assert result.returncode == 1
    assert "no workspace" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "none").exists()


def test_messages_follow_the_chosen_language_option(tmp_path: Path) -> None:
    result = homeward(
        "--lang",
        "en",
        "verify",
        "--workspace",
        str(tmp_path / "none"),
        "--user",
        "a",
        "--password-stdin",
        stdin="x\n",
    )
    assert result.returncode == 1


@pytest.mark.postgresql_only
def test_init_on_a_server_then_verify(tmp_path: Path, pg_empty_url: str) -> None:
    """``init --server``: the folder holds the key slots and the address, the rows go to the
    server; ``verify`` opens it there. An address with a password in it is refused."""
    folder = tmp_path / "team"
    args = ["init", "--workspace", str(folder), "--org", "Fangehjelpen", "--admin", "kari"]
    args += ["--password-stdin", "--kdf-seconds", "0"]
    leaky = pg_empty_url.replace("postgres@", "postgres:secret@")
    refused = homeward(*args, "--server", leaky, stdin=PASSWORD + "\n")
    assert refused.returncode == 2 and "password file" in refused.stderr
    assert (
        "secret" not in refused.stderr + refused.stdout and not (folder / "keyslots.json").exists()
    )

    made = homeward(*args, "--server", pg_empty_url, stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    assert not (folder / "homeward.db").exists()
    ok = homeward(
        "verify",
        "--workspace",
        str(folder),
        "--user",
        "kari",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert ok.returncode == 0, ok.stderr
