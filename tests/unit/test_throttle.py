"""Throttling: 5 free attempts, then 30 s doubling to 15 minutes; survives a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.security.throttle import Throttle, ThrottledError, delay_after


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_delays() -> None:
    assert [delay_after(n) for n in range(5)] == [0.0] * 5
    assert [delay_after(n) for n in (5, 6, 7, 8, 9)] == [30, 60, 120, 240, 480]
    assert delay_after(10) == delay_after(50) == 900


def test_lockout_survives_a_restart_and_success_resets(tmp_path: Path) -> None:
    clock = Clock()
    first = Throttle("ws-1", tmp_path, clock)
    for _ in range(4):
        first.check("Anna")
        first.failed("Anna")
    first.check("anna")  # the fifth attempt is still free
    first.failed("anna")
    # A new process: a new object reading the same file.
    restarted = Throttle("ws-1", tmp_path, clock)
    with pytest.raises(ThrottledError, match="30 seconds") as err:
        restarted.check("ANNA")
    assert 29 < err.value.wait_seconds <= 30
    restarted.check("someone-else")  # other users are not affected
    Throttle("ws-2", tmp_path, clock).check("anna")  # nor other workspaces
    clock.now += 31
    restarted.check("anna")
    restarted.failed("anna")
    with pytest.raises(ThrottledError, match=r"1 minute|60 seconds"):
        restarted.check("anna")
    clock.now += 61
    events = restarted.succeeded("anna")
    assert [e.action for e in events].count("sign_in_failed") == 6
    assert [e.action for e in events].count("lock_out") == 2
    restarted.check("anna")
    assert restarted.succeeded("anna") == []


def test_state_file_names_nobody(tmp_path: Path) -> None:
    throttle = Throttle("ws-1", tmp_path)
    throttle.failed("Ørjan.Ølstad")
    text = (tmp_path / "throttle.json").read_text("utf-8")
    assert "Ørjan" not in text and "rjan" not in text


def test_damaged_state_file_forgets_but_never_blocks(tmp_path: Path) -> None:
    (tmp_path / "throttle.json").write_text("{garbage", "utf-8")
    throttle = Throttle("ws-1", tmp_path)
    throttle.check("anna")
    throttle.failed("anna")
    assert "ws-1" in (tmp_path / "throttle.json").read_text("utf-8")
