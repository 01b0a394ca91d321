"""Sliding-window throttling, several windows at once, on an injected clock.

UNKNOWN in docs/api-facts.md §1.1: whether Feishu's windows slide or are fixed. They slide
here: a fixed window lets a client send 2x the quota across a boundary and still
pass, a sliding one never does, so a client that holds the sandbox's limits holds
Feishu's either way.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
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
        cutoff = now - self.period  # one expression for "has left", so float rounding agrees
        while times and times[0] <= cutoff:
            times.popleft()
        excess = len(times) - self.limit
        # The window has room once the oldest `excess + 1` admissions have left it.
        return 0.0 if excess < 0 else times[excess] - cutoff

    def reset_s(self, now: float) -> int:
        """Whole seconds, rounded up, after which `wait` is 0: waiting that long is enough."""
        reset = max(1, math.ceil(self.wait(now) - 1e-9))
        oldest_blocking = self._times[len(self._times) - self.limit]
        while oldest_blocking > now + reset - self.period:  # float rounding must not make it a lie
            reset += 1
        return reset

    def admit(self, now: float) -> None:
        self._times.append(now)


class Throttle:
    """Admits a request only if every window has room; admitted requests count in all.

    `now` comes from the caller's clock (seconds), so whoever records the admission
    (the stats) records the very instant the throttle judged.
    """

    def __init__(self, rates: Sequence[Rate]) -> None:
        self.windows = [Window(limit, period) for limit, period in rates]

    def try_admit(self, now: float) -> Refusal | None:
        waits = [(window.wait(now), window) for window in self.windows]
        blocked = [(wait, window) for wait, window in waits if wait > 0]
        if blocked:
            # Waiting for the window that frees last is enough for all of them.
            _, window = max(blocked, key=lambda pair: pair[0])
            return Refusal(limit=window.limit, reset_s=window.reset_s(now))
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
