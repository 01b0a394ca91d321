"""Sliding-window throttling, several windows at once, on an injected clock.

UNKNOWN in FACTS.md §1.1: whether Feishu's windows slide or are fixed. They slide
here: a fixed window lets a client send 2x the quota across a boundary and still
pass, a sliding one never does, so a client that holds the sandbox's limits holds
Feishu's either way.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from batch_updater.sandbox.config import Rate


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request was throttled: the full window's quota, whole seconds until it has room."""

    limit: int
    reset_s: int


class Window:
    """At most `limit` admissions in any half-open interval (t - period, t]."""

    __slots__ = ("limit", "period", "_times")

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._times: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until this window can admit one more (0 if it can now)."""
        times = self._times
        while times and times[0] <= now - self.period:
            times.popleft()
        excess = len(times) - self.limit
        if excess < 0:
            return 0.0
        # The window has room once the oldest `excess + 1` admissions have left it.
        return times[excess] + self.period - now

    def admit(self, now: float) -> None:
        self._times.append(now)


class Throttle:
    """Admits a request only if every window has room; admitted requests count in all."""

    def __init__(self, rates: Sequence[Rate], clock: Callable[[], float]) -> None:
        self.windows = [Window(limit, period) for limit, period in rates]
        self._clock = clock

    def try_admit(self) -> Refusal | None:
        now = self._clock()
        waits = [(window.wait(now), window) for window in self.windows]
        blocked = [(wait, window) for wait, window in waits if wait > 0]
        if blocked:
            # Waiting for the window that frees last is enough for all of them.
            wait, window = max(blocked, key=lambda pair: pair[0])
            return Refusal(limit=window.limit, reset_s=max(1, math.ceil(wait - 1e-9)))
        for window in self.windows:
            window.admit(now)
        return None

    def refusal_for_burst(self) -> Refusal:
        """The refusal an injected 429 burst answers with: the tightest window, 1 s."""
        tightest = min(self.windows, key=lambda window: window.limit / window.period)
        return Refusal(limit=tightest.limit, reset_s=1)


class PeakCounter:
    """The largest number of events seen in any sliding window of `period` seconds."""

    __slots__ = ("period", "peak", "_times")

    def __init__(self, period: float) -> None:
        self.period = period
        self.peak = 0
        self._times: deque[float] = deque()

    def add(self, now: float) -> None:
        times = self._times
        while times and times[0] <= now - self.period:
            times.popleft()
        times.append(now)
        self.peak = max(self.peak, len(times))
