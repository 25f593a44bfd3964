"""Every database call from the GUI goes through :class:`Operations`.

Contract for a work function passed to :meth:`Operations.run`:

* it runs on the **database thread** (one thread owns the service context's connections);
* it may call services and build plain values; it must **not** touch any widget, model or
  other Qt object of the GUI thread, and must not keep references to what it returns;
* its return value (or exception) is handed to ``on_success`` / ``on_failure`` on the **GUI
  thread**, in order.

Ownership: a job (its work function, callbacks, result or exception) is owned by the GUI
thread from :meth:`Operations.run` until it is delivered. The worker threads borrow it and
drop every reference of theirs *before* they report it done, so the last reference to
anything a job holds — a closure over a dialog, a model, a result — always goes on the GUI
thread. (When the database thread dropped it last, Qt objects were destroyed on that thread
and the window vanished with a segmentation fault.)

Work submitted under a ``key`` supersedes earlier work with the same key: superseded work
that has not started is skipped, and results of superseded work are dropped
(search-as-you-type never waits for or shows stale results). A busy signal is
raised only when work has been running for :data:`BUSY_AFTER_MS`, so quick calls never
flicker. Exceptions never vanish: unhandled ones reach :attr:`failed` and the log.

Long work that only reads the database on connections of its own and writes files (the
daily backup) goes to :meth:`Operations.run_aside`: a second thread, so that the database
thread stays free for the screens. Such work must not write to the database (hand a result
back and write it with :meth:`Operations.run`) and must take ``ServiceContext.exclusive``
against what cannot overlap it (the backup service does).

What the services a job called said they changed (:mod:`app.kernel.changes`) is collected on the
thread that ran it and emitted on :attr:`Operations.data_did_change` on the GUI thread once
the job succeeded, before its ``on_success`` — even when the job was superseded or its window
is gone, since the data changed all the same. :class:`ChangeBus` passes it on to the screens.

Tests use :class:`SyncOperations`, which runs the work at once on the calling thread.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal, Slot

from app.kernel.changes import NOTHING, Changes, collect
from app.kernel.errors import HomewardError

log = logging.getLogger(__name__)

BUSY_AFTER_MS = 300

Success = Callable[[Any], None]
Failure = Callable[[BaseException], None]


@dataclass
class _Job:
    id: int
    fn: Callable[[], Any]
    on_success: Success | None
    on_failure: Failure | None
    key: str | None
    label: str | None
    #: Set by the worker thread before it reports the job done.
    result: Any = None
    error: BaseException | None = None
    #: What the job's service writes said they changed (:mod:`app.kernel.changes`).
    changes: Changes = NOTHING


def describe(exc: BaseException) -> str:
    """A message for people: ours are meant for them; anything else is logged, not shown."""
    if isinstance(exc, HomewardError):
        return str(exc)
    from app.kernel.i18n import _

    return _(
        "Something went wrong ({kind}). Nothing you saved was lost; the details are in the log."
    ).format(kind=type(exc).__name__)


class Operations(QObject):
    """Runs work on one background thread; reports back on the GUI thread."""

    busy_did_change = Signal(bool, str)
    #: After a job that wrote succeeded: what its services said changed (a :class:`Changes`).
    data_did_change = Signal(object)
    #: Emitted for failures that had no ``on_failure`` handler: (message for people).
    failed = Signal(str)
    _done = Signal(int)  # the id of a job in ``_pending``: only a number crosses threads

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._latest: dict[str, int] = {}
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        #: Jobs submitted and not yet delivered, owned by the GUI thread (module docstring).
        self._pending: dict[int, _Job] = {}
        self._running = 0
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.timeout.connect(self._show_busy)
        self._busy_label = ""
        self._done.connect(self._deliver)
        self._thread = threading.Thread(
            target=self._loop, args=(self._queue,), name="homeward-db", daemon=True
        )
        self._thread.start()
        self._aside: queue.Queue[_Job | None] = queue.Queue()
        self._aside_thread = threading.Thread(
            target=self._loop, args=(self._aside,), name="homeward-aside", daemon=True
        )
        self._aside_thread.start()

    # -- GUI thread --

    def run(
        self,
        fn: Callable[[], Any],
        on_success: Success | None = None,
        on_failure: Failure | None = None,
        *,
        key: str | None = None,
        label: str | None = None,
    ) -> int:
        job = _Job(next(self._ids), fn, on_success, on_failure, key, label)
        if key is not None:
            self._latest[key] = job.id
        self._submit(job, self._queue)
        return job.id

    def run_aside(
        self,
        fn: Callable[[], Any],
        on_success: Success | None = None,
        on_failure: Failure | None = None,
        *,
        label: str | None = None,
    ) -> int:
        """Like :meth:`run`, on the thread beside the database thread (see the module
        docstring): for long work that reads on connections of its own and writes files."""
        job = _Job(next(self._ids), fn, on_success, on_failure, None, label)
        self._submit(job, self._aside)
        return job.id

    def _submit(self, job: _Job, to: queue.Queue[_Job | None]) -> None:
        self._pending[job.id] = job
        self._running += 1
        if job.label:
            self._busy_label = job.label
        if not self._busy_timer.isActive() and self._running == 1:
            self._busy_timer.start(BUSY_AFTER_MS)
        to.put(job)

    def call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the database thread and return its result, keeping the GUI responsive
        (a local event loop, like a modal dialog's). For short lookups a dialog needs first."""
        loop = QEventLoop()
        outcome: dict[str, Any] = {}

        def ok(value: Any) -> None:
            outcome["value"] = value
            loop.quit()

        def bad(exc: BaseException) -> None:
            outcome["error"] = exc
            loop.quit()

        self.run(fn, ok, bad)
        if not outcome:
            loop.exec()
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("value")

    def wait_idle(self, timeout_ms: int = 10_000) -> None:
        """Block until all submitted work is done, on both threads (shutdown and tests)."""
        events = []
        for line in (self._queue, self._aside):
            done = threading.Event()
            line.put(_Job(-1, done.set, None, None, None, None))
            events.append(done)
        end = time.monotonic() + timeout_ms / 1000
        for done in events:
            done.wait(max(0.0, end - time.monotonic()))

    def shutdown(self) -> None:
        self._queue.put(None)
        self._aside.put(None)
        self._thread.join(timeout=10)
        self._aside_thread.join(timeout=10)

    def _show_busy(self) -> None:
        if self._running:
            self.busy_did_change.emit(True, self._busy_label)

    @Slot(int)
    def _deliver(self, job_id: int) -> None:
        job = self._pending.pop(job_id)
        self._running = max(0, self._running - 1)
        if self._running == 0:
            self._busy_timer.stop()
            self.busy_did_change.emit(False, "")
        if job.changes:  # even when superseded or its window is gone: the data did change
            self.data_did_change.emit(job.changes)
        if job.key is not None and self._latest.get(job.key) != job.id:
            return  # superseded: a newer request with the same key is on its way
        _deliver(job, job.result, job.error, self.failed.emit)

    # -- database thread (and the thread beside it) --

    def _loop(self, line: queue.Queue[_Job | None]) -> None:
        while True:
            job = line.get()
            if job is None:
                return
            if job.id < 0:
                job.fn()
                continue
            job_id = self._work(job)
            # The GUI thread's ``_pending`` holds the job: dropping our reference here never
            # frees it, and nothing of the job is left in this frame while we wait again.
            job = None
            self._done.emit(job_id)

    def _work(self, job: _Job) -> int:
        job_id = job.id
        if job.key is not None and self._latest.get(job.key) != job_id:
            # Superseded while it waited (a reader of a dict the GUI thread writes: one
            # atomic lookup). Skipping it keeps typing fast; it is still reported done.
            return job_id
        try:
            with collect() as changes:
                job.result = job.fn()
                job.changes = changes()
        except BaseException as exc:  # forwarded to the GUI thread, never swallowed
            job.error = exc
            # The traceback keeps this frame alive: leave no way from it back to the job,
            # or the job would sit in a reference cycle for the garbage collector.
            del job
        return job_id


def _deliver(
    job: _Job, result: Any, exc: BaseException | None, report: Callable[[str], None]
) -> None:
    if exc is not None and not isinstance(exc, HomewardError):
        log.error("work failed: %s", type(exc).__name__, exc_info=exc)
    callback = job.on_success if exc is None else job.on_failure
    if callback is None:
        if exc is not None:
            report(describe(exc))
        return
    if _owner_is_gone(callback):
        # The window that asked was closed (locking, a closed tab) before the answer came:
        # nobody is left to show it to. Writes have already been committed or refused.
        log.info("a result arrived after its window closed; dropped")
        return
    try:
        callback(result if exc is None else exc)
    except RuntimeError as error:
        if "already deleted" not in str(error):
            raise
        # A closure over a widget that Qt has deleted meanwhile: the same case as above.
        log.info("a result arrived after its window closed; dropped")


def _owner_is_gone(callback: Callable[..., Any]) -> bool:
    """A bound method of a Qt object whose C++ side has been deleted."""
    owner = getattr(callback, "__self__", None)
    return isinstance(owner, QObject) and not shiboken6.isValid(owner)


class SyncOperations(Operations):
    """The same interface, run at once on the calling thread (tests and scripted use)."""

    def __init__(self, parent: QObject | None = None) -> None:
        QObject.__init__(self, parent)
        self._ids = itertools.count(1)
        self._latest = {}

    def run(
        self,
        fn: Callable[[], Any],
        on_success: Success | None = None,
        on_failure: Failure | None = None,
        *,
        key: str | None = None,
        label: str | None = None,
    ) -> int:
        job = _Job(next(self._ids), fn, on_success, on_failure, key, label)
        try:
            with collect() as changes:
                result = fn()
                changed = changes()
        except BaseException as exc:
            _deliver(job, None, exc, self.failed.emit)
        else:
            if changed:
                self.data_did_change.emit(changed)
            _deliver(job, result, None, self.failed.emit)
        return job.id

    def run_aside(
        self,
        fn: Callable[[], Any],
        on_success: Success | None = None,
        on_failure: Failure | None = None,
        *,
        label: str | None = None,
    ) -> int:
        return self.run(fn, on_success, on_failure, label=label)

    def call(self, fn: Callable[[], Any]) -> Any:
        with collect() as changes:
            result = fn()
            changed = changes()
        if changed:
            self.data_did_change.emit(changed)
        return result

    def wait_idle(self, timeout_ms: int = 10_000) -> None:
        return None

    def shutdown(self) -> None:
        return None


class ChangeBus(QObject):
    """One application-wide signal, carrying a :class:`~app.kernel.changes.Changes`: after a change,
    views decide whether to refresh.

    What changed comes from the services themselves, through the operations runner the bus
    follows (:meth:`follow`): the UI never names topics of its own.
    """

    data_did_change = Signal(object)  # Changes

    def follow(self, ops: Operations) -> None:
        """Publish what ``ops``'s jobs changed (once, however often it is called)."""
        ops.data_did_change.connect(self.publish, Qt.ConnectionType.UniqueConnection)

    @Slot(object)
    def publish(self, changes: Changes) -> None:
        self.data_did_change.emit(changes)
