"""The real worker threads of :class:`Operations`: the database thread and the one beside it
(the daily backup) run at the same time, and results come back on the GUI thread."""

from __future__ import annotations

import threading
from typing import Any

from app.ui.operations import Operations


def test_work_beside_does_not_hold_up_the_database_thread(qtbot: Any) -> None:
    ops = Operations()
    release = threading.Event()
    gui = threading.current_thread()
    delivered: list[tuple[str, object, bool]] = []

    def long_copy() -> str:
        assert release.wait(30)
        return threading.current_thread().name

    ops.run_aside(
        long_copy,
        lambda name: delivered.append(("aside", name, threading.current_thread() is gui)),
        label="Making the daily backup…",
    )
    ops.run(
        lambda: threading.current_thread().name,
        lambda name: delivered.append(("db", name, threading.current_thread() is gui)),
    )
    qtbot.waitUntil(lambda: len(delivered) == 1, timeout=5000)
    assert delivered == [("db", "homeward-db", True)]  # done while the copy still runs
    release.set()
    qtbot.waitUntil(lambda: len(delivered) == 2, timeout=5000)
    assert delivered[1] == ("aside", "homeward-aside", True)
    ops.shutdown()


def test_failures_beside_reach_their_handler_and_wait_idle_waits_for_both(qtbot: Any) -> None:
    ops = Operations()
    failures: list[BaseException] = []
    finished = threading.Event()

    def fails() -> None:
        finished.wait(0.2)
        raise OSError("disk full")

    ops.run_aside(fails, None, failures.append)
    ops.wait_idle(timeout_ms=5000)
    qtbot.waitUntil(lambda: len(failures) == 1, timeout=5000)
    assert isinstance(failures[0], OSError)
    ops.shutdown()
