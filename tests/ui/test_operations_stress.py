"""The crash of "the window vanishes": Qt objects destroyed on the database thread.

Each test runs thousands of jobs through the real :class:`Operations` in a subprocess (a
crash must not take the test session with it) whose closures and results hold dialogs with
running timers and text documents, while windows close and a main window is torn down as a
lock does. The script aborts on any Qt warning about threads, so a wrong-thread destruction
is a crash every time. Before the fix the first ended in SIGABRT within a few hundred jobs
(the database thread dropped the last reference to a delivered job at ``job = line.get()``);
the second (reference cycles freed by the garbage collector running on the database thread)
did the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("mode", ["references", "cycles"])
def test_thousands_of_jobs_holding_qt_objects_never_crash(mode: str, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOMEWARD_LOG_DIR=str(tmp_path))
    args = [sys.executable, "-m", "tests.ui.scripts.operations_stress", "3000"]
    if mode == "cycles":
        args.append("cycles")
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=280)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "delivered 3000 of 3000" in done.stdout


def test_a_crash_leaves_every_threads_stack_in_the_log_folder(tmp_path: Path) -> None:
    script = (
        "import faulthandler, threading\n"
        "from app.shell.crash_guard import enable_fault_handler\n"
        "enable_fault_handler()\n"
        "threading.Thread(target=threading.Event().wait, name='homeward-db', daemon=True)"
        ".start()\n"
        "secret = 'Ola Nordmann 12345'\n"
        "faulthandler._sigsegv()\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOMEWARD_LOG_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=60
    )
    assert done.returncode != 0
    written = (tmp_path / "faults.log").read_text(encoding="utf-8")
    assert "Segmentation fault" in written
    assert written.count("Thread 0x") + written.count("Current thread 0x") >= 2
    assert "Ola Nordmann" not in written  # stacks name files and lines, never values
