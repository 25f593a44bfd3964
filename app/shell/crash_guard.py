"""Two guards against the GUI dying under a worker thread, installed once per process.

* **Garbage cycles are collected on the GUI thread only.** Python's cyclic collector runs
  on whichever thread happens to allocate when a threshold is crossed — usually the database
  thread, which allocates most. A cycle that holds a widget, a model or a text document
  would then be destroyed there, and Qt objects destroyed off their own thread can take the
  process down. Automatic collection is turned off and a timer on the GUI thread collects
  whenever a generation's threshold has been crossed (as the PyQt documentation advises,
  and as Anki does).
* **Python's fault handler** writes the stacks of every thread (file names, lines and
  function names — never values) to the log folder if the process crashes, so a crash
  leaves evidence without leaking data.
"""

from __future__ import annotations

import faulthandler
import gc
import logging
from typing import IO

from PySide6.QtCore import QObject, QTimer

from app.kernel.logs import log_dir

log = logging.getLogger(__name__)

#: How often the GUI thread looks at the collector's counts. Cheap: a generation is only
#: collected when its threshold was crossed, as automatic collection would have done.
COLLECT_EVERY_MS = 500

_fault_file: IO[str] | None = None


class GuiGarbageCollector(QObject):
    """Collects garbage cycles on the thread that owns it (the GUI thread)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(COLLECT_EVERY_MS)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start()

    def collect_if_due(self) -> int:
        """Collect the oldest generation whose threshold is crossed; returns the generation,
        or -1 when nothing was due."""
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        due = -1
        for generation in range(len(thresholds)):
            if thresholds[generation] and counts[generation] >= thresholds[generation]:
                due = generation
        if due >= 0:
            gc.collect(due)
        return due

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()


def enable_fault_handler() -> None:
    """Write every thread's stack to ``faults.log`` in the log folder on a crash."""
    global _fault_file
    if _fault_file is not None:
        return
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        # Kept open for the life of the process: the handler writes to it from a signal.
        _fault_file = open(folder / "faults.log", "a", encoding="utf-8")  # noqa: SIM115
    except OSError:
        log.warning("the fault handler could not open its log file; using standard error")
        faulthandler.enable(all_threads=True)
        return
    faulthandler.enable(file=_fault_file, all_threads=True)
