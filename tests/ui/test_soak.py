"""The short soak: the whole GUI with its real database thread for 40 seconds, driven like a
person (tools/soak.py; `make soak` runs it for 600). On a real X display (Xvfb with openbox)
where Xvfb is installed — `.ci/run` installs it — offscreen otherwise."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECONDS = int(os.environ.get("HOMEWARD_TEST_SOAK_SECONDS", "40"))


def test_a_minute_of_real_use_without_a_crash_or_a_lost_meeting() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "soak.py"), "--seconds", str(SECONDS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SECONDS + 400,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    summary = re.search(r"(\d+) meetings saved, (\d+) in the workspace; crashes: 0", done.stdout)
    assert summary is not None, done.stdout
    assert int(summary.group(1)) == int(summary.group(2)) > 0
