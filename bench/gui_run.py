"""One headless GUI run, in its own process (so its peak memory is its own).

    QT_QPA_PLATFORM=offscreen python bench/gui_run.py WORKSPACE

Signs in as the demo social worker through the real sign-in window and worker thread, shows
the case list, scrolls to the middle of the list (rows read as they come into view), and
types a search at 8 keys a second. Prints one JSON line: seconds for each step, the key
derivation's share of the sign-in, and the peak resident memory (MB).

The daily automatic backup (due 5 s after signing in to a workspace without a recent backup)
is held off, so that it does not queue in front of the measured steps on the one database
thread; it is measured separately ("Backup and verify").
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from app.security import keyslots as ks  # noqa: E402

TYPED = "kristiansen"
KEY_INTERVAL_S = 0.125


def peak_rss_mb() -> float:
    """This process's own peak resident memory, in MB.

    Linux's ``VmHWM`` (high-water mark of this address space). Not ``getrusage().ru_maxrss``:
    on Linux that keeps, across ``exec``, the peak of the process that spawned us (the kernel
    records the old address space's high-water mark at exec, and subprocess's vfork shares the
    parent's) — so a GUI run started by a benchmark that had grown to 400 MB reported 400 MB.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # other systems


def main() -> int:
    folder = Path(sys.argv[1])
    kdf: list[float] = []
    real = ks.unlock_with_password

    def timed(*args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        try:
            return real(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            kdf.append(time.perf_counter() - started)

    ks.unlock_with_password = timed  # type: ignore[assignment]

    from app.shell.main import Controller, application
    from app.ui_kit.operations import Operations

    app = application()
    ops = Operations()
    c = Controller(folder, ops)
    c.start()
    app.processEvents()

    def wait(cond: Callable[[], bool], timeout: float = 120) -> bool:
        end = time.perf_counter() + timeout
        while not cond():
            if time.perf_counter() > end:
                return False
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        return True

    c.signin.username.setText("worker")
    c.signin.password.setText("demo")
    started = time.perf_counter()
    c.signin.try_sign_in()
    if not wait(lambda: c.window is not None):
        raise SystemExit("no main window")
    c._backup_timer.stop()  # see the module docstring
    window = c.window
    assert window is not None
    page = window.show_page("cases")
    model = page.model  # type: ignore[attr-defined]
    wait(lambda: model.rowCount() > 0)
    app.processEvents()
    usable = time.perf_counter() - started

    # Scroll to the middle of the whole list, as by dragging the scroll bar: reaching the end
    # of the first page asks for every id (if the pause after showing the list has not done
    # so already), then the rows in view at the middle are read as one batch.
    total = model.total
    table = page.list.table  # type: ignore[attr-defined]
    started = time.perf_counter()
    table.scrollToBottom()
    wait(lambda: model.complete, 30)
    middle = model.index(total // 2, 0)
    table.scrollTo(middle)
    app.processEvents()
    wait(lambda: model.data(middle) not in (None, "…"), 30)
    scroll = time.perf_counter() - started
    scroll_rows = model.rowCount()

    # Type the search; measure from the last keystroke to the results being in the table.
    loaded: list[tuple[str, float]] = []
    model.rows_did_load.connect(lambda _n: loaded.append((model.query.text, time.perf_counter())))
    search = page.list.search  # type: ignore[attr-defined]
    keystroke: list[float] = []
    for ch in TYPED:
        t = time.perf_counter()
        QTest.keyClicks(search, ch)
        keystroke.append(time.perf_counter() - t)
        wait(lambda t=t: time.perf_counter() - t >= KEY_INTERVAL_S)  # type: ignore[misc]
    last_key = t  # the last keystroke's moment
    wait(lambda: any(text == TYPED for text, _ in loaded), 30)
    shown = next(moment for text, moment in loaded if text == TYPED)
    search_s = shown - last_key

    peak_mb = peak_rss_mb()
    result = {
        "signin_total": usable,
        "kdf": sum(kdf),
        "usable_beyond_kdf": usable - sum(kdf),
        "total": total,
        "scroll": scroll,
        "scroll_rows": scroll_rows,
        "typed": TYPED,
        "search": search_s,
        "keystroke_ms": [round(k * 1000, 1) for k in keystroke],
        "results": model.total,
        "peak_rss_mb": peak_mb,
    }
    window.close()
    c.shutdown()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
