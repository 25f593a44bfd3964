"""Keychain unlocking against a real Secret Service (gnome-keyring), end to end.

The test starts a private D-Bus session (``dbus-run-session``) with an unlocked
``gnome-keyring-daemon`` in a throwaway HOME, so it never touches the developer's own
keychain. Inside that session this file runs twice as a script, in two fresh processes:

1. ``enable``: keyring must pick the Secret Service backend on its own (priority >= 1);
   create a workspace, turn on keychain unlocking, unlock with it.
2. ``check``: a new process finds the entry through Secret Service itself (secretstorage,
   not keyring), and unlocks with the keychain again.

``.ci/run`` installs ``gnome-keyring`` and ``dbus``; under CI their absence fails the test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KEYRING_PASSWORD = "throwaway-test-keyring"  # protects only the test's temporary keyring
TOOLS = ("dbus-run-session", "gnome-keyring-daemon")

_SESSION_SCRIPT = """
set -eu
printf '%s' "$HW_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets \
    --daemonize >/dev/null
"$HW_PYTHON" "$HW_SCRIPT" enable "$HW_WORKSPACE"
"$HW_PYTHON" "$HW_SCRIPT" check "$HW_WORKSPACE"
"""


def _require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    message = (
        f"{', '.join(missing)} not installed: the Secret Service test needs "
        "`apt-get install gnome-keyring dbus`"
    )
    if os.environ.get("CI"):
        pytest.fail(f"{message}; .ci/run must install them before `make test`.")
    pytest.skip(message)


def test_keychain_unlock_with_real_secret_service(tmp_path: Path) -> None:
    _require_tools()
    home = tmp_path / "home"
    runtime = tmp_path / "run"
    for folder in (home, runtime):
        folder.mkdir(mode=0o700)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DBUS_SESSION_BUS_ADDRESS", "PYTHON_KEYRING_BACKEND", "DISPLAY"}
    }
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),  # no keyringrc.cfg of the developer's
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_RUNTIME_DIR=str(runtime),
        PYTHONPATH=str(REPO),
        HW_KEYRING_PASSWORD=KEYRING_PASSWORD,
        HW_PYTHON=sys.executable,
        HW_SCRIPT=str(Path(__file__).resolve()),
        HW_WORKSPACE=str(tmp_path / "ws"),
    )
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", _SESSION_SCRIPT],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"

    reports = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["step"] for r in reports] == ["enable", "check"]
    enabled, checked = reports
    assert enabled["backend_class"] == "keyring.backends.SecretService.Keyring"
    assert enabled["priority"] >= 1
    assert enabled["unlocked_as"] == "coord"
    assert checked["found_in_secret_service"] == 1
    assert checked["unlocked_as"] == "coord"
    # The keychain holds the only copy of the secret, and it is not in the workspace file.
    assert checked["secret_in_keyslots_json"] is False
    # The keyring really persisted it: gnome-keyring wrote its own (encrypted) file.
    assert list((home / ".local" / "share" / "keyrings").glob("*.keyring"))


# --- the two steps, run inside the private D-Bus session ------------------------------


def _enable(folder: Path) -> dict[str, object]:
    import keyring

    from app.features.admin.services import keychain as kc
    from app.models.enums import Role
    from app.security import keychain
    from app.security import keyslots as ks
    from app.services.workspace import NewUser, create_workspace, unlock

    backend = keyring.get_keyring()
    status = keychain.backend_status()
    assert status.available, status.reason
    create_workspace(
        folder,
        organisation="Secret Service Test",
        admin=NewUser("coord", "Cora Coordinator", Role.COORDINATOR, KEYRING_PASSWORD),
        kdf_seconds=0,
    )
    with unlock(folder, "coord", KEYRING_PASSWORD) as ctx:
        kc.enable_keychain(ctx)
    with kc.unlock_with_keychain(folder, "coord") as ctx:
        unlocked_as = ctx.require_actor().username
    slots = [s for s in ks.KeySlotFile.load(folder / "keyslots.json").slots if s.kind == "keychain"]
    assert len(slots) == 1
    return {
        "backend_class": f"{type(backend).__module__}.{type(backend).__qualname__}",
        "priority": float(backend.priority),
        "status_name": status.backend_name,
        "unlocked_as": unlocked_as,
    }


def _check(folder: Path) -> dict[str, object]:
    import base64

    import secretstorage

    from app.features.admin.services import keychain as kc
    from app.security import keychain
    from app.security import keyslots as ks

    slot_file = ks.KeySlotFile.load(folder / "keyslots.json")
    (slot,) = [s for s in slot_file.slots if s.kind == "keychain"]
    account = f"{slot_file.workspace_id}/{slot.id}"
    connection = secretstorage.dbus_init()
    try:
        items = list(
            secretstorage.search_items(
                connection, {"service": keychain.SERVICE, "username": account}
            )
        )
        secrets_found = [item.get_secret() for item in items]
    finally:
        connection.close()
    assert all(len(base64.b64decode(s)) == keychain.SECRET_BYTES for s in secrets_found)
    assert keychain.load_secret(slot_file.workspace_id, slot.id) == base64.b64decode(
        secrets_found[0]
    )
    raw = (folder / "keyslots.json").read_bytes()
    with kc.unlock_with_keychain(folder, "coord") as ctx:
        unlocked_as = ctx.require_actor().username
    return {
        "found_in_secret_service": len(items),
        "secret_in_keyslots_json": any(
            s in raw or base64.b64decode(s) in raw for s in secrets_found
        ),
        "unlocked_as": unlocked_as,
    }


def main(argv: list[str]) -> int:
    step, folder = argv[0], Path(argv[1])
    report = _enable(folder) if step == "enable" else _check(folder)
    print(json.dumps({"step": step, **report}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
