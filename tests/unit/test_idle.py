"""The idle lock counts wall-clock time, so a sleeping laptop locks."""

from __future__ import annotations

from app.security.idle import IdleTimer


class Clock:
    now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_expires_after_the_timeout_and_touch_restarts_it() -> None:
    clock = Clock()
    timer = IdleTimer(5, clock)
    clock.now += 299
    assert not timer.expired()
    timer.touch()
    clock.now += 299
    assert not timer.expired()
    clock.now += 1
    assert timer.expired()


def test_sleep_counts_and_a_clock_going_back_does_not_postpone_for_long() -> None:
    clock = Clock()
    timer = IdleTimer(5, clock)
    clock.now += 3600  # the lid was closed for an hour
    assert timer.expired()
    timer.touch()
    clock.now -= 10_000  # the clock is corrected backwards
    assert not timer.expired()
    clock.now += 300
    assert timer.expired()
