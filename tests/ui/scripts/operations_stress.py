"""Run in a subprocess by tests/ui/test_operations_stress.py: thousands of jobs on the real
database thread whose closures and results hold Qt objects, while windows close and a main
window is torn down as a lock does.

Any Qt warning about threads aborts the process (Qt warns "Timers cannot be stopped from
another thread" when a running timer is destroyed on the wrong thread), so a mistake in who
drops the last reference shows as a crash every time, not one time in a thousand.

Usage: python -m tests.ui.scripts.operations_stress JOBS [cycles]
"""

from __future__ import annotations

import faulthandler
import os
import sys
from typing import Any

from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QPlainTextEdit, QVBoxLayout, QWidget

from app.kernel.errors import HomewardError
from app.shell.main import application
from app.ui_kit.operations import Operations

TEXT = "Møte 😀🙂 مرحبا بالعالم Привет ș Ștefan " * 8


class Dialog(QDialog):
    """A dialog as the app's are: Python-owned, with a timer of its own (as the drafts'
    autosave and the busy indicator have)."""

    def __init__(self) -> None:
        super().__init__()
        self.edit = QPlainTextEdit(TEXT, self)
        self.timer = QTimer()  # no parent: owned by this Python object
        self.timer.start(60_000)
        self.document = QTextDocument(TEXT)


class Window(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        body = QWidget(self)
        layout = QVBoxLayout(body)
        for _ in range(5):
            layout.addWidget(QLabel(TEXT, body))
        self.setCentralWidget(body)
        self.timer = QTimer()
        self.timer.start(60_000)


def abort_on_thread_warnings(kind: QtMsgType, context: QMessageLogContext, text: str) -> None:
    sys.stderr.write(text + "\n")
    if "thread" in text.lower():
        sys.stderr.flush()
        os.abort()


def main() -> int:
    faulthandler.enable(all_threads=True)
    qInstallMessageHandler(abort_on_thread_warnings)
    jobs = int(sys.argv[1])
    cycles = len(sys.argv) > 2 and sys.argv[2] == "cycles"
    app = application()
    ops = Operations()
    state: dict[str, Any] = {"started": 0, "delivered": 0, "window": Window()}
    state["window"].show()

    def lock_and_unlock() -> None:
        # As a lock does: clear and delete the main window, then build a new one.
        old = state["window"]
        old.hide()
        old.deleteLater()
        state["window"] = Window()
        state["window"].show()

    def next_job() -> None:
        if state["started"] >= jobs:
            return
        state["started"] += 1
        n = state["started"]
        dialog = Dialog()
        dialog.show()
        if cycles:
            dialog.me = dialog  # a reference cycle: only the garbage collector frees it

        def work() -> Any:
            if cycles:
                junk = [[i] for i in range(2000)]  # allocate: the collector runs here
                del junk
            if n % 5 == 0:
                raise HomewardError("refused")  # failures carry tracebacks back
            return QTextDocument(TEXT) if n % 2 else dialog.document

        def done(result: Any) -> None:
            dialog.edit.setPlainText(str(n))
            dialog.close()
            finish()

        def failed(exc: BaseException) -> None:
            dialog.reject()
            finish()

        def finish() -> None:
            state["delivered"] += 1
            if n % 50 == 0:
                lock_and_unlock()
            if state["delivered"] == jobs:
                QTimer.singleShot(100, app.quit)
            else:
                QTimer.singleShot(0, next_job)

        ops.run(work, done, failed)

    for _ in range(3):  # three chains at once: the database thread waits between jobs
        QTimer.singleShot(0, next_job)
    QTimer.singleShot(240_000, app.quit)
    app.exec()
    ops.shutdown()
    print(f"delivered {state['delivered']} of {jobs}", flush=True)
    return 0 if state["delivered"] == jobs else 1


if __name__ == "__main__":
    sys.exit(main())
