"""Key rotation survives SIGKILL at every step: the workspace always opens and verifies."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from app.security import keyslots as ks
from app.services import workspace as ws
from app.services.workspace import CreatedWorkspace
from tests.conftest import PASSWORD

STEPS = ["pending-seals", "rekey", "promote", "reopen", "done"]
KILLS = 25


def kill_during(folder: str, step: str, rng: random.Random) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.helpers.rotate_forever", folder, PASSWORD],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if line.strip() == step:
                time.sleep(rng.uniform(0, 0.03))
                break
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)


def test_sigkill_at_each_step_of_a_rotation(workspace: CreatedWorkspace) -> None:
    rng = random.Random(20261121)
    folder = str(workspace.folder)
    interrupted = 0
    for i in range(KILLS):
        kill_during(folder, STEPS[i % len(STEPS)], rng)
        interrupted += ks.KeySlotFile.load(workspace.folder / "keyslots.json").rotation_pending
        with ws.unlock(workspace.folder, "coord", PASSWORD) as ctx:
            report = ws.verify(ctx)
            assert report.ok, (i, report.problems)
        # opening finished or undid the interrupted rotation
        assert not ks.KeySlotFile.load(workspace.folder / "keyslots.json").rotation_pending
    # the kills really landed inside rotations, not only between them
    assert interrupted >= KILLS // len(STEPS)
    with ws.unlock_with_recovery_code(workspace.folder, workspace.recovery_code) as ctx:
        assert ws.verify(ctx).ok
