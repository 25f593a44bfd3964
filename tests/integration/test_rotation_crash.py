"""Key rotation survives SIGKILL at every step: the workspace always opens and verifies.

Half the kills land exactly between two steps (the child waits for a go-ahead before each),
the other half at a random moment inside a step.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from app.security import keyslots as ks
from app.services import workspace as ws
from app.services.workspace import CreatedWorkspace
from tests.conftest import PASSWORD

STEPS = ["pending-seals", "rekey", "promote", "reopen", "done"]
KILLS = 15


def kill_during(folder: str, step: str, rng: random.Random, *, between: bool) -> None:
    args = [sys.executable, "-m", "tests.integration.helpers.rotate_forever", folder, PASSWORD]
    child = subprocess.Popen(
        [*args, "--pause"] if between else args,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        for line in child.stdout:
            if line.strip() == step:
                if not between:
                    time.sleep(rng.uniform(0, 0.03))
                break
            if between:
                child.stdin.write("go\n")
                child.stdin.flush()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)


@pytest.mark.sqlcipher_only  # the encrypted file itself
def test_sigkill_at_each_step_of_a_rotation(workspace: CreatedWorkspace) -> None:
    rng = random.Random(20261121)
    folder = str(workspace.folder)
    interrupted = 0
    for i in range(KILLS):
        between = i % 2 == 0
        kill_during(folder, STEPS[(i // 2) % len(STEPS)], rng, between=between)
        interrupted += ks.KeySlotFile.load(workspace.folder / "keyslots.json").rotation_pending
        with ws.unlock(workspace.folder, "coord", PASSWORD) as ctx:
            report = ws.verify(ctx)
            assert report.ok, (i, report.problems)
        # opening finished or undid the interrupted rotation
        assert not ks.KeySlotFile.load(workspace.folder / "keyslots.json").rotation_pending
    # killed just before "rekey" and just before "promote" the slots are mid-rotation: both the
    # undo path (database still on the old key) and the finish path (already re-keyed) ran
    assert interrupted >= 2 * (KILLS // (2 * len(STEPS)))
    with ws.unlock_with_recovery_code(workspace.folder, workspace.recovery_code) as ctx:
        assert ws.verify(ctx).ok
