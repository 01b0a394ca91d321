"""Request pacing for the workers: an aiolimiter bucket at the controller's rate, and a shared pause.

The bucket holds one request (one every 1/rate seconds): a bucket as large as
the rate sends a burst at the start and trips a sliding window (MEASURED.md).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable

from aiolimiter import AsyncLimiter

from batch_updater.pacing import PaceController


class Pacer:
    """Gives each request its slot; told of each answer, it adjusts the rate or pauses everyone."""

    def __init__(self, controller: PaceController, *, clock: Callable[[], float] | None = None,
                 jitter: Callable[[], float] = lambda: random.uniform(0.0, 0.1)) -> None:
        self.controller = controller
        self._clock = clock
        self._jitter = jitter
        self._limiter = self._bucket(controller.rate)
        self._last_slot: float | None = None  # when the last request was let go
        self._hold_until = 0.0  # a new bucket starts empty: keep the old spacing until then

    def now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    @staticmethod
    def _bucket(rate: float) -> AsyncLimiter:
        return AsyncLimiter(1, 1.0 / rate)

    async def acquire(self) -> None:
        """Wait for this request's slot: after any shared pause, at the current rate."""
        while True:
            wait = max(self.controller.paused_until, self._hold_until) - self.now()
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            limiter = self._limiter
            await limiter.acquire()
            if limiter is self._limiter and self.controller.paused_until <= self.now():
                self._last_slot = self.now()
                return

    def accepted(self) -> None:
        self._follow(lambda now: self.controller.on_accepted(now))

    def throttled(self, reset_after: float | None) -> None:
        def cut(now: float) -> None:
            before = self.controller.paused_until
            until = self.controller.on_throttled(now, reset_after)
            if until > before:
                self.controller.paused_until = until + self._jitter()

        self._follow(cut)

    def _follow(self, event: Callable[[float], None]) -> None:
        rate = self.controller.rate
        event(self.now())
        if self.controller.rate != rate:
            self._limiter = self._bucket(self.controller.rate)
            # Its first slot would be free at once, right after the old bucket's last one:
            # two requests closer than 1/rate, enough to trip a window held just under.
            if self._last_slot is not None:
                self._hold_until = self._last_slot + 1.0 / self.controller.rate
