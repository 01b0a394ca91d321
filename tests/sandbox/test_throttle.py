from __future__ import annotations

import pytest

from batch_updater.sandbox import ManualClock, parse_window
from batch_updater.sandbox.throttle import PeakCounter, Refusal, Throttle


@pytest.mark.parametrize(("text", "rate"), [
    ("20/s", (20, 1.0)), ("600/min", (600, 60.0)), ("7", (7, 1.0)), (" 5 / sec ", (5, 1.0)),
    ("100/minute", (100, 60.0)), ("3/M", (3, 60.0)),
])
def test_parse_window(text: str, rate: tuple[int, float]) -> None:
    assert parse_window(text) == rate


@pytest.mark.parametrize("text", ["", "0/s", "-1", "ten/s", "5/h", "2.5/s"])
def test_parse_window_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_window(text)


def test_window_slides_and_reset_is_honest() -> None:
    clock = ManualClock(0.0)  # times below are exact binary fractions
    throttle = Throttle([(3, 1.0)])
    for t in (0.0, 0.25, 0.75):
        clock.now = t
        assert throttle.try_admit(clock.now) is None
    clock.now = 0.875
    assert throttle.try_admit(clock.now) == Refusal(limit=3, reset_s=1)  # 0.125 s left, rounded up
    clock.now = 1.0  # the admission at 0.0 has left the window (t - 1, t]
    assert throttle.try_admit(clock.now) is None
    clock.now = 1.125  # a fixed window would have room again here; a sliding one not
    assert throttle.try_admit(clock.now) == Refusal(limit=3, reset_s=1)
    clock.now = 1.25
    assert throttle.try_admit(clock.now) is None


@pytest.mark.parametrize("step", [0.1, 0.004, 0.3, 1 / 3, 0.7])
def test_waiting_the_reset_is_always_enough(step: float) -> None:
    """Whatever float rounding does, a client that waits the header's seconds gets in."""
    throttle = Throttle([(4, 1.0), (10, 60.0)])
    now = 0.0
    for _ in range(200):
        refusal = throttle.try_admit(now)
        if refusal is not None:
            assert throttle.try_admit(now + refusal.reset_s) is None
            now += refusal.reset_s
        now += step


def test_several_windows_all_enforced_reset_of_the_one_that_frees_last() -> None:
    clock = ManualClock(0.0)
    throttle = Throttle([(2, 1.0), (3, 60.0)])
    assert throttle.try_admit(clock.now) is None
    assert throttle.try_admit(clock.now) is None
    assert throttle.try_admit(clock.now) == Refusal(limit=2, reset_s=1)  # per-second window full
    clock.now = 1.5
    assert throttle.try_admit(clock.now) is None  # third of the minute
    clock.now = 2.6
    # The second window has room, the minute one frees at 60.0: 57.4 s -> 58.
    assert throttle.try_admit(clock.now) == Refusal(limit=3, reset_s=58)
    clock.now = 2.6 + 58
    assert throttle.try_admit(clock.now) is None


def test_refused_requests_do_not_count() -> None:
    clock = ManualClock(0.0)
    throttle = Throttle([(1, 1.0)])
    assert throttle.try_admit(clock.now) is None
    for _ in range(5):
        clock.advance(0.1)
        assert throttle.try_admit(clock.now) is not None
    clock.now = 1.0
    assert throttle.try_admit(clock.now) is None


def test_peak_counter_is_the_busiest_sliding_window() -> None:
    peak = PeakCounter(1.0)
    for t in (0.0, 0.5, 0.9, 1.0, 1.4, 3.0):
        peak.add(t)
    assert peak.peak == 4  # 0.5, 0.9, 1.0, 1.4 lie in (0.4, 1.4]
