"""The real worker threads of :class:`Operations`: the database thread and the one beside it
(the daily backup) run at the same time, and results come back on the GUI thread."""

from __future__ import annotations

import threading
from typing import Any

from app.ui_kit.operations import Operations


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


class _Canary:
    """Records the thread that frees it."""

    def __init__(self, freed: list[str]) -> None:
        self.freed = freed

    def __del__(self) -> None:
        self.freed.append(threading.current_thread().name)


def test_whatever_a_job_holds_is_freed_on_the_gui_thread(qtbot: Any) -> None:
    """The work function's closure, the callbacks', the result and a failure's traceback:
    the last reference to each goes on the GUI thread, even when the database thread waits
    between jobs (before the fix 299 of 300 canaries were freed on ``homeward-db``)."""
    ops = Operations()
    freed: list[str] = []
    finished: list[int] = []

    def submit(n: int) -> None:
        held = _Canary(freed)

        def work() -> object:
            assert held is not None
            if n % 3 == 0:
                raise OSError("no space")  # its traceback holds this frame and ``held``
            return _Canary(freed)

        def ok(result: object) -> None:
            assert held is not None
            finished.append(n)

        def bad(exc: BaseException) -> None:
            assert held is not None
            finished.append(n)

        ops.run(work, ok, bad)

    for n in range(150):
        submit(n)
        qtbot.waitUntil(lambda n=n: len(finished) == n + 1, timeout=5000)
        qtbot.wait(1)  # the database thread is back in ``get()`` with nothing to do
    ops.wait_idle()
    ops.shutdown()
    import gc

    gc.collect()
    # Every result and the closures of the jobs that succeeded (the failures' tracebacks are
    # still held by the test's log capture).
    assert len(freed) >= 100 + 100
    assert set(freed) == {"MainThread"}


def test_garbage_cycles_are_collected_by_the_gui_thread(qtbot: Any) -> None:
    import gc

    from app.shell.crash_guard import GuiGarbageCollector

    collector = GuiGarbageCollector()
    try:
        assert not gc.isenabled()
        freed: list[str] = []
        for _ in range(gc.get_threshold()[0] + 10):
            a = _Canary(freed)
            a.me = a  # type: ignore[attr-defined]  # a cycle: only the collector frees it
            del a
        qtbot.waitUntil(lambda: len(freed) > 0, timeout=5000)
        assert set(freed) == {"MainThread"}
    finally:
        collector.stop()
    assert gc.isenabled()


def test_a_result_for_a_window_closed_meanwhile_is_dropped_quietly(qtbot: Any) -> None:
    """Locking while a page's data is on its way: the page's widgets are deleted before the
    answer arrives. The answer is dropped (logged), not an error shown over the sign-in."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QLabel

    ops = Operations()
    failures: list[str] = []
    ops.failed.connect(failures.append)
    release = threading.Event()
    label = QLabel()
    holder = QLabel()
    shown: list[str] = []

    def show(text: str) -> None:
        holder.setText(text)  # a closure over a widget Qt deletes meanwhile
        shown.append(text)

    ops.run(lambda: release.wait(5) and "loaded", label.setText)
    ops.run(lambda: "loaded", show)
    label.deleteLater()
    holder.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    release.set()
    ops.wait_idle()
    qtbot.wait(100)
    assert failures == [] and shown == []
    ops.shutdown()
