"""Idle locking, measured in wall-clock time.

A monotonic clock stops while a laptop sleeps; ``time.time()`` does not, so a laptop closed
for an hour is locked when it opens. The GUI calls :meth:`IdleTimer.touch` on user input and
polls :meth:`IdleTimer.expired` from a timer; when it expires the GUI calls the service's
lock. A clock that jumps backwards (a time-zone or NTP correction) never postpones the lock
by more than one timeout.
"""

from __future__ import annotations

import time
from collections.abc import Callable

DEFAULT_MINUTES = 5
MIN_MINUTES = 1
MAX_MINUTES = 240


class IdleTimer:
    def __init__(
        self, minutes: float = DEFAULT_MINUTES, clock: Callable[[], float] = time.time
    ) -> None:
        self.clock = clock
        self.seconds = minutes * 60
        self._last = clock()

    def touch(self) -> None:
        self._last = self.clock()

    def idle_seconds(self) -> float:
        now = self.clock()
        if now < self._last:  # the clock went back: count from now, not from the future
            self._last = now
        return now - self._last

    def expired(self) -> bool:
        return self.idle_seconds() >= self.seconds
