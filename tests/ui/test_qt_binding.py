"""Guards against a broken Qt binding release.

PySide6 6.12.0's ``Signal.emit()`` dropped a reference to ``True`` on every call, so a real
session crashed after a few hundred emitted signals (tests with synchronous work did not
notice). pyproject.toml excludes that release; this test catches the next one like it.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal


class Emitter(QObject):
    fired = Signal(object)


def test_emit_keeps_reference_counts(qtbot: Any) -> None:
    emitter = Emitter()
    count = [0]

    def receive(_value: object) -> None:
        count[0] += 1

    emitter.fired.connect(receive)
    before = sys.getrefcount(True)
    for i in range(2_000):
        emitter.fired.emit(None if i % 2 else i)
    assert count[0] == 2_000
    # 6.12.0 lost one reference per emit (2,000 here) and then crashed; allow a little noise
    assert abs(sys.getrefcount(True) - before) < 50


def test_emitting_from_a_worker_thread_reaches_the_gui_thread(qtbot: Any) -> None:
    emitter = Emitter()
    received: list[object] = []
    emitter.fired.connect(received.append)

    def work() -> None:
        for i in range(1_000):
            emitter.fired.emit((i, None))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(received) == 1_000, timeout=5_000)
    assert received[-1] == (999, None)
    QCoreApplication.processEvents()
